/* Tests of values and claims: expressions, run rows, prose quotes, weaving, their files. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "expr.h"
#include "helpers.h"
#include "manifest.h"
#include "runner.h"
#include "runrecord.h"
#include "runspec.h"
#include "specfile.h"
#include "weave.h"

/* The value of @p text over @p values ("a=1,b=2"), or NAN-like failure: returns 0 or -1. */
static int eval_with(const char *text, const char *values, double *out, char **why)
{
	struct expr_values v = {0};
	const char *problem;
	size_t at;
	struct expr *e = expr_parse(text, &problem, &at);
	int rc;

	for (const char *p = values; p && *p;) {
		const char *eq = strchr(p, '='), *comma = strchr(p, ',');
		size_t end = comma ? (size_t)(comma - p) : strlen(p);
		char *name = xstrndup(p, (size_t)(eq - p)), *val = xstrndup(eq + 1, end - (size_t)(eq - p) - 1);

		expr_values_set(&v, name, val);
		free(name);
		free(val);
		p += end + (comma ? 1 : 0);
	}
	if (!e) {
		*why = xstrdup(problem);
		expr_values_free(&v);
		return -1;
	}
	rc = expr_eval(e, expr_values_lookup, &v, out, why);
	expr_free(e);
	expr_values_free(&v);
	return rc;
}

static bool evaluates_to(const char *text, const char *values, double want)
{
	double v;
	char *why = NULL;
	bool ok = eval_with(text, values, &v, &why) == 0 && v == want;

	if (!ok)
		fprintf(stderr, "'%s' with %s: %s\n", text, values, why ? why : "another value");
	free(why);
	return ok;
}

/* Does @p text fail to parse with @p why at @p at? */
static bool refused(const char *text, const char *why, size_t at)
{
	const char *problem;
	size_t where;
	struct expr *e = expr_parse(text, &problem, &where);
	bool ok = !e && strstr(problem, why) && where == at;

	if (!ok)
		fprintf(stderr, "'%s': %s at %zu\n", text, e ? "parsed" : problem, where);
	expr_free(e);
	return ok;
}

