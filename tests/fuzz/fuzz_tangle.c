/*
 * fuzz_tangle.c - a libFuzzer harness for everything the toolchain does with
 * text it did not write: the chapter parser and the whole web (tangle_book),
 * the prose's values and claims, weaving with a capture and the values it
 * yields, run specs and their checks against an output, line map rewriting,
 * flat JSON, expressions.
 *
 * The input is split at form feeds: the first part is chapter 01, the second
 * (if any) chapter 02, the third the captured output of every run (and the
 * text the line maps rewrite), the fourth a JSON document, which is also
 * parsed and evaluated as an expression over the values the runs found.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "book.h"
#include "expr.h"
#include "json.h"
#include "linemap.h"
#include "runspec.h"
#include "tangle.h"
#include "weave.h"

static FILE *sink;

/* Parse @p text as an expression, evaluate and explain it over @p values, format it. */
static void exercise_expr(const char *text, struct expr_values *values)
{
	const char *why;
	size_t at;
	struct expr *e = expr_parse(text, &why, &at);
	struct buf b = {0};
	double v;
	char *problem = NULL;

	if (!e)
		return;
	if (expr_eval(e, expr_values_lookup, values, &v, &problem) == 0) {
		expr_number(&b, v);
		expr_format(&b, "%.3e", v);
		expr_format(&b, "%d", v);
	}
	free(problem);
	expr_explain(e, text, expr_values_lookup, values, &b);
	buf_free(&b);
	expr_free(e);
}

static void exercise_book(const char *const *texts, const size_t *lens, size_t n,
			  const char *output, size_t olen, const char *expression)
{
	static const char *const paths[] = {"book/01-fuzz.md", "book/02-more.md"};
	struct diag d;
	struct book b;

	diag_init(&d, sink);
	if (book_parse(&b, paths, texts, lens, n, BOOK_PARTIAL, &d) == 0) {
		struct tangle_result t;
		struct capture_file *caps = calloc(b.nruns + 1, sizeof(*caps));
		struct weave_links links = {"../../snippets", "../out", "../docs", NULL, WEAVE_SCREEN, NULL, NULL};
		struct buf md = {0};

		tangle_book(&b, NULL, &t);
		tangle_result_free(&t);
		struct expr_values all = {0};

		for (size_t i = 0; i < b.nruns; i++) {
			caps[i].id = b.runs[i].id;
			caps[i].loaded = true;
			buf_add(&caps[i].text, output, olen);
			caps[i].rec.date = strdup("2026");
			runspec_check(&b.runs[i].spec, output, olen, RUN_ENDED, 0, 0, "f.md", &d, &caps[i].rec.values);
			for (size_t k = 0; k < caps[i].rec.values.names.len; k++)
				expr_values_set(&all, caps[i].rec.values.names.items[k], caps[i].rec.values.texts.items[k]);
		}
		exercise_expr(expression, &all);
		expr_values_free(&all);
		if (b.nchapters == 1)
			weave_chapter(&b, caps, NULL, 0, &links, &md, &d);
		for (size_t i = 0; i < b.nruns; i++) {
			buf_free(&caps[i].text);
			run_record_free(&caps[i].rec);
		}
		free(caps);
		buf_free(&md);
	}
	book_free(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *parts[4] = {"", "", "", ""};
	size_t lens[4] = {0, 0, 0, 0}, n = 0, start = 0;
	char *copy = malloc(size + 1);

	if (!sink)
		sink = fopen("/dev/null", "w");
	memcpy(copy, data, size);
	copy[size] = '\0';
	for (size_t i = 0; i <= size && n < 4; i++) {
		if (i == size || copy[i] == '\f') {
			parts[n] = copy + start;
			lens[n] = i - start;
			n++;
			start = i + 1;
		}
	}
	{
		char *expression = strndup(parts[3], lens[3]);

		exercise_book(parts, lens, lens[1] || n > 2 ? 2 : 1, parts[2], lens[2], expression);
		free(expression);
	}
	{
		struct buf out = {0};
		struct linemap_cache cache = {"/nonexistent", {0}, NULL};
		char *json = strndup(parts[3], lens[3]);
		struct json_flat j;

		sanitize_output(&out, parts[2], lens[2]);
		buf_reset(&out);
		linemap_rewrite(&cache, "/src/snippets", parts[2], lens[2], &out);
		linemap_cache_free(&cache);
		buf_free(&out);
		if (json_flat_parse(&j, json) == 0)
			json_flat_free(&j);
		free(json);
	}
	free(copy);
	return 0;
}
