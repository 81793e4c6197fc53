/* runrecord.c - see runrecord.h. */
#include "runrecord.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"

void run_record_add_input(struct run_record *r, const char *path, const char *sha256)
{
	size_t at = r->ninputs;

	while (at > 0 && strcmp(r->inputs[at - 1].path, path) > 0)
		at--;
	if (at > 0 && !strcmp(r->inputs[at - 1].path, path))
		return;
	r->inputs = xrealloc(r->inputs, (r->ninputs + 1) * sizeof(*r->inputs));
	memmove(&r->inputs[at + 1], &r->inputs[at], (r->ninputs - at) * sizeof(*r->inputs));
	r->ninputs++;
	r->inputs[at].path = xstrdup(path);
	snprintf(r->inputs[at].sha256, sizeof(r->inputs[at].sha256), "%s", sha256);
}

const char *run_record_input(const struct run_record *r, const char *path)
{
	for (size_t i = 0; i < r->ninputs; i++)
		if (!strcmp(r->inputs[i].path, path))
			return r->inputs[i].sha256;
	return NULL;
}

void run_record_expected_digest(const struct run_record *r, char hex[SHA256_HEX])
{
	struct sha256 s;
	struct buf b = {0};

	buf_printf(&b, "block %s\n", r->block_sha256);
	for (size_t i = 0; i < r->ninputs; i++)
		buf_printf(&b, "input %s %s\n", r->inputs[i].path, r->inputs[i].sha256);
	buf_printf(&b, "output %s\n", r->output_sha256);
	/* A value is one line of output: no newline can hide in its text. */
	for (size_t i = 0; i < r->values.names.len; i++)
		buf_printf(&b, "value %s %s\n", r->values.names.items[i], r->values.texts.items[i]);
	sha256_init(&s);
	sha256_update(&s, b.data, b.len);
	sha256_final_hex(&s, hex);
	buf_free(&b);
}

void run_record_seal(struct run_record *r, const char *output, size_t len)
{
	sha256_hex(output, len, r->output_sha256);
	run_record_expected_digest(r, r->digest);
}

static void put_str(struct buf *j, const char *key, const char *value)
{
	buf_printf(j, "  \"%s\": ", key);
	if (value)
		json_string(j, value);
	else
		buf_puts(j, "null");
	buf_puts(j, ",\n");
}

static void put_bool(struct buf *j, const char *key, bool value)
{
	buf_printf(j, "  \"%s\": %s,\n", key, value ? "true" : "false");
}

void run_record_write(const struct run_record *r, struct buf *j)
{
	buf_puts(j, "{\n");
	put_str(j, "id", r->id);
	put_str(j, "command", r->command);
	put_str(j, "source", r->source);
	buf_printf(j, "  \"exit_status\": %d,\n", r->exit_status);
	put_str(j, "signal", r->signal);
	put_bool(j, "timed_out", r->timed_out);
	put_bool(j, "went_quiet", r->went_quiet);
	buf_printf(j, "  \"timeout\": %g,\n", r->timeout);
	buf_printf(j, "  \"quiet\": %g,\n", r->quiet);
	buf_printf(j, "  \"wall_seconds\": %.3f,\n", r->wall);
	buf_printf(j, "  \"output_bytes\": %zu,\n", r->output_bytes);
	buf_printf(j, "  \"dropped_bytes\": %zu,\n", r->dropped_bytes);
	buf_printf(j, "  \"leftover_processes\": %d,\n", r->leftovers);
	put_bool(j, "volatile", r->is_volatile);
	put_bool(j, "hangs", r->hangs);
	put_bool(j, "skipped", r->skipped);
	buf_printf(j, "  \"failures\": %d,\n", r->failures);
	put_str(j, "date", r->date);
	buf_printf(j, "  \"cores\": %ld,\n", r->cores);
	put_str(j, "cpu", r->cpu);
	put_str(j, "kernel", r->kernel);
	put_str(j, "compiler", r->compiler);
	put_str(j, "variant", r->variant);
	put_str(j, "block_sha256", r->block_sha256);
	buf_puts(j, "  \"inputs\": {");
	for (size_t i = 0; i < r->ninputs; i++) {
		buf_puts(j, i ? ",\n    " : "\n    ");
		json_string(j, r->inputs[i].path);
		buf_printf(j, ": \"%s\"", r->inputs[i].sha256);
	}
	buf_puts(j, r->ninputs ? "\n  },\n" : "},\n");
	buf_puts(j, "  \"values\": {");
	for (size_t i = 0; i < r->values.names.len; i++) {
		buf_puts(j, i ? ",\n    " : "\n    ");
		json_string(j, r->values.names.items[i]);
		buf_puts(j, ": ");
		json_string(j, r->values.texts.items[i]);
	}
	buf_puts(j, r->values.names.len ? "\n  },\n" : "},\n");
	put_str(j, "output_sha256", r->output_sha256);
	buf_printf(j, "  \"digest\": \"%s\"\n}\n", r->digest);
}

static char *dup_or_null(const struct json_flat *j, const char *key)
{
	const char *v = json_flat_get(j, key);

	return v ? xstrdup(v) : NULL;
}

static bool get_bool(const struct json_flat *j, const char *key)
{
	const char *v = json_flat_get(j, key);

	return v && !strcmp(v, "true");
}

static double get_num(const struct json_flat *j, const char *key)
{
	const char *v = json_flat_get(j, key);

	return v ? strtod(v, NULL) : 0;
}