int test_expressions(void)
{
	struct expr *e;
	const char *why;
	size_t at;
	struct strlist names = {0};
	struct expr_values v = {0};
	struct buf b = {0};
	char *problem = NULL;
	double x;

	EXPECT(evaluates_to("serial / threads", "serial=0.5,threads=0.25", 2));
	EXPECT(evaluates_to("1 + 2 * 3 - -1", NULL, 8));
	EXPECT(evaluates_to("(1 + 2) * 3", NULL, 9));
	EXPECT(evaluates_to("1 <= x <= 1.15", "x=1.1", 1));
	EXPECT(evaluates_to("1 <= x <= 1.15", "x=1.24", 0));
	EXPECT(evaluates_to("x > 0 and not (x > 1) or y == 2", "x=0.5,y=3", 1));
	EXPECT(evaluates_to("max(a, b, 3) - min(a, b) + abs(-2)", "a=1,b=5", 6));
	EXPECT(evaluates_to("ch01.serial * 2", "ch01.serial=1.5", 3));
	EXPECT(evaluates_to("x != x", "x=1e300", 0));
	/* A comparison with an undefined number does not hold. */
	EXPECT(evaluates_to("0 / 0 < 1", NULL, 0));
	EXPECT(eval_with("x + 1", "x=abc", &x, &problem) < 0 && contains(problem, "x is 'abc', not a number"));
	free(problem);
	EXPECT(eval_with("x + 1", NULL, &x, &problem) < 0 && contains(problem, "x was not measured"));
	free(problem);
	EXPECT(refused("x +", "ends too soon", 3));
	EXPECT(refused("x = 1", "equality is '=='", 2));
	EXPECT(refused("x < = 1", "expected a number", 4));
	EXPECT(refused("sqrt(2)", "unknown function", 0));
	EXPECT(refused("abs(1, 2)", "abs() takes one argument", 0));
	EXPECT(refused("0x10", "decimal", 0));
	EXPECT(refused("1 2", "unexpected text", 2));
	EXPECT(refused("(x", "expected ')'", 2));
	EXPECT(refused("x and", "ends too soon", 5));
	EXPECT(refused("", "ends too soon", 0));
	{
		/* Nesting is bounded, so no input exhausts the stack. */
		char deep[400];

		memset(deep, '(', 200);
		strcpy(deep + 200, "1");
		EXPECT(refused(deep, "nests too deeply", 64));
		memset(deep, '-', 300);
		strcpy(deep + 300, "1");
		EXPECT(refused(deep, "nests too deeply", 64));
	}
	e = expr_parse("serial / threads > 1.5", &why, &at);
	EXPECT(e && expr_is_test(e) && !expr_is_name(e));
	expr_names(e, &names);
	EXPECT(names.len == 2 && !strcmp(names.items[0], "serial") && !strcmp(names.items[1], "threads"));
	expr_values_set(&v, "serial", "0.49");
	expr_values_set(&v, "threads", "0.5");
	expr_explain(e, "serial / threads > 1.5", expr_values_lookup, &v, &b);
	EXPECT(!strcmp(b.data, "serial / threads = 0.98 (serial = 0.49, threads = 0.5)"));
	expr_free(e);
	buf_reset(&b);
	/* A side that is a name is not repeated. */
	e = expr_parse("hidden > 0", &why, &at);
	expr_values_set(&v, "hidden", "-19");
	expr_explain(e, "hidden > 0", expr_values_lookup, &v, &b);
	EXPECT(!strcmp(b.data, "hidden = -19"));
	expr_free(e);
	buf_reset(&b);
	e = expr_parse("threads", &why, &at);
	EXPECT(e && expr_is_name(e) && !expr_is_test(e));
	expr_free(e);
	/* Formats. */
	EXPECT(expr_format_problem("%.1f") == NULL && expr_format_problem("%d") == NULL &&
	       expr_format_problem("%s") == NULL && expr_format_problem("%g") == NULL);
	EXPECT(expr_format_problem("%x") && expr_format_problem("%.10f") && expr_format_problem("%5.1f") &&
	       expr_format_problem("1f") && expr_format_problem("%.1f s"));
	expr_format(&b, "%.1f", 2.16);
	buf_puts(&b, " ");
	expr_format(&b, "%d", -0.4);
	buf_puts(&b, " ");
	expr_format(&b, "%d", 3.6);
	buf_puts(&b, " ");
	expr_format(&b, "%.2e", 12345);
	EXPECT(!strcmp(b.data, "2.2 0 4 1.23e+04"));
	buf_reset(&b);
	expr_number(&b, 0.04667);
	buf_puts(&b, " ");
	expr_number(&b, 2.5);
	buf_puts(&b, " ");
	expr_number(&b, 123.4);
	buf_puts(&b, " ");
	expr_number(&b, 3e9);
	EXPECT(!strcmp(b.data, "0.0467 2.5 123 3e+09"));
	buf_free(&b);
	strlist_free(&names);
	expr_values_free(&v);
	return 0;
}

/* Parse and check a run block whose body is @p body (lines from 2), on @p output. */
static int run_rows(const char *body, const char *output, struct captured *c, struct expr_values *values)
{
	struct attrs a;
	struct arena mem = {0};
	struct line lines[32];
	struct runspec r;
	size_t n = 0;
	int failures;

	for (const char *p = body; *p && n < 32;) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);

		lines[n] = (struct line){.text = p, .len = len, .lineno = (int)n + 2};
		n++;
		p += len + (nl ? 1 : 0);
	}
	attrs_parse(&a, &mem, "{.run}", 6, "t.md", 1, 1, &c->d);
	if (runspec_parse(&r, &a, lines, n, "t.md", 1, &c->d) < 0) {
		arena_free(&mem);
		runspec_free(&r);
		return -1;
	}
	failures = runspec_check(&r, output, strlen(output), RUN_ENDED, 0, 0, "t.md", &c->d, values);
	runspec_free(&r);
	arena_free(&mem);
	return failures;
}

/* Does @p body fail to parse, reporting @p message? */
static bool parse_refused(const char *body, const char *message)
{
	struct captured c;
	bool ok;

	captured_open(&c);
	ok = run_rows(body, "", &c, NULL) < 0 && contains(captured_text(&c), message);
	if (!ok)
		fprintf(stderr, "%s: expected '%s', got:\n%s", body, message, captured_text(&c));
	captured_close(&c);
	return ok;
}

