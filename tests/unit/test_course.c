/*
 * Tests of the course's parts of the toolchain: exercises (exercise.h), the
 * answers file, the grading of a run check by check (runspec_grade), the
 * student and instructor editions (edition.h), and the links and terms of
 * the prose (prose.h).
 */
#include <stdlib.h>
#include <string.h>

#include "book.h"
#include "edition.h"
#include "exercise.h"
#include "helpers.h"
#include "manifest.h"
#include "prose.h"
#include "runner.h"
#include "runspec.h"
#include "tangle.h"

/* A chapter with one exercise: its starting file, a check, and its solution. */
static const char *exercise_chapter =
	"# Exercises\n"
	"\n"
	"::: {.exercise #exercise-2.1}\n"
	"**Exercise 2.1.** Count.\n"
	"\n"
	"```{.c file=exercises/ch02/count.c exercise=2.1}\n"
	"#include <stdio.h>\n"
	"int main(void) { return 0; }\n"
	"```\n"
	"\n"
	"```{.console .run exercise=2.1}\n"
	"$ build/bin/count-tsan\n"
	"line: 3\n"
	"```\n"
	":::\n"
	"\n"
	"::: {.solution exercise=2.1}\n"
	"Print it.\n"
	"\n"
	"```{.c file=ch02/count.c variants=\"tsan\"}\n"
	"#include <stdio.h>\n"
	"<<print>>\n"
	"```\n"
	"\n"
	"```{.c #print}\n"
	"int main(void) { puts(\"3\"); return 0; }\n"
	"```\n"
	":::\n";

int test_exercises(void)
{
	struct captured c;
	struct book b;
	struct tangle_result t;
	struct manifest m;
	int bad = 0;

	captured_open(&c);
	EXPECT(load_book(&b, &c, "02-ex.md", exercise_chapter, NULL, NULL) == 0);
	EXPECT(b.nexercises == 1);
	if (b.nexercises == 1) {
		const struct exercise *e = &b.exercises[0];

		EXPECT(!strcmp(e->id, "2.1"));
		EXPECT(!strcmp(b.roots[e->starter].path, "exercises/ch02/count.c"));
		EXPECT(b.roots[e->starter].program == NULL);	/* a starting file is no program */
		EXPECT(!strcmp(b.roots[e->solution].program, "count"));
		EXPECT(e->div_line == 17 && e->div_end == 28);
		EXPECT(e->runs.len == 1 && !strcmp(e->runs.items[0], "ch02-count-tsan"));
	}
	tangle_book(&b, NULL, &t);
	for (size_t i = 0; i < t.gen.n; i++) {
		if (strcmp(t.gen.v[i].path, "manifest.cmake"))
			continue;
		EXPECT(contains(t.gen.v[i].data.data,
				"lit_exercise(2.1 CHAPTER 02-ex STARTER exercises/ch02/count.c PROGRAM count "
				"VARIANTS tsan RUNS ch02-count-tsan)"));
		EXPECT(!contains(t.gen.v[i].data.data, "lit_program(count-"));
		EXPECT(manifest_parse(&m, t.gen.v[i].data.data, &bad) == 0);
		EXPECT(m.nexercises == 1 && !strcmp(m.exercises[0].program, "count"));
		manifest_free(&m);
	}
	tangle_result_free(&t);
	book_free(&b);
	{
		char *answer = exercise_answer_path("exercises/ch02/count.c");

		EXPECT(!strcmp(answer, "ch02/count.c"));
		free(answer);
	}
	captured_close(&c);
	return 0;
}

/* @p text with @p from replaced by @p to, into @p out; false when @p from is not there. */
static bool replaced(const char *text, const char *from, const char *to, struct buf *out)
{
	const char *at = strstr(text, from);

	if (!at) {
		fprintf(stderr, "no '%s' in the chapter\n", from);
		return false;
	}
	buf_add(out, text, (size_t)(at - text));
	buf_puts(out, to);
	buf_puts(out, at + strlen(from));
	return true;
}

/*
 * The chapter above with @p from replaced by @p to, and then @p from2 by
 * @p to2 unless it is NULL: its diagnostics must hold @p want.
 */