static int get_hex(const struct json_flat *j, const char *key, char hex[SHA256_HEX])
{
	const char *v = json_flat_get(j, key);

	if (!v || strlen(v) != SHA256_HEX - 1 || strspn(v, "0123456789abcdef") != SHA256_HEX - 1)
		return -1;
	memcpy(hex, v, SHA256_HEX);
	return 0;
}

int run_record_parse(struct run_record *r, const char *text)
{
	struct json_flat j;
	int rc = 0;

	memset(r, 0, sizeof(*r));
	if (json_flat_parse(&j, text) < 0)
		return -1;
	r->id = dup_or_null(&j, "id");
	r->command = dup_or_null(&j, "command");
	r->source = dup_or_null(&j, "source");
	r->exit_status = (int)get_num(&j, "exit_status");
	r->signal = dup_or_null(&j, "signal");
	r->timed_out = get_bool(&j, "timed_out");
	r->went_quiet = get_bool(&j, "went_quiet");
	r->timeout = get_num(&j, "timeout");
	r->quiet = get_num(&j, "quiet");
	r->wall = get_num(&j, "wall_seconds");
	r->output_bytes = (size_t)get_num(&j, "output_bytes");
	r->dropped_bytes = (size_t)get_num(&j, "dropped_bytes");
	r->leftovers = (int)get_num(&j, "leftover_processes");
	r->is_volatile = get_bool(&j, "volatile");
	r->hangs = get_bool(&j, "hangs");
	r->skipped = get_bool(&j, "skipped");
	r->failures = (int)get_num(&j, "failures");
	r->date = dup_or_null(&j, "date");
	r->cores = (long)get_num(&j, "cores");
	r->cpu = dup_or_null(&j, "cpu");
	r->kernel = dup_or_null(&j, "kernel");
	r->compiler = dup_or_null(&j, "compiler");
	r->variant = dup_or_null(&j, "variant");
	for (size_t i = 0; i < j.keys.len; i++) {
		const char *key = j.keys.items[i], *v = j.values.items[i];

		if (starts_with(key, "values.")) {
			if (!v)
				rc = -1;
			else
				expr_values_set(&r->values, key + 7, v);
			continue;
		}
		if (!starts_with(key, "inputs."))
			continue;
		if (!v || strlen(v) != SHA256_HEX - 1)
			rc = -1;
		else
			run_record_add_input(r, key + 7, v);
	}
	if (!r->id || get_hex(&j, "block_sha256", r->block_sha256) < 0 ||
	    get_hex(&j, "output_sha256", r->output_sha256) < 0 || get_hex(&j, "digest", r->digest) < 0)
		rc = -1;
	json_flat_free(&j);
	if (rc < 0)
		run_record_free(r);
	return rc;
}

int run_record_load(const char *dir, const char *id, struct run_record *r, struct buf *output,
		    char **why)
{
	char *json_path = xasprintf("%s/%s.json", dir, id), *txt_path = xasprintf("%s/%s.txt", dir, id);
	struct buf json = {0};
	char hex[SHA256_HEX];
	int rc = -1;

	memset(r, 0, sizeof(*r));
	*why = NULL;
	if (read_file(json_path, &json) < 0)
		*why = xasprintf("cannot read %s: %s", json_path, strerror(errno));
	else if (run_record_parse(r, json.data ? json.data : "") < 0)
		*why = xasprintf("%s is not a run record (written by another version of run?)", json_path);
	else if (read_file(txt_path, output) < 0)
		*why = xasprintf("cannot read %s: %s", txt_path, strerror(errno));
	else if (sha256_hex(output->data ? output->data : "", output->len, hex), strcmp(hex, r->output_sha256))
		*why = xasprintf("%s is not the output %s records", txt_path, json_path);
	else if (run_record_expected_digest(r, hex), strcmp(hex, r->digest))
		*why = xasprintf("the digest in %s is not the one its contents give (edited by hand?)", json_path);
	else
		rc = 0;
	if (rc < 0)
		run_record_free(r);
	buf_free(&json);
	free(json_path);
	free(txt_path);
	return rc;
}

int run_record_verify(const struct run_record *r, const char *block, size_t len, const char *root,
		      const char *bindir, char **why)
{
	char hex[SHA256_HEX];

	*why = NULL;
	sha256_hex(block, len, hex);
	if (strcmp(hex, r->block_sha256)) {
		*why = xstrdup("its block in the chapter has changed since it ran");
		return -1;
	}
	for (size_t i = 0; i < r->ninputs; i++) {
		const char *path = r->inputs[i].path;
		char *file = starts_with(path, "build/bin/") ? xasprintf("%s/%s", bindir, path + 10)
							     : xasprintf("%s/%s", root, path);

		if (sha256_file(file, hex) < 0)
			*why = xasprintf("%s, which it ran with, cannot be read: %s", path, strerror(errno));
		else if (strcmp(hex, r->inputs[i].sha256))
			*why = xasprintf("%s has changed since it ran", path);
		free(file);
		if (*why)
			return -1;
	}
	return 0;
}

void run_record_free(struct run_record *r)
{
	free(r->id);
	free(r->command);
	free(r->source);
	free(r->signal);
	free(r->date);
	free(r->cpu);
	free(r->kernel);
	free(r->compiler);
	free(r->variant);
	for (size_t i = 0; i < r->ninputs; i++)
		free(r->inputs[i].path);
	free(r->inputs);
	expr_values_free(&r->values);
	memset(r, 0, sizeof(*r));
}