int test_value_and_claim_rows(void)
{
	const char *out = "serial: 0.41 s\nthreads: 0.20 s\nhidden -19%\n";
	struct captured c;
	struct expr_values v = {0};
	size_t n;
	const struct expect_kind_info *kinds = expect_kinds(&n);

	/* Found: the first group, or the whole match without one. */
	captured_open(&c);
	EXPECT(run_rows("$ x\nvalue serial: ^serial: ([0-9.]+) s\nvalue line: threads.*\n"
			"claim: serial / 2 > 0.2\nclaim: 0.1 < serial < 1\n", out, &c, &v) == 0);
	EXPECT(!strcmp(expr_values_get(&v, "serial"), "0.41"));
	EXPECT(!strcmp(expr_values_get(&v, "line"), "threads: 0.20 s"));
	EXPECT(!strcmp(captured_text(&c), ""));
	captured_close(&c);
	expr_values_free(&v);
	/* Not found: a failure at the row. */
	captured_open(&c);
	EXPECT(run_rows("$ x\nvalue gone: ^processes: ([0-9.]+)\n", out, &c, &v) == 1);
	EXPECT(contains(captured_text(&c), "t.md:3: error: value 'gone' was not found: no output line matches /^processes: ([0-9.]+)/"));
	EXPECT(expr_values_get(&v, "gone") == NULL);
	captured_close(&c);
	expr_values_free(&v);
	/* A claim that does not hold fails, at its argument's column. */
	captured_open(&c);
	EXPECT(run_rows("$ x\nvalue hidden: ^hidden (-?[0-9]+)%\nclaim: hidden > 0\n", out, &c, NULL) == 1);
	EXPECT(contains(captured_text(&c), "t.md:4:8: error: the claim 'hidden > 0' does not hold on this "
			"machine: hidden = -19; the text assumes hidden > 0"));
	captured_close(&c);
	/* ... or, else note, passes with a warning: the book shows the note. */
	captured_open(&c);
	EXPECT(run_rows("$ x\nvalue hidden: ^hidden (-?[0-9]+)%\nclaim else note: hidden > 0\n", out, &c, NULL) == 0);
	EXPECT(contains(captured_text(&c), "t.md:4:18: warning: the claim 'hidden > 0' does not hold on this machine"));
	captured_close(&c);
	/* A claim over a value that was not found cannot pass. */
	captured_open(&c);
	EXPECT(run_rows("$ x\nvalue gone: ^nothing ([0-9]+)\nclaim else note: gone > 0\n", out, &c, NULL) == 2);
	EXPECT(contains(captured_text(&c), "cannot be checked: gone was not measured"));
	captured_close(&c);
	/* A value that is no number fails the claim that tests it. */
	captured_open(&c);
	EXPECT(run_rows("$ x\nvalue word: ^(serial)\nclaim: word > 0\n", out, &c, NULL) == 1);
	EXPECT(contains(captured_text(&c), "word is 'serial', not a number"));
	captured_close(&c);
	/* Malformed rows are refused where they are written. */
	EXPECT(parse_refused("$ x\nvalue: ^a\n", "t.md:3:6: error: value needs a name"));
	EXPECT(parse_refused("$ x\nvalue 1x: ^a\n", "t.md:3:7: error: value needs a name"));
	EXPECT(parse_refused("$ x\nvalue a: ^(\n", "t.md:3:10: error: bad regular expression '^('"));
	EXPECT(parse_refused("$ x\nvalue a: ^a\nvalue a: ^b\n", "t.md:4:7: error: value 'a' is already defined at line 3"));
	EXPECT(parse_refused("$ x\nclaim: a > 0\n", "t.md:3:8: error: the claim tests 'a', which is no value of this run"));
	EXPECT(parse_refused("$ x\nvalue a: ^a\nclaim: a + 1\n", "t.md:4:8: error: a claim is a test"));
	EXPECT(parse_refused("$ x\nvalue a: ^a\nclaim: a >\n", "t.md:4:11: error: bad claim 'a >': the expression ends too soon"));
	EXPECT(parse_refused("$ x\nvalue a: ^a\nclaim else maybe: a > 1\n", "t.md:4:7: error: a claim is followed by nothing, 'else note' or 'else fail'"));
	EXPECT(parse_refused("$ x\ncontains 2: a\n", "t.md:3:10: error: 'contains' takes nothing before its ':'"));
	/* The "known:" list is the table's. */
	EXPECT(parse_refused("$ x\nbogus: a\n", "unknown expectation 'bogus' (known: contains, lacks, count N, order, "
			     "line, output, anyorder, value NAME, claim [else note])"));
	EXPECT(n == EXPECT_CLAIM + 1 && !strcmp(kinds[EXPECT_VALUE].keyword, "value") &&
	       kinds[EXPECT_CLAIM].form == FORM_ELSE);
	for (size_t k = 0; k < n; k++)
		EXPECT(kinds[k].keyword && kinds[k].spelling && kinds[k].check && kinds[k].describe);
	return 0;
}