static bool refused_with2(const char *from, const char *to, const char *from2, const char *to2,
			  const char *want)
{
	struct captured c;
	struct book b;
	struct buf once = {0}, text = {0};
	bool ok;

	if (!replaced(exercise_chapter, from, to, &once) ||
	    (from2 ? !replaced(once.data, from2, to2, &text) : (buf_add(&text, once.data, once.len), false))) {
		buf_free(&once);
		buf_free(&text);
		return false;
	}
	buf_free(&once);
	captured_open(&c);
	ok = load_book(&b, &c, "02-ex.md", text.data, NULL, NULL) < 0 && contains(captured_text(&c), want);
	if (!ok)
		fprintf(stderr, "replacing '%s': %s\n", from, captured_text(&c));
	book_free(&b);
	captured_close(&c);
	buf_free(&text);
	return ok;
}

static bool refused_with(const char *from, const char *to, const char *want)
{
	return refused_with2(from, to, NULL, NULL, want);
}

int test_exercise_errors(void)
{
	EXPECT(refused_with("exercise=2.1}\n#include", "exercise=3.1}\n#include",
			    "02-ex.md:6:36: error: an exercise of this chapter is numbered 2.M"));
	EXPECT(refused_with("::: {.solution exercise=2.1}", "::: {.solution exercise=2.2}",
			    "error: a solution of exercise 2.2, which has no starting file"));
	EXPECT(refused_with("::: {.solution exercise=2.1}", "::: {.aside}",
			    "02-ex.md:6: error: exercise 2.1 has no solution"));
	EXPECT(refused_with("```{.console .run exercise=2.1}", "```{.console .run}",
			    "error: exercise 2.1 has no check"));
	EXPECT(refused_with("file=exercises/ch02/count.c", "file=exercises/ch02/counter.c",
			    "error: the solution of exercise 2.1 holds its program, the file ch02/counter.c"));
	EXPECT(refused_with2("$ build/bin/count-tsan", "$ build/bin/count-tsan; build/bin/other",
			     "# Exercises\n", "# Exercises\n\n```{.c file=ch02/other.c}\nint main(void) { return 0; }\n```\n",
			     "a check of exercise 2.1 runs build/bin/other; it runs only the answer, build/bin/count"));
	EXPECT(refused_with("Print it.\n", "Print it.\n\n```{.console .run}\n$ build/bin/count\n```\n",
			    "error: a run inside the solution of exercise 2.1"));
	EXPECT(refused_with("int main(void) { return 0; }\n", "<<print>>\n",
			    "02-ex.md:8:1: error: 'print' is defined inside a solution, which the student edition leaves out"));
	EXPECT(refused_with("Print it.\n", "Print it.\n::: {.solution exercise=2.1}\nx\n:::\n",
			    "error: a solution inside another solution"));
	EXPECT(refused_with("file=exercises/ch02/count.c exercise=2.1", "file=ch02/start.c exercise=2.1",
			    "error: exercise= belongs on an exercise's starting file"));
	EXPECT(refused_with("file=exercises/ch02/count.c exercise=2.1", "file=exercises/ch02/count.c",
			    "error: a file under exercises/ is an exercise's starting file"));
	return 0;
}

int test_answers_roundtrip(void)
{
	struct answers a = {0}, b;
	struct answer *x;
	struct buf text = {0}, again = {0};
	int bad;

	a.root = xstrdup("/src/book");
	strlist_add(&a.common_sources, "common/check.c");
	strlist_add(&a.common_libs, "threads");
	a.v = xcalloc(1, sizeof(*a.v));
	a.n = 1;
	x = &a.v[0];
	x->program = xstrdup("count");
	x->exercise = xstrdup("2.1");
	x->source = xstrdup("/home/me/answers/ch02/count.c");
	strlist_add(&x->libs, "common");
	strlist_add(&x->variants, "tsan");
	answers_write(&a, &text);
	EXPECT(answers_parse(&b, text.data, &bad) == 0);
	answers_write(&b, &again);
	EXPECT(!strcmp(text.data, again.data));
	EXPECT(contains(text.data, "lit_answer(count EXERCISE 2.1 SOURCE /home/me/answers/ch02/count.c LIBS common "
			"VARIANTS tsan)"));
	answers_free(&b);
	EXPECT(answers_parse(&b, "lit_answer(x SOURCE /a)\n", &bad) < 0 && bad == 1);
	answers_free(&b);
	EXPECT(answer_path_problem("/home/me/my answers/x.c") != NULL);
	EXPECT(answer_path_problem("answers/x.c") != NULL);
	EXPECT(answer_path_problem("/home/me/answers/ch02/count.c") == NULL);
	answers_free(&a);
	buf_free(&text);
	buf_free(&again);
	return 0;
}

