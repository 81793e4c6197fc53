/*
 * Tests of what the freshness promise rests on: digests, how a command is
 * resolved, the files that pass between the commands (each written and read
 * back by its one owner), tangle's record of snippets/, and carrying an edit
 * back into its chapter.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "command.h"
#include "helpers.h"
#include "manifest.h"
#include "runner.h"
#include "runrecord.h"
#include "sha256.h"
#include "specfile.h"
#include "tangle.h"
#include "tangled.h"
#include "untangle.h"
#include "weave.h"

int test_sha256_vectors(void)
{
	char hex[SHA256_HEX];
	const char *two = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
	char *million = xcalloc(1000001, 1);
	struct sha256 s;

	/* FIPS 180-4's examples, and a million 'a' fed in pieces that straddle blocks. */
	sha256_hex("", 0, hex);
	EXPECT(!strcmp(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"));
	sha256_hex("abc", 3, hex);
	EXPECT(!strcmp(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
	sha256_hex(two, strlen(two), hex);
	EXPECT(!strcmp(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"));
	memset(million, 'a', 1000000);
	sha256_init(&s);
	for (size_t i = 0; i < 1000000; i += 7)
		sha256_update(&s, million + i, i + 7 <= 1000000 ? 7 : 1000000 - i);
	sha256_final_hex(&s, hex);
	EXPECT(!strcmp(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"));
	free(million);
	return 0;
}

/* The programs and files @p cmd uses, as "P:x F:y", or the problem and where. */
static char *uses(const char *cmd)
{
	struct command_uses u;
	struct buf b = {0};

	if (command_resolve(cmd, &u) < 0) {
		buf_printf(&b, "@%zu %s", u.problem_at, u.problem);
	} else {
		for (size_t i = 0; i < u.programs.len; i++)
			buf_printf(&b, "P:%s ", u.programs.items[i]);
		for (size_t i = 0; i < u.maybe_programs.len; i++)
			buf_printf(&b, "P?:%s ", u.maybe_programs.items[i]);
		for (size_t i = 0; i < u.files.len; i++)
			buf_printf(&b, "F:%s ", u.files.items[i]);
		for (size_t i = 0; i < u.maybe_files.len; i++)
			buf_printf(&b, "F?:%s ", u.maybe_files.items[i]);
		buf_printf(&b, "n=%d", u.ranks);
	}
	command_uses_free(&u);
	return buf_detach(&b);
}

static int resolves(const char *cmd, const char *want)
{
	char *got = uses(cmd);
	int ok = !strcmp(got, want);

	if (!ok)
		fprintf(stderr, "command '%s': got '%s', want '%s'\n", cmd, got, want);
	free(got);
	return ok;
}

static int refused(const char *cmd, const char *want)
{
	char *got = uses(cmd);
	int ok = got[0] == '@' && strstr(got, want) != NULL;

	if (!ok)
		fprintf(stderr, "command '%s': got '%s', want a refusal with '%s'\n", cmd, got, want);
	free(got);
	return ok;
}

int test_command_spellings(void)
{
	/* Every way of reaching a program or a file of the book. */
	EXPECT(resolves("build/bin/tasks", "P:tasks n=1"));
	EXPECT(resolves("./build/bin/tasks 3", "P:tasks n=1"));
	EXPECT(resolves("cd build && ./bin/tasks", "P:tasks n=1"));
	EXPECT(resolves("cd build/bin; ./tasks a", "P:tasks P?:a n=1"));
	EXPECT(resolves("env X=1 build/bin/a | head -1", "P:a n=1"));
	EXPECT(resolves("UV_THREADPOOL_SIZE=4 build/bin/uv", "P:uv n=1"));
	EXPECT(resolves("mpiexec --hostfile snippets/ch04/hostfile --map-by node -n 9 build/bin/x",
			"P:x F:snippets/ch04/hostfile n=9"));
	EXPECT(resolves("sh snippets/ch04/cluster.sh mpiexec -np 6 build/bin/h",
			"P:h F:snippets/ch04/cluster.sh n=6"));
	EXPECT(resolves("sh -c 'cd build; exec ./bin/z'", "P:z n=1"));
	EXPECT(resolves("bash -c \"build/bin/q\" 2>&1 | grep -c x", "P:q n=1"));
	EXPECT(resolves("(cd build && ./bin/a); ./build/bin/b", "P:a P:b n=1"));
	EXPECT(resolves("build/bin/x --prog=build/bin/y < snippets/ch01/in.txt",
			"P:x P:y F:snippets/ch01/in.txt n=1"));
	EXPECT(resolves("cd snippets/ch04 && sh cluster.sh up", "F?:snippets/ch04/cluster.sh F?:snippets/ch04/up n=1"));
	EXPECT(resolves("ompi_info --param btl all | grep -E '\"btl_(vader|tcp)\"'", "n=1"));
	EXPECT(resolves("build/bin/a 'quoted arg' \"$HOME\" # build/bin/comment", "P:a n=1"));
	/* A cd in one element of a pipeline does not reach the next. */
	EXPECT(refused("cd build | ./bin/a", "'./bin/a' is neither a program of the book"));
	/* What cannot be told is refused, at its offset. */
	EXPECT(refused("./a.out", "@0 './a.out' is neither"));
	EXPECT(refused("bin/tasks", "@0 'bin/tasks' is neither"));
	EXPECT(refused("cat build/out/x.txt", "@4 'build/out/x.txt' is a build product"));
	EXPECT(refused("ls build/bin", "the whole of build/bin"));
	EXPECT(refused("build/bin/a > build/x", "'build/x' is a build product"));
	EXPECT(refused("$PROG", "@0 the shell expands '$PROG'"));
	EXPECT(refused("build/bin/$X", "the shell expands"));
	EXPECT(refused("build/bin/*", "the shell expands"));
	EXPECT(refused("cd $(mktemp -d) && ./x", "follows a cd to a directory the build cannot know"));
	EXPECT(refused("sh -c \"$CMD\"", "the shell expands"));
	EXPECT(refused("echo \"unclosed", "an unclosed quote"));
	EXPECT(refused("../outside/prog", "leads out of the repository"));
	return 0;
}

int test_script_programs(void)
{
	struct strlist p = {0}, f = {0};
	const char *script = "#!/bin/sh\nbuild/bin/a x\n\"build/bin/b\" && ./build/bin/c\n"
			     "echo xbuild/bin/no; v=build/bin/d\nnotbuild/bin/e\n"
			     "sbatch snippets/ch04/job.sbatch; cat 'snippets/ch04/x.txt'\nbuild/bin/\n"
			     "# links to build/ and snippets/. It runs build/bin/a. See snippets/ch04/x.txt.\n";

	script_uses(script, strlen(script), &p, &f);
	EXPECT(p.len == 4);
	if (p.len == 4)
		EXPECT(!strcmp(p.items[0], "a") && !strcmp(p.items[1], "b") && !strcmp(p.items[2], "c") &&
		       !strcmp(p.items[3], "d"));
	EXPECT(f.len == 2);
	if (f.len == 2)
		EXPECT(!strcmp(f.items[0], "snippets/ch04/job.sbatch") && !strcmp(f.items[1], "snippets/ch04/x.txt"));
	strlist_free(&p);
	strlist_free(&f);
	return 0;
}

int test_run_file_roundtrip(void)
{
	struct run_file f = {0}, g;
	struct buf text = {0}, again = {0};

	f.programs = xcalloc(2, sizeof(*f.programs));
	f.programs[0].name = xstrdup("tasks");
	strlist_add(&f.programs[0].sources, "ch01/tasks.c");
	strlist_add(&f.programs[0].sources, "common/check.h");
	f.programs[1].name = xstrdup("q-tsan");
	f.nprograms = 2;
	strlist_add(&f.files, "snippets/ch04/hostfile");
	buf_puts(&f.block, "{.console .run timeout=\"10\"}\n$ build/bin/tasks\nline: program x\nblock\n");
	run_file_write(&f, &text);
	EXPECT(run_file_parse(text.data, text.len, &g) == 0);
	run_file_write(&g, &again);
	EXPECT(again.len == text.len && !memcmp(again.data, text.data, text.len));
	EXPECT(g.nprograms == 2 && g.programs[0].sources.len == 2 && g.programs[1].sources.len == 0);
	EXPECT(g.files.len == 1 && g.block.len == f.block.len);
	run_file_free(&g);
	/* A block alone is a run file too; anything else is not. */
	EXPECT(run_file_parse("{.run}\n$ echo\n", 14, &g) == 0 && g.nprograms == 0);
	run_file_free(&g);
	EXPECT(run_file_parse("junk\nblock\n", 11, &g) < 0);
	EXPECT(run_file_parse("program\n", 8, &g) < 0);
	run_file_free(&f);
	buf_free(&text);
	buf_free(&again);
	return 0;
}

int test_run_record_roundtrip(void)
{
	struct run_record r = {0}, s;
	struct buf json = {0}, again = {0};
	char *why, hex[SHA256_HEX];
	char *dir = xasprintf("%s/out", test_tmpdir()), *path;

	r.id = xstrdup("ch01-tasks");
	r.command = xstrdup("build/bin/tasks \"quoted\"");
	r.source = xstrdup("book/01-x.md:12");
	r.signal = xstrdup("SIGABRT");
	r.exit_status = -1;
	r.wall = 0.125;
	r.output_bytes = 20;
	r.dropped_bytes = 4;
	r.is_volatile = true;
	r.hangs = true;
	r.went_quiet = true;
	r.quiet = 1.5;
	r.timeout = 60;
	r.cores = 2;
	r.date = xstrdup("2026-11-28T08:00:00Z");
	sha256_hex("block", 5, r.block_sha256);
	sha256_hex("bin", 3, hex);
	run_record_add_input(&r, "snippets/ch01/tasks.c", hex);
	run_record_add_input(&r, "build/bin/tasks", hex);
	run_record_seal(&r, "hello\n", 6);
	EXPECT(r.ninputs == 2 && !strcmp(r.inputs[0].path, "build/bin/tasks"));
	run_record_write(&r, &json);
	EXPECT(run_record_parse(&s, json.data) == 0);
	EXPECT(s.hangs && s.went_quiet && !s.timed_out && s.quiet == 1.5 && s.timeout == 60);
	run_record_write(&s, &again);
	EXPECT(again.len == json.len && !memcmp(again.data, json.data, json.len));
	run_record_expected_digest(&s, hex);
	EXPECT(!strcmp(hex, r.digest));
	run_record_free(&s);
	/* Loading checks that the output is the one the record names. */
	mkdir(dir, 0755);
	path = xasprintf("%s/ch01-tasks.json", dir);
	write_file_text(path, json.data);
	free(path);
	path = xasprintf("%s/ch01-tasks.txt", dir);
	write_file_text(path, "hello\n");
	{
		struct buf out = {0};

		EXPECT(run_record_load(dir, "ch01-tasks", &s, &out, &why) == 0);
		run_record_free(&s);
		buf_free(&out);
		write_file_text(path, "other\n");
		EXPECT(run_record_load(dir, "ch01-tasks", &s, &out, &why) < 0);
		EXPECT(contains(why, "is not the output"));
		free(why);
		buf_free(&out);
	}
	EXPECT(run_record_parse(&s, "{\"id\": \"x\"}") < 0);
	free(path);
	free(dir);
	run_record_free(&r);
	buf_free(&json);
	buf_free(&again);
	return 0;
}

int test_run_record_verify(void)
{
	char *root = xasprintf("%s/root", test_tmpdir()), *path, *why;
	char hex[SHA256_HEX];
	struct run_record r = {0};

	mkdir(root, 0755);
	path = xasprintf("%s/snippets", root);
	mkdir(path, 0755);
	free(path);
	path = xasprintf("%s/snippets/a.c", root);
	write_file_text(path, "int main;\n");
	sha256_hex("{.run}\n", 7, r.block_sha256);
	sha256_hex("int main;\n", 10, hex);
	run_record_add_input(&r, "snippets/a.c", hex);
	EXPECT(run_record_verify(&r, "{.run}\n", 7, root, root, &why) == 0);
	EXPECT(run_record_verify(&r, "{.run}\n\n", 8, root, root, &why) < 0 &&
	       contains(why, "block in the chapter has changed"));
	free(why);
	write_file_text(path, "int main(void);\n");
	EXPECT(run_record_verify(&r, "{.run}\n", 7, root, root, &why) < 0 &&
	       contains(why, "snippets/a.c has changed since it ran"));
	free(why);
	run_record_free(&r);
	free(path);
	free(root);
	return 0;
}

int test_manifest_roundtrip(void)
{
	struct manifest m = {0}, n;
	struct manifest_program *p;
	struct manifest_run *r;
	struct manifest_chapter *c;
	struct buf text = {0}, again = {0}, tsv = {0};
	int bad;

	strlist_add(&m.library_sources, "common/check.c");
	strlist_add(&m.library_libs, "threads");
	p = manifest_add_program(&m);
	p->name = xstrdup("tasks");
	p->chapter = xstrdup("01-x");
	p->source = xstrdup("ch01/tasks.c");
	strlist_add(&p->libs, "common");
	strlist_add(&p->labels, "mpi");
	strlist_add(&p->variants, "tsan");
	r = manifest_add_run(&m);
	r->id = xstrdup("ch01-tasks");
	r->chapter = xstrdup("01-x");
	r->ranks = 4;
	r->timeout = 2.5;
	r->serial = true;
	strlist_add(&r->programs, "tasks");
	strlist_add(&r->files, "snippets/ch01/x.sh");
	strlist_add(&r->labels, "ch01");
	manifest_add_plot(&m)->id = xstrdup("ch01-plot-1");
	m.plots[0].chapter = xstrdup("01-x");
	m.plots[0].run = xstrdup("ch01-tasks");
	c = manifest_add_chapter(&m);
	c->slug = xstrdup("01-x");
	c->source = xstrdup("book/01-x.md");
	strlist_add(&c->runs, "ch01-tasks");
	strlist_add(&m.snippets, "ch01/tasks.c");
	manifest_write(&m, &text);
	EXPECT(manifest_parse(&n, text.data, &bad) == 0);
	manifest_write(&n, &again);
	EXPECT(again.len == text.len && !memcmp(again.data, text.data, text.len));
	EXPECT(n.nruns == 1 && n.runs[0].ranks == 4 && n.runs[0].timeout == 2.5 && n.runs[0].serial);
	manifest_write_programs(&n, &tsv);
	EXPECT(!strcmp(tsv.data, "tasks\tmpi\tch01/tasks.c\n"));
	manifest_free(&n);
	EXPECT(manifest_parse(&n, "lit_run(x)\n", &bad) < 0 && bad == 1);
	manifest_free(&n);
	EXPECT(manifest_parse(&n, "# c\nlit_nothing(y)\n", &bad) < 0 && bad == 2);
	manifest_free(&n);
	manifest_free(&m);
	buf_free(&text);
	buf_free(&again);
	buf_free(&tsv);
	return 0;
}

int test_tangled_record(void)
{
	struct tangled t = {0}, u;
	struct buf text = {0}, again = {0};
	uint64_t d;
	int bad;
	char *dir = xasprintf("%s/snip", test_tmpdir()), *path;
	char big[1000];

	/* The digest: same bytes, same digest, however they arrive; any change shows. */
	memset(big, 'x', sizeof(big));
	{
		struct tangled_hash h;

		tangled_hash_init(&h);
		for (size_t i = 0; i < sizeof(big); i += 13)
			tangled_hash_update(&h, big + i, i + 13 <= sizeof(big) ? 13 : sizeof(big) - i);
		EXPECT(tangled_hash_final(&h) == tangled_hash(big, sizeof(big)));
	}
	d = tangled_hash(big, sizeof(big));
	big[500] = 'y';
	EXPECT(tangled_hash(big, sizeof(big)) != d);
	EXPECT(tangled_hash("", 0) != tangled_hash("\n", 1));
	EXPECT(tangled_hash(big, 999) != tangled_hash(big, 1000));

	tangled_set(&t, "ch02/b.c", 2);
	tangled_set(&t, "ch01/a.c", 0xfedcba9876543210u);
	tangled_set(&t, "ch02/b.c", 3);
	tangled_write(&t, &text);
	EXPECT(contains(text.data, "fedcba9876543210  ch01/a.c\n0000000000000003  ch02/b.c\n"));
	mkdir(dir, 0755);
	path = xasprintf("%s/" TANGLED_NAME, dir);
	write_file_text(path, text.data);
	EXPECT(tangled_load(path, &u, &bad) == 0);
	tangled_write(&u, &again);
	EXPECT(!strcmp(again.data, text.data));
	EXPECT(tangled_get(&u, "ch02/b.c", &d) && d == 3 && !tangled_get(&u, "ch03/c.c", &d));
	tangled_free(&u);
	write_file_text(path, "# x\nnot a digest  ch01/a.c\n");
	EXPECT(tangled_load(path, &u, &bad) < 0 && bad == 2);
	unlink(path);
	EXPECT(tangled_load(path, &u, &bad) == 0 && u.paths.len == 0);
	tangled_free(&u);
	tangled_free(&t);
	buf_free(&text);
	buf_free(&again);
	free(path);
	free(dir);
	return 0;
}

/*
 * Untangle @p body (the root's file as edited, after tangle's header line;
 * with @p own_header, the whole file) in a one-chapter book; the new
 * chapter, or NULL.
 */
static char *carry(const char *chapter, const char *body, bool own_header, struct captured *c)
{
	struct book b;
	struct chapter_edit e;
	struct buf out = {0}, edited = {0};
	char *header;
	int got;

	if (load_book(&b, c, "01-u.md", chapter, NULL, NULL) < 0) {
		book_free(&b);
		return NULL;
	}
	header = snippet_header(b.roots[0].path, b.roots[0].chapter->path);
	if (!own_header)
		buf_puts(&edited, header);
	buf_puts(&edited, body);
	free(header);
	got = untangle_root(&b, &b.roots[0], edited.data, edited.len, &e, &c->d);
	buf_free(&edited);
	if (got == 1 && untangle_apply(b.roots[0].chapter, &e, 1, &out, &c->d) == 0) {
		buf_free(&e.lines);
		book_free(&b);
		return buf_detach(&out);
	}
	if (got == 1)
		buf_free(&e.lines);
	buf_free(&out);
	book_free(&b);
	return NULL;
}

int test_untangle(void)
{
	const char *chapter =
		"# U\n\n"
		"```{.c file=ch01/u.c}\n"
		"int main(void)\n"
		"{\n"
		"    <<body>>\n"
		"    return 0;\n"
		"}\n"
		"```\n\n"
		"```{.c #body}\n"
		"int a = 1;\n"
		"int b = 2;\n"
		"```\n";
	struct captured c;
	char *got;

	captured_open(&c);
	/* A line changed inside the indented chunk: it goes back without the indentation. */
	got = carry(chapter, "int main(void)\n{\n    int a = 10;\n    int b = 2;\n    return 0;\n}\n", false, &c);
	EXPECT(got && contains(got, "```{.c #body}\nint a = 10;\nint b = 2;\n```\n"));
	EXPECT(got && contains(got, "    <<body>>\n    return 0;\n"));
	free(got);
	/* Lines inserted inside one block. */
	got = carry(chapter, "int main(void)\n{\n    int a = 1;\n    int a2 = 3;\n    int b = 2;\n    return 0;\n}\n",
		    false, &c);
	EXPECT(got && contains(got, "int a = 1;\nint a2 = 3;\nint b = 2;\n"));
	free(got);
	/* A line removed from the root. */
	got = carry(chapter, "int main(void)\n{\n    int a = 1;\n    int b = 2;\n}\n", false, &c);
	EXPECT(got && contains(got, "    <<body>>\n}\n```"));
	free(got);
	EXPECT(!contains(captured_text(&c), "error"));
	/* An edit across two blocks is refused, at the snippet's line. */
	EXPECT(carry(chapter, "int main(void)\n{\n    int a = 1;\n    int b = 20;\n    return 1;\n}\n", false, &c) == NULL);
	/* (reported at the first line that comes from elsewhere) */
	EXPECT(contains(captured_text(&c), "snippets/ch01/u.c:6: error: the edit spans more than one block"));
	/* The header is tangle's. */
	EXPECT(carry(chapter, "/* mine */\nint main(void)\n{\n    int a = 1;\n    int b = 2;\n    return 0;\n}\n",
		     true, &c) == NULL);
	EXPECT(contains(captured_text(&c), "changes the first line, which tangle writes"));
	/* A line less indented than its block cannot go back into it. */
	EXPECT(carry(chapter, "int main(void)\n{\n    int a = 1;\nint b = 2;\n    return 0;\n}\n", false, &c) == NULL);
	EXPECT(contains(captured_text(&c), "indented less than the block it goes into"));
	captured_close(&c);
	return 0;
}

int test_names_that_clash(void)
{
	struct captured c;
	struct book b;

	captured_open(&c);
	EXPECT(load_book(&b, &c, "01-n.md", "# N\n```{.c file=ch01/test.c}\nint x;\n```\n", NULL, NULL) < 0);
	EXPECT(contains(captured_text(&c), "01-n.md:2:8: error: program name 'test' cannot be used: it is the name of a target of the build"));
	book_free(&b);
	captured_close(&c);
	captured_open(&c);
	EXPECT(load_book(&b, &c, "01-n.md",
			 "# N\n```{.c file=ch01/x.c variants=tsan}\nint x;\n```\n"
			 "```{.c file=ch01/x-tsan.c}\nint y;\n```\n", NULL, NULL) < 0);
	EXPECT(contains(captured_text(&c), "the variant build/bin/x-tsan of 'ch01/x.c' has the name of the program of 'ch01/x-tsan.c'"));
	book_free(&b);
	captured_close(&c);
	captured_open(&c);
	EXPECT(load_book(&b, &c, "01-n.md", "# N\n```{.c file=ch01/prog_x.c}\nint x;\n```\n", NULL, NULL) < 0);
	EXPECT(contains(captured_text(&c), "names starting with prog_"));
	book_free(&b);
	captured_close(&c);
	/* A run's command names a file the book does not tangle. */
	captured_open(&c);
	EXPECT(load_book(&b, &c, "01-n.md", "# N\n```{.console .run}\n$ sh snippets/ch01/none.sh\n```\n",
			 NULL, NULL) < 0);
	EXPECT(contains(captured_text(&c), "01-n.md:3:3: error: the command uses snippets/ch01/none.sh, but no chapter tangles that file"));
	book_free(&b);
	captured_close(&c);
	/* A script of the book runs a program that does not exist. */
	captured_open(&c);
	EXPECT(load_book(&b, &c, "01-n.md",
			 "# N\n```{.sh file=ch01/s.sh}\nbuild/bin/nothere\n```\n"
			 "```{.console .run}\n$ sh snippets/ch01/s.sh\n```\n", NULL, NULL) < 0);
	EXPECT(contains(captured_text(&c), "the script snippets/ch01/s.sh runs build/bin/nothere, but no chapter defines"));
	book_free(&b);
	captured_close(&c);
	/* Scripts are followed: s.sh names job.sh, which runs p; the run depends on all three. */
	captured_open(&c);
	EXPECT(load_book(&b, &c, "01-n.md",
			 "# N\n```{.sh file=ch01/s.sh}\nsbatch snippets/ch01/job.sh\n```\n"
			 "```{.sh file=ch01/job.sh}\nsrun build/bin/p\ncat snippets/ch01/none.txt\n```\n"
			 "```{.c file=ch01/p.c}\nint main(void) { return 0; }\n```\n"
			 "```{.console .run}\n$ sh snippets/ch01/s.sh\n```\n", NULL, NULL) < 0);
	EXPECT(contains(captured_text(&c), "the script snippets/ch01/job.sh uses snippets/ch01/none.txt, but no chapter tangles that file"));
	EXPECT(b.nruns == 1 && strlist_has(&b.runs[0].spec.programs, "p") &&
	       strlist_has(&b.runs[0].spec.files, "snippets/ch01/job.sh"));
	book_free(&b);
	captured_close(&c);
	return 0;
}

int test_weave_discloses_cut_output(void)
{
	const char *text = "# T\n\n```{.console .run}\n$ echo many\n```\n";
	struct captured c;
	struct book b;
	struct capture_file cap = {0};
	struct weave_links links = {NULL, "../out", NULL, NULL, WEAVE_SCREEN, NULL, NULL};
	struct buf md = {0};

	captured_open(&c);
	EXPECT(load_book(&b, &c, "01-t.md", text, NULL, NULL) == 0);
	cap.id = "ch01-run";
	cap.loaded = true;
	buf_puts(&cap.text, "kept line\n");
	cap.rec.output_bytes = 16u << 20 | 10;
	cap.rec.dropped_bytes = (16u << 20) - 0;
	cap.rec.date = xstrdup("2026-01-02T03:04:05Z");
	EXPECT(weave_chapter(&b, &cap, NULL, 0, &links, &md, &c.d) == 0);
	/* The reader is told, in the output and beside it, how much is missing. */
	EXPECT(contains(md.data, "kept line\n[... the capture ends here: 16.0 MiB more output was written and dropped ...]\n"));
	EXPECT(contains(md.data, "[output cut after 10 bytes of 16.0 MiB]{.status .cut}"));
	buf_free(&md);
	buf_free(&cap.text);
	run_record_free(&cap.rec);
	book_free(&b);
	captured_close(&c);
	return 0;
}

int test_weave_relative_paths(void)
{
	const char *text = "# T\n\n```{.console .run}\n$ echo where\n```\n";
	struct captured c;
	struct book b;
	struct capture_file cap = {0};
	struct weave_links links = {NULL, NULL, NULL, "/home/someone/book", WEAVE_SCREEN, NULL, NULL};
	struct buf md = {0};

	captured_open(&c);
	EXPECT(load_book(&b, &c, "01-t.md", text, NULL, NULL) == 0);
	cap.id = "ch01-run";
	cap.loaded = true;
	buf_puts(&cap.text, "at /home/someone/book/snippets/ch01/x.c:3 in /home/someone/books/other\n");
	cap.rec.date = xstrdup("2026-01-02T03:04:05Z");
	EXPECT(weave_chapter(&b, &cap, NULL, 0, &links, &md, &c.d) == 0);
	/* The builder's path to the repository is not shown; other paths are. */
	EXPECT(contains(md.data, "at snippets/ch01/x.c:3 in /home/someone/books/other\n"));
	buf_free(&md);
	buf_free(&cap.text);
	run_record_free(&cap.rec);
	book_free(&b);
	captured_close(&c);
	return 0;
}
