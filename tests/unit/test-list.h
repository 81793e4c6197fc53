/* test-list.h - every unit test, by name. CMake reads the names from here. */
#ifndef TESTS_TEST_LIST_H
#define TESTS_TEST_LIST_H

int test_attr_items(void);
int test_attr_errors(void);
int test_chapter_fences(void);
int test_chapter_errors(void);
int test_chunk_names(void);
int test_reference_lines(void);
int test_expand_indentation(void);
int test_chunks_are_chapter_scoped(void);
int test_web_errors(void);
int test_plot_scripts(void);
int test_run_ids(void);
int test_tangle_outputs(void);
int test_tangle_streamed(void);
int test_expectations(void);
int test_regex_characters(void);
int test_endings(void);
int test_mpiexec_rank_signal(void);
int test_skip_and_wrapped_mpiexec(void);
int test_capture_order_and_status(void);
int test_capture_timeout_kills_everything(void);
int test_capture_leftovers(void);
int test_capture_exiting_child_is_not_left(void);
int test_capture_output_cap(void);
int test_capture_plan(void);
int test_capture_signals(void);
int test_capture_clean_shell(void);
int test_sanitize_output(void);
int test_sanitize_long_output(void);
int test_weave_hostile_output(void);
int test_weave_missing_capture(void);
int test_weave_skipped_run(void);
int test_json_roundtrip(void);
int test_linemap_rewrite(void);
int test_write_if_changed(void);
int test_file_update(void);
int test_symlinks_are_refused(void);
int test_list_files_sorted(void);
int test_edit_distance(void);
int test_sha256_vectors(void);
int test_command_spellings(void);
int test_script_programs(void);
int test_run_file_roundtrip(void);
int test_run_record_roundtrip(void);
int test_run_record_verify(void);
int test_manifest_roundtrip(void);
int test_tangled_record(void);
int test_untangle(void);
int test_names_that_clash(void);
int test_weave_discloses_cut_output(void);
int test_weave_relative_paths(void);

struct test {
	const char *name;
	int (*fn)(void);
};

static const struct test tests[] = {
	{"attr_items", test_attr_items},
	{"attr_errors", test_attr_errors},
	{"chapter_fences", test_chapter_fences},
	{"chapter_errors", test_chapter_errors},
	{"chunk_names", test_chunk_names},
	{"reference_lines", test_reference_lines},
	{"expand_indentation", test_expand_indentation},
	{"chunks_are_chapter_scoped", test_chunks_are_chapter_scoped},
	{"web_errors", test_web_errors},
	{"plot_scripts", test_plot_scripts},
	{"run_ids", test_run_ids},
	{"tangle_outputs", test_tangle_outputs},
	{"tangle_streamed", test_tangle_streamed},
	{"expectations", test_expectations},
	{"regex_characters", test_regex_characters},
	{"endings", test_endings},
	{"mpiexec_rank_signal", test_mpiexec_rank_signal},
	{"skip_and_wrapped_mpiexec", test_skip_and_wrapped_mpiexec},
	{"capture_order_and_status", test_capture_order_and_status},
	{"capture_timeout_kills_everything", test_capture_timeout_kills_everything},
	{"capture_leftovers", test_capture_leftovers},
	{"capture_exiting_child_is_not_left", test_capture_exiting_child_is_not_left},
	{"capture_output_cap", test_capture_output_cap},
	{"capture_plan", test_capture_plan},
	{"capture_signals", test_capture_signals},
	{"capture_clean_shell", test_capture_clean_shell},
	{"sanitize_output", test_sanitize_output},
	{"sanitize_long_output", test_sanitize_long_output},
	{"weave_hostile_output", test_weave_hostile_output},
	{"weave_missing_capture", test_weave_missing_capture},
	{"weave_skipped_run", test_weave_skipped_run},
	{"json_roundtrip", test_json_roundtrip},
	{"linemap_rewrite", test_linemap_rewrite},
	{"write_if_changed", test_write_if_changed},
	{"file_update", test_file_update},
	{"symlinks_are_refused", test_symlinks_are_refused},
	{"list_files_sorted", test_list_files_sorted},
	{"edit_distance", test_edit_distance},
	{"sha256_vectors", test_sha256_vectors},
	{"command_spellings", test_command_spellings},
	{"script_programs", test_script_programs},
	{"run_file_roundtrip", test_run_file_roundtrip},
	{"run_record_roundtrip", test_run_record_roundtrip},
	{"run_record_verify", test_run_record_verify},
	{"manifest_roundtrip", test_manifest_roundtrip},
	{"tangled_record", test_tangled_record},
	{"untangle", test_untangle},
	{"names_that_clash", test_names_that_clash},
	{"weave_discloses_cut_output", test_weave_discloses_cut_output},
	{"weave_relative_paths", test_weave_relative_paths},
	{NULL, NULL},
};

#endif