static const char *quoting_chapter =
	"# Q\n\n"
	"```{.console .run .volatile}\n$ echo mp\nvalue serial: ^serial ([0-9.]+)\nvalue threads: ^threads ([0-9.]+)\n```\n\n"
	"Threads took `threads`{.value} s, `serial / threads`{.value format=\"%.1f\"} times less`serial > threads`{.claim}.\n"
	"They are `serial / threads > 5`{.claim else=note} and ``a `code` span``{.c} stays, as does `x`{.value\n"
	"```\n`not`{.value} in a block\n```\n";

static void record_with(struct capture_file *cap, const char *id, const char *serial, const char *threads)
{
	memset(cap, 0, sizeof(*cap));
	cap->id = id;
	cap->loaded = true;
	buf_puts(&cap->text, "out\n");
	cap->rec.date = xstrdup("2026-01-02T03:04:05Z");
	if (serial)
		expr_values_set(&cap->rec.values, "serial", serial);
	if (threads)
		expr_values_set(&cap->rec.values, "threads", threads);
	memset(cap->rec.digest, 'a', SHA256_HEX - 1);
	cap->rec.digest[0] = id[3];
}

static void capture_free(struct capture_file *cap)
{
	buf_free(&cap->text);
	run_record_free(&cap->rec);
}

int test_quotes_in_prose(void)
{
	struct captured c;
	struct book b;

	captured_open(&c);
	EXPECT(load_book(&b, &c, "01-q.md", quoting_chapter, NULL, NULL) == 0);
	EXPECT(b.nquotes == 4);
	EXPECT(b.nquotes == 4 && b.quotes[0].kind == QUOTE_VALUE && b.quotes[0].line == 9 && b.quotes[0].col == 15 &&
	       !strcmp(b.quotes[1].text, "serial / threads") && !strcmp(b.quotes[1].format, "%.1f") &&
	       b.quotes[2].kind == QUOTE_CLAIM && !b.quotes[2].note && b.quotes[3].note &&
	       b.quotes[0].runs[0] == &b.runs[0]);
	book_free(&b);
	captured_close(&c);

	/* Each error at its line and column. */
	static const struct {
		const char *prose, *error;
	} bad[] = {
		{"`serail`{.value}", "01-q.md:9:2: error: no run of this chapter has a value 'serail'; did you mean 'serial'?"},
		{"`zzz`{.value}", "01-q.md:9:2: error: no run of this chapter has a value 'zzz' (a run block defines one"},
		{"`ch02.x`{.value}", "01-q.md:9:2: error: 'ch02.x' names a value of chapter 'ch02', and no chapter has that tag"},
		{"`ch01.x`{.value}", "01-q.md:9:2: error: no run of this chapter has a value 'x'"},
		{"`serial +`{.value}", "01-q.md:9:10: error: bad value 'serial +': the expression ends too soon"},
		{"`serial`{.value format=%x}", "01-q.md:9:17: error: bad format '%x'"},
		{"`serial * 2`{.value format=%s}", "format=%s shows a value as its run printed it"},
		{"`serial`{.claim}", "01-q.md:9:2: error: a claim is a test"},
		{"`serial > 1`{.value}", "01-q.md:9:2: error: a value is a number, not a test"},
		{"`serial`{.value fmt=x}", "01-q.md:9:17: error: unknown attribute 'fmt' on an inline value (known: format)"},
		{"`serial > 1`{.claim else=maybe}", "else=fail (the build fails, the default) or else=note"},
		{"`serial`{.value .claim}", "01-q.md:9:9: error: inline code is a .value or a .claim, not both"},
		{"`serial`{.value .big}", "unknown class '.big' on an inline value"},
		{"`  `{.value}", "an empty inline value"},
		{"`serial`{.value} `threads > 1`{.claim}\n\n`serial`{.value format=\"%d\"", NULL},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char *text = xasprintf("# Q\n\n```{.console .run}\n$ echo mp\nvalue serial: ^serial ([0-9.]+)\n"
				       "value threads: ^threads ([0-9.]+)\n```\n\n%s\n", bad[i].prose);
		int rc;

		captured_open(&c);
		rc = load_book(&b, &c, "01-q.md", text, NULL, NULL);
		if (bad[i].error ? rc == 0 || !contains(captured_text(&c), bad[i].error) : rc != 0) {
			fprintf(stderr, "%s: expected %s, got:\n%s", bad[i].prose, bad[i].error ? bad[i].error : "no error",
				captured_text(&c));
			test_failed = 1;
		}
		book_free(&b);
		captured_close(&c);
		free(text);
	}
	/* The summary goes to the front page, where no run is at hand. */
	captured_open(&c);
	EXPECT(load_book(&b, &c, "01-q.md", "# Q\n\nIt took `a`{.value} s.\n\n```{.console .run}\n$ echo a\nvalue a: ^a\n```\n",
			 NULL, NULL) < 0);
	EXPECT(contains(captured_text(&c), "01-q.md:3:10: error: the chapter's first paragraph is shown on the front page"));
	book_free(&b);
	captured_close(&c);
	/* Names are short words. */
	EXPECT(parse_refused("$ x\nvalue a123456789012345678901234567890123456789012345678901234567890123456789: ^a\n",
			     "at most 64 long"));
	/* A value nobody quotes is an error; names are unique in a chapter. */
	captured_open(&c);
	EXPECT(load_book(&b, &c, "01-q.md", "# Q\n\n```{.console .run}\n$ echo mp\nvalue a: ^a\n```\n", NULL, NULL) < 0);
	EXPECT(contains(captured_text(&c), "01-q.md:5:7: error: value 'a' is never quoted"));
	book_free(&b);
	captured_close(&c);
	captured_open(&c);
	EXPECT(load_book(&b, &c, "01-q.md",
			 "# Q\n\n```{.console .run}\n$ echo mp\nvalue a: ^a\n```\n\n"
			 "```{.console .run}\n$ echo mp 2\nvalue a: ^b\n```\n\n`a`{.value}\n", NULL, NULL) < 0);
	EXPECT(contains(captured_text(&c), "01-q.md:10:7: error: value 'a' is already defined by run ch01-run (line 5)"));
	book_free(&b);
	captured_close(&c);
	/* Another chapter's value, by its tag. */
	captured_open(&c);
	EXPECT(load_book(&b, &c, "01-q.md", quoting_chapter, "02-r.md", "# R\n\nChapter R.\n\nAs `ch01.serial`{.value} s.\n") == 0);
	EXPECT(b.nquotes == 5 && b.quotes[4].runs[0] == &b.runs[0] &&
	       !strcmp(b.quotes[4].value_names.items[0], "serial"));
	book_free(&b);
	captured_close(&c);
	return 0;
}