/* A run block parsed from @p body (after its "$ " line), with attributes @p attrs. */
static int spec_of(struct runspec *r, const char *attrs, const char *body, struct captured *c)
{
	struct buf text = {0};
	struct book b;
	int rc;

	buf_printf(&text, "# R\n\n```{.c file=ch01/p.c}\nint main(void) { return 0; }\n```\n\n"
		   "```{.console .run %s}\n$ build/bin/p\n%s```\n", attrs, body);
	rc = load_book(&b, c, "01-r.md", text.data, NULL, NULL);
	if (rc == 0 && b.nruns == 1) {
		*r = b.runs[0].spec;
		memset(&b.runs[0].spec, 0, sizeof(b.runs[0].spec));
	} else {
		rc = -1;
	}
	book_free(&b);
	buf_free(&text);
	return rc;
}

int test_grade_rows(void)
{
	struct captured c;
	struct runspec r;
	struct grade_row *rows;
	size_t n;
	const char *out = "a 1\nb 2\n";

	captured_open(&c);
	EXPECT(spec_of(&r, "", "line: a 1\ncontains: ^c\nvalue x: ^b ([0-9]+)\nclaim: x > 1\n", &c) == 0);
	EXPECT(runspec_grade(&r, out, strlen(out), RUN_ENDED, 0, 0, &rows, &n) == 1);
	EXPECT(n == 5);
	if (n == 5) {
		EXPECT(rows[0].line == 8 && rows[0].pass && contains(rows[0].check, "exits with status 0"));
		EXPECT(rows[1].line == 9 && rows[1].pass && !rows[1].why);
		EXPECT(rows[2].line == 10 && !rows[2].pass && contains(rows[2].why, "no output line matches /^c/"));
		EXPECT(rows[3].pass);
		EXPECT(rows[4].line == 12 && rows[4].pass);	/* the claim reads the value of the row before */
	}
	grade_rows_free(rows, n);
	/* How it ended is a check of its own. */
	EXPECT(runspec_grade(&r, out, strlen(out), RUN_TIMED_OUT, 0, 0, &rows, &n) == 2);
	EXPECT(n == 5 && !rows[0].pass && contains(rows[0].why, "timed out"));
	grade_rows_free(rows, n);
	runspec_free(&r);
	EXPECT(spec_of(&r, ".hangs quiet=0.5", "line: a 1\n", &c) == 0);
	EXPECT(runspec_grade(&r, out, strlen(out), RUN_ENDED, 0, 0, &rows, &n) == 1);
	EXPECT(n == 2 && !rows[0].pass && contains(rows[0].check, "then hangs (nothing more for 0.5s)"));
	grade_rows_free(rows, n);
	/* A hang seen after what it had to print passes; one at the timeout does not. */
	EXPECT(runspec_grade(&r, out, strlen(out), RUN_WENT_QUIET, 0, 0, &rows, &n) == 0);
	grade_rows_free(rows, n);
	EXPECT(runspec_grade(&r, out, strlen(out), RUN_TIMED_OUT, 0, 0, &rows, &n) == 1);
	EXPECT(n == 2 && !rows[0].pass);
	grade_rows_free(rows, n);
	runspec_free(&r);
	captured_close(&c);
	return 0;
}