int test_weave_quotes(void)
{
	struct captured c;
	struct book b;
	struct capture_file cap;
	struct weave_links links = {NULL, NULL, NULL, NULL, WEAVE_SCREEN, NULL, NULL};
	struct buf md = {0};

	captured_open(&c);
	EXPECT(load_book(&b, &c, "01-q.md", quoting_chapter, NULL, NULL) == 0);
	record_with(&cap, "ch01-run", "0.41", "0.2");
	EXPECT(weave_chapter(&b, &cap, NULL, 0, &links, &md, &c.d) == 0);
	EXPECT(contains(md.data, "Threads took [0.2](#run-ch01-run){.value data-run=\"ch01-run\" data-digest=\"1aaa"));
	EXPECT(contains(md.data, "data-state=\"shown\" title=\"threads from the output of run ch01-run (output 1aaaaaaaaaaa)\"} s, [2.0](#run-ch01-run){.value"));
	EXPECT(contains(md.data, "times less[✓](#run-ch01-run){.claim .held data-run=\"ch01-run\""));
	EXPECT(contains(md.data, "They are [on this machine: serial / threads \\= 2.05 \\(serial \\= 0.41, threads \\= 0.2\\); "
			"the text assumes serial / threads \\> 5]{.claim .noted"));
	EXPECT(contains(captured_text(&c), "01-q.md:10:11: warning: the claim 'serial / threads > 5' does not hold"));
	/* Inline code that is not ours, and code in blocks, pass through. */
	EXPECT(contains(md.data, "``a `code` span``{.c} stays, as does `x`{.value\n"));
	EXPECT(contains(md.data, "`not`{.value} in a block"));
	/* The printed list. */
	EXPECT(contains(md.data, "::: {.quoted-values}\n"));
	EXPECT(contains(md.data, "- 2.0 is ` serial / threads ` (line 9): run [ch01-run]{.run-id}, output 1aaaaaaaaaaa\n"));
	EXPECT(contains(md.data, "- ✗ ` serial / threads > 5 ` does not hold (line 10): run [ch01-run]{.run-id}"));
	buf_reset(&md);
	capture_free(&cap);
	captured_close(&c);

	/* A claim that must hold and does not fails, at its line. */
	captured_open(&c);
	record_with(&cap, "ch01-run", "0.1", "0.2");
	EXPECT(weave_chapter(&b, &cap, NULL, 0, &links, &md, &c.d) < 0);
	EXPECT(contains(captured_text(&c), "01-q.md:9:87: error: the claim 'serial > threads' does not hold on this "
			"machine: serial = 0.1, threads = 0.2; the text assumes serial > threads"));
	buf_reset(&md);
	capture_free(&cap);
	captured_close(&c);

	/* A stale record is never quoted. */
	captured_open(&c);
	record_with(&cap, "ch01-run", "0.41", "0.2");
	cap.stale = xstrdup("its block in the chapter has changed since it ran");
	EXPECT(weave_chapter(&b, &cap, NULL, 0, &links, &md, &c.d) < 0);
	EXPECT(contains(captured_text(&c), "01-q.md:9:15: error: the value 'threads' comes from run ch01-run, whose output is stale"));
	free(cap.stale);
	buf_reset(&md);
	capture_free(&cap);
	captured_close(&c);

	/* A run that could not run here: its values are not measured, and say so. */
	captured_open(&c);
	record_with(&cap, "ch01-run", "0.41", "0.2");
	cap.rec.skipped = true;
	EXPECT(weave_chapter(&b, &cap, NULL, 0, &links, &md, &c.d) == 0);
	EXPECT(contains(md.data, "Threads took [not measured here]{.value .unmeasured data-run=\"ch01-run\""));
	EXPECT(contains(md.data, "[not checked here]{.claim .unmeasured"));
	buf_reset(&md);
	capture_free(&cap);
	captured_close(&c);
	book_free(&b);

	/* Another chapter's run, as the build passes it, links to that page. */
	captured_open(&c);
	{
		const char *path = "02-r.md", *text = "# R\n\nChapter R.\n\nAs `ch01.serial`{.value} s.\n";
		size_t len = strlen(text);

		/* As weave loads it: this chapter alone. */
		EXPECT(book_parse(&b, &path, &text, &len, 1, BOOK_PARTIAL, &c.d) == 0);
	}
	{
		struct quoted_run q = {0};
		struct capture_file none = {0};

		record_with(&q.cap, "ch01-run", "0.41", NULL);
		q.id = "ch01-run";
		q.slug = "01-q";
		q.tag = "ch01";
		strlist_add(&q.values, "serial");
		EXPECT(weave_chapter(&b, &none, &q, 1, &links, &md, &c.d) == 0);
		EXPECT(contains(md.data, "As [0.41](01-q.html#run-ch01-run){.value data-run=\"ch01-run\""));
		buf_reset(&md);
		/* Without it, the page cannot be woven. */
		EXPECT(weave_chapter(&b, &none, NULL, 0, &links, &md, &c.d) < 0);
		EXPECT(contains(captured_text(&c), "02-r.md:5:5: error: no run of the chapter tagged 'ch01' that this page is woven with"));
		strlist_free(&q.values);
		capture_free(&q.cap);
	}
	book_free(&b);
	captured_close(&c);

	/* A run's claim else note shows its note beside the output. */
	captured_open(&c);
	EXPECT(load_book(&b, &c, "01-q.md", "# Q\n\n```{.console .run}\n$ echo mp\nvalue serial: ^s ([0-9]+)\n"
			 "claim else note: serial > 1\n```\n", NULL, NULL) == 0);
	record_with(&cap, "ch01-run", "0.5", NULL);
	EXPECT(weave_chapter(&b, &cap, NULL, 0, &links, &md, &c.d) == 0);
	EXPECT(contains(md.data, "[On this machine: serial \\= 0.5; the text assumes serial \\> 1.]{.claim .noted}"));
	EXPECT(contains(md.data, "Checked by the build: ` serial > 1 (else a note) `. Values read from the output: ` serial `."));
	capture_free(&cap);
	book_free(&b);
	captured_close(&c);
	buf_free(&md);
	return 0;
}

int test_claim_files_roundtrip(void)
{
	char *spec = xasprintf("%s/ID.run", test_tmpdir()), *loc = xasprintf("%s/ID.loc", test_tmpdir());
	char *chapter = NULL;
	struct buf text = {0}, json = {0};
	struct quote_site one = {"serial", "book/01-a.md", 40, 12}, two = {"threads", "book/02-b.md", 7, 3};
	struct quote_site *sites;
	size_t n;
	int line;
	struct run_record r = {0}, s;
	struct manifest m = {0}, back;
	struct manifest_chapter *mc;
	int bad;

	/* The location, and where the prose quotes the run's values. */
	location_write("book/01-a.md", 12, &text);
	location_write_quote(&one, &text);
	location_write_quote(&two, &text);
	write_file_text(loc, text.data);
	EXPECT(location_load(spec, &chapter, &line) == 0 && !strcmp(chapter, "book/01-a.md") && line == 12);
	EXPECT(location_load_quotes(spec, &sites, &n) == 0 && n == 2);
	EXPECT(n == 2 && !strcmp(sites[1].name, "threads") && !strcmp(sites[1].chapter, "book/02-b.md") &&
	       sites[1].line == 7 && sites[1].col == 3 && sites[0].line == 40);
	quote_sites_free(sites, n);
	write_file_text(loc, "book/01-a.md 12\nquote serial book/01-a.md x 1\n");
	EXPECT(location_load_quotes(spec, &sites, &n) < 0 && n == 0);
	free(chapter);
	buf_reset(&text);

	/* A record's values: written, read back, and in its digest. */
	r.id = xstrdup("ch01-x");
	sha256_hex("block", 5, r.block_sha256);
	expr_values_set(&r.values, "serial", "0.41");
	expr_values_set(&r.values, "cpu", "Intel \"Xeon\"");
	run_record_seal(&r, "out\n", 4);
	run_record_write(&r, &json);
	EXPECT(run_record_parse(&s, json.data) == 0);
	EXPECT(!strcmp(expr_values_get(&s.values, "cpu"), "Intel \"Xeon\"") && !strcmp(s.digest, r.digest));
	run_record_write(&s, &text);
	EXPECT(text.len == json.len && !memcmp(text.data, json.data, json.len));
	run_record_free(&s);
	{
		char *dir = xasprintf("%s/out", test_tmpdir()), *p;
		struct buf out = {0};
		char *why;

		mkdir(dir, 0755);
		p = xasprintf("%s/ch01-x.txt", dir);
		write_file_text(p, "out\n");
		free(p);
		p = xasprintf("%s/ch01-x.json", dir);
		write_file_text(p, json.data);
		EXPECT(run_record_load(dir, "ch01-x", &s, &out, &why) == 0);
		run_record_free(&s);
		buf_reset(&out);
		/* A value edited by hand no longer matches the digest. */
		{
			char *edited = xstrdup(json.data), *at = strstr(edited, "0.41");

			at[2] = '9';
			write_file_text(p, edited);
			EXPECT(run_record_load(dir, "ch01-x", &s, &out, &why) < 0 &&
			       contains(why, "is not the one its contents give"));
			free(why);
			free(edited);
		}
		buf_free(&out);
		free(p);
		free(dir);
	}
	run_record_free(&r);

	/* The manifest says which runs of other chapters a chapter quotes. */
	mc = manifest_add_chapter(&m);
	mc->slug = xstrdup("02-b");
	mc->source = xstrdup("book/02-b.md");
	strlist_add(&mc->runs, "ch02-y");
	strlist_add(&mc->quotes, "ch01-x");
	strlist_add(&mc->quotes, "ch01-z");
	buf_reset(&text);
	manifest_write(&m, &text);
	EXPECT(contains(text.data, "lit_chapter(02-b SOURCE book/02-b.md RUNS ch02-y QUOTES ch01-x ch01-z)"));
	EXPECT(manifest_parse(&back, text.data, &bad) == 0 && back.nchapters == 1 &&
	       back.chapters[0].quotes.len == 2 && !strcmp(back.chapters[0].quotes.items[1], "ch01-z") &&
	       back.chapters[0].runs.len == 1);
	manifest_free(&back);
	manifest_free(&m);
	buf_free(&text);
	buf_free(&json);
	free(spec);
	free(loc);
	return 0;
}