int test_edition_split(void)
{
	const char *md =
		"# Chapter\n"
		"\n"
		"A [data race]{.dfn} is bad; `[not]{.dfn}` is code.\n"
		"\n"
		"::: {.exercise #exercise-2.1}\n"
		"Do it. See [above](#top).\n"
		":::\n"
		"\n"
		"::: {.solution exercise=2.1}\n"
		"The answer, as [the race](#run-x) shows.\n"
		"\n"
		"::: {.chunk-head #ch02-file-x}\n"
		"[File]{.chunk-kind}\n"
		":::\n"
		"\n"
		"```{.c .literate}\n"
		":::\n"
		"int secret;\n"
		"```\n"
		"Used in [x](#ch02-file-x).\n"
		":::\n"
		"\n"
		"After.\n";
	struct buf student = {0}, solutions = {0};

	EXPECT(edition_split(md, strlen(md), "02-threads", &student, &solutions) == 1);
	EXPECT(contains(student.data, "A [data race]{.dfn #dfn-data-race} is bad; `[not]{.dfn}` is code.\n"));
	EXPECT(contains(student.data, "::: {.exercise #exercise-2.1}\nDo it. See [above](#top).\n:::\n"));
	EXPECT(!contains(student.data, "secret") && !contains(student.data, "The answer"));
	EXPECT(contains(student.data, "\n\nAfter.\n"));
	EXPECT(contains(solutions.data, "### Exercise 2.1 {#solution-2.1}"));
	EXPECT(contains(solutions.data, "(02-threads.html#exercise-2.1){.solution-back}"));
	EXPECT(contains(solutions.data, "as [the race](02-threads.html#run-x) shows"));
	EXPECT(contains(solutions.data, "Used in [x](#ch02-file-x)."));	/* an anchor of the solution */
	EXPECT(contains(solutions.data, "```{.c .literate}\n:::\nint secret;\n```\n"));
	{
		char *id = dfn_id("Amdahl's law", 12);

		EXPECT(!strcmp(id, "dfn-amdahls-law"));
		free(id);
		id = dfn_id("Message Passing  Interface", 26);
		EXPECT(!strcmp(id, "dfn-message-passing-interface"));
		free(id);
	}
	buf_free(&student);
	buf_free(&solutions);
	return 0;
}

int test_prose_links(void)
{
	struct captured c;
	struct book b;

	EXPECT(url_problem("https://man7.org/linux/man-pages/man7/pthreads.7.html") == NULL);
	EXPECT(url_problem("https://doi.org/10.1145/1465482.1465560") == NULL);
	EXPECT(url_problem("https://example.org:8443/a%20b?x=1#f") == NULL);
	EXPECT(contains(url_problem("http://example.org/"), "https"));
	EXPECT(url_problem("https//example.org/") != NULL);
	EXPECT(contains(url_problem("https://example.org/a b"), "blank"));
	EXPECT(url_problem("https://localhost/") != NULL);
	EXPECT(contains(url_problem("https://example.org/%zz"), "hexadecimal"));
	EXPECT(url_problem("https://-bad.org/") != NULL);
	captured_open(&c);
	EXPECT(load_book(&b, &c, "01-a.md",
			 "# A\n\nA [term]{.dfn}, a [bad](http://x.org/) link, [ok](#here), `[no](http://code)`.\n",
			 "02-b.md",
			 "# B\n\n[term](01-a.html#dfn-term) and [gone](03-c.html) and [typo](01-a.html#dfn-trem).\n"
			 "[Again]{.dfn} and [again]{.dfn}. [A section](01-a.html#sec-a-one).\n") < 0);
	EXPECT(contains(captured_text(&c), "01-a.md:3:25: error: a link to 'http://x.org/': an address of the book is https://"));
	EXPECT(!contains(captured_text(&c), "http://code"));
	EXPECT(contains(captured_text(&c), "02-b.md:3:39: error: a link to 03-c.html, which is no chapter of the book"));
	EXPECT(contains(captured_text(&c), "02-b.md:3:61: error: "));
	EXPECT(contains(captured_text(&c), "book/01-a.md defines no term with the id dfn-trem (did you mean dfn-term?)"));
	EXPECT(contains(captured_text(&c), "02-b.md:4:19: error: the term 'again' is defined a second time"));
	EXPECT(contains(captured_text(&c), "02-b.md:4:1: error: the term 'Again' has no entry in the glossary: a link to 02-b.html#dfn-again"));
	EXPECT(contains(captured_text(&c), "02-b.md:4:46: error: a link to a place of "));
	EXPECT(contains(captured_text(&c), "book/01-a.md that is no term's definition: write a reference (@sec-LABEL"));
	EXPECT(!contains(captured_text(&c), "'term' has no entry") && !contains(captured_text(&c), "'again' has no entry"));
	book_free(&b);
	captured_close(&c);
	return 0;
}
