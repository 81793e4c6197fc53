/* Tests of the web: expansion, scoping, and every error the book can have. */
#include <stdlib.h>
#include <string.h>

#include "book.h"
#include "helpers.h"
#include "runner.h"
#include "tangle.h"

static const char *nested =
	"# Nested\n"
	"\n"
	"```{.c file=ch01/main.c}\n"
	"int main(void)\n"
	"{\n"
	"    <<body>>\n"
	"}\n"
	"```\n"
	"\n"
	"```{.c #body}\n"
	"if (1) {\n"
	"\t<<inner>>\n"
	"}\n"
	"```\n"
	"\n"
	"```{.c #inner}\n"
	"a();\n"
	"\n"
	"```\n"
	"\n"
	"```{.c #inner}\n"
	"b();\n"
	"```\n";

int test_expand_indentation(void)
{
	struct captured c;
	struct book b;
	struct buf text = {0}, map = {0};
	struct line_origins from = {0};

	captured_open(&c);
	EXPECT(load_book(&b, &c, "01-nested.md", nested, NULL, NULL) == 0);
	EXPECT(b.nroots == 1 && b.nchunks == 2);
	if (b.nroots == 1) {
		book_expand(&b, &b.roots[0], &text, &from);
		EXPECT(!strcmp(text.data, "int main(void)\n{\n    if (1) {\n    \ta();\n\n    \tb();\n    }\n}\n"));
		EXPECT(from.n == 8);
		linemap_encode(&from, "book/01-nested.md", &map);
		/* Runs: lines 1-2 from 4-5, 3 from 11, 4 from 17, 5 (blank) from 18, ... */
		EXPECT(!strcmp(map.data, "book/01-nested.md\n1 4 0\n3 11 4\n4 17 5\n5 18 0\n6 22 5\n7 13 4\n8 7 0\nend 8\n"));
		EXPECT(!strcmp(b.roots[0].program, "main"));
	}
	buf_free(&text);
	buf_free(&map);
	line_origins_free(&from);
	book_free(&b);
	captured_close(&c);
	return 0;
}

int test_chunks_are_chapter_scoped(void)
{
	const char *one = "# One\n```{.c file=ch01/a.c}\n<<part>>\n```\n```{.c #part}\nint a;\n```\n";
	const char *two = "# Two\n```{.c file=ch02/b.c}\n<<part>>\n```\n```{.c #part}\nint b;\n```\n";
	struct captured c;
	struct book b;
	struct buf t1 = {0}, t2 = {0};

	captured_open(&c);
	EXPECT(load_book(&b, &c, "01-one.md", one, "02-two.md", two) == 0);
	if (b.nroots == 2) {
		book_expand(&b, &b.roots[0], &t1, NULL);
		book_expand(&b, &b.roots[1], &t2, NULL);
		EXPECT(!strcmp(t1.data, "int a;\n"));
		EXPECT(!strcmp(t2.data, "int b;\n"));
	}
	buf_free(&t1);
	buf_free(&t2);
	book_free(&b);
	captured_close(&c);
	return 0;
}

/* Each bad book must fail with this message, and tangle_book is never reached. */
static int bad(const char *text, const char *message, const char *text2)
{
	struct captured c;
	struct book b;
	int ok;

	captured_open(&c);
	ok = load_book(&b, &c, "01-bad.md", text, text2 ? "02-more.md" : NULL, text2) < 0 &&
	     contains(captured_text(&c), message);
	if (!ok)
		fprintf(stderr, "expected \"%s\", got:\n%s", message, captured_text(&c));
	EXPECT(ok);
	book_free(&b);
	captured_close(&c);
	return 0;
}

int test_web_errors(void)
{
	bad("# T\n```{.c file=ch01/a.c}\n  <<bodyy>>\n```\n```{.c #body}\nx\n```\n",
	    "01-bad.md:3:3: error: undefined chunk 'bodyy'; did you mean 'body'?", NULL);
	bad("# T\n```{.c file=ch01/a.c}\n<<zzz>>\n```\n",
	    "01-bad.md:3:1: error: undefined chunk 'zzz' (no chunk of", NULL);
	bad("# T\n```{.c file=ch01/a.c}\n<<a>>\n```\n```{.c #a}\n<<b>>\n```\n```{.c #b}\n <<a>>\n```\n",
	    "01-bad.md:9:2: error: reference cycle: a -> b -> a", NULL);
	bad("# T\n```{.c file=ch01/a.c}\nx\n```\n```{.c file=ch01/a.c}\ny\n```\n",
	    "01-bad.md:5:8: error: file 'ch01/a.c' is defined twice", NULL);
	bad("# T\n```{.c file=ch01/a.c}\nx\n```\n",
	    "02-more.md:2:8: error: program name 'a' is already used by 'ch01/a.c'",
	    "# U\n```{.c file=ch02/a.c}\ny\n```\n");
	bad("# T\n```{.c file=ch01/q.h}\nx\n```\n```{.c file=common/q.h}\ny\n```\n",
	    "01-bad.md:5:8: error: file name 'q.h' is already used by 'ch01/q.h'", NULL);
	bad("# T\n```{.c file=ch01/a.c}\nx\n```\n```{.c #lonely}\ny\n```\n",
	    "01-bad.md:5:8: error: chunk 'lonely' is defined but never used", NULL);
	bad("# T\n```{.c file=../etc/passwd}\nx\n```\n",
	    "01-bad.md:2:8: error: bad file path '../etc/passwd': '..' leaves snippets/", NULL);
	bad("# T\n```{.c file=/tmp/x.c}\nx\n```\n",
	    "error: bad file path '/tmp/x.c': an absolute path leaves snippets/", NULL);
	bad("# T\n```{.c file=a/./b.c}\nx\n```\n", "the path has a '.' component", NULL);
	bad("# T\n```{.console .run}\n$ build/bin/nothing\n```\n",
	    "01-bad.md:3:3: error: the command runs build/bin/nothing, but no chapter defines a program 'nothing'",
	    NULL);
	bad("# T\n```{.console .run}\nbuild/bin/x\n```\n",
	    "01-bad.md:3:1: error: a run block starts with the command, written '$ command'", NULL);
	bad("# T\n```{.console .run}\n$ true\nmatches: x\n```\n",
	    "01-bad.md:4:1: error: unknown expectation 'matches'", NULL);
	bad("# T\n```{.console .run}\n$ true\ncontains: (unclosed\n```\n",
	    "01-bad.md:4:11: error: bad regular expression '(unclosed'", NULL);
	bad("# T\n```{.console .run}\n$ true\ncontains: ^(S10++++0\n```\n",
	    "01-bad.md:4:11: error: bad regular expression '^(S10++++0': adjacent repetition operators", NULL);
	bad("# T\n```{.console .run}\n$ true\ncontains: (((a{99}){99}){99})\n```\n",
	    "its repetitions expand to more than 2000 copies", NULL);
	bad("# T\n```{.console .run}\n$ true\ncontains: a{0,4999}\n```\n",
	    "its repetitions expand to more than 2000 copies", NULL);
	bad("# T\n```{.console .run timeot=3}\n$ true\n```\n",
	    "01-bad.md:2:19: error: unknown attribute 'timeot' on a run block", NULL);
	bad("# T\n```{.console .run .volatile}\n$ true\noutput: x\n```\n",
	    "a .volatile run's output varies, so it cannot be compared with output:", NULL);
	bad("# T\n```{.console .run signal=SIGNOPE}\n$ true\n```\n",
	    "error: unknown signal 'SIGNOPE'", NULL);
	bad("# T\n```{.c file=ch01/r.c variants=\"tsan msan\"}\nx\n```\n",
	    "01-bad.md:2:22: error: unknown variant 'msan' (known: tsan, asan)", NULL);
	bad("# T\n```{.c file=ch01/r.c}\nx\n```\n```{.console .run}\n$ build/bin/r-tsan\n```\n",
	    "no chapter defines a program 'r-tsan'", NULL);
	bad("# T\n```{.c file=a.c #b}\nx\n```\n",
	    "01-bad.md:2:17: error: a block is either a file root (file=) or a named chunk (#b), not both", NULL);
	return 0;
}

int test_run_ids(void)
{
	const char *text =
		"# T\n```{.c file=ch01/p.c}\nint main(void) { return 0; }\n```\n"
		"```{.console .run}\n$ build/bin/p\n```\n"
		"```{.console .run}\n$ build/bin/p 1\n```\n"
		"```{.console .run name=special}\n$ build/bin/p 2\n```\n"
		"```{.console .run}\n$ echo hi\n```\n"
		"```{.console .run}\n$ mpiexec -n 9 build/bin/p\n```\n"
		"```{.c file=ch01/q.c variants=tsan}\nint main(void) { return 0; }\n```\n"
		"```{.console .run}\n$ build/bin/q-tsan\n```\n";
	struct captured c;
	struct book b;

	captured_open(&c);
	EXPECT(load_book(&b, &c, "01-ids.md", text, NULL, NULL) == 0);
	EXPECT(b.nruns == 6);
	if (b.nruns == 6) {
		EXPECT(!strcmp(b.runs[5].id, "ch01-q-tsan"));
		EXPECT(!strcmp(b.runs[0].id, "ch01-p"));
		EXPECT(!strcmp(b.runs[1].id, "ch01-p-2"));
		EXPECT(!strcmp(b.runs[2].id, "ch01-special"));
		EXPECT(!strcmp(b.runs[3].id, "ch01-run"));
		EXPECT(!strcmp(b.runs[4].id, "ch01-p-3"));
		EXPECT(b.runs[4].spec.ranks == 9 && b.runs[0].spec.ranks == 1);
	}
	book_free(&b);
	captured_close(&c);
	return 0;
}

int test_tangle_outputs(void)
{
	const char *text =
		"# T\n"
		"```{.c file=common/h.h}\n#include <pthread.h>\n```\n"
		"```{.c file=common/h.c}\n#include \"common/h.h\"\n```\n"
		"```{.c file=ch01/uses.c}\n#include <mpi.h>\n#include \"common/h.h\"\n```\n"
		"```{.console .run .volatile timeout=5}\n$ mpiexec -n 2 build/bin/uses\n```\n"
		"```{.console .run}\n$ sh snippets/ch01/run.sh build/bin/uses\n```\n"
		"```{.sh file=ch01/run.sh}\nexec \"$@\"\n```\n";
	struct captured c;
	struct book b;
	struct tangle_result t;
	const char *manifest = NULL;

	captured_open(&c);
	EXPECT(load_book(&b, &c, "01-out.md", text, NULL, NULL) == 0);
	tangle_book(&b, NULL, &t);
	EXPECT(t.snippets.n == 4);
	for (size_t i = 0; i < t.gen.n; i++)
		if (!strcmp(t.gen.v[i].path, "manifest.cmake"))
			manifest = t.gen.v[i].data.data;
	EXPECT(contains(manifest, "lit_library(common SOURCES common/h.c LIBS threads)"));
	EXPECT(contains(manifest, "lit_program(uses CHAPTER 01-out SOURCE ch01/uses.c LIBS common mpi threads LABELS mpi threads)"));
	EXPECT(contains(manifest, "lit_run(ch01-uses CHAPTER 01-out RANKS 2 TIMEOUT 5 SERIAL 1 PROGRAMS uses LABELS ch01 mpi threads)"));
	/* A script the command names is a dependency of the run. */
	EXPECT(contains(manifest, "lit_run(ch01-uses-2 CHAPTER 01-out RANKS 1 TIMEOUT 60 SERIAL 0 PROGRAMS uses FILES snippets/ch01/run.sh LABELS ch01 mpi threads)"));
	EXPECT(contains(t.snippets.v[0].data.data, "/* Generated by tangle from "));
	EXPECT(has_snippet_header(t.snippets.v[0].data.data, t.snippets.v[0].data.len));
	tangle_result_free(&t);
	book_free(&b);
	captured_close(&c);
	return 0;
}

/* A writer that keeps what tangle_book() streams to it, and can fail on a given write. */
struct kept {
	struct snippet_writer w;
	struct buf files[4];
	int nfiles, writes, fail_at;
};

static int keep_begin(struct snippet_writer *w, const char *path)
{
	struct kept *k = (struct kept *)w;

	(void)path;
	return k->nfiles < 4 ? (k->nfiles++, 0) : -1;
}

static int keep_write(struct snippet_writer *w, const char *data, size_t len)
{
	struct kept *k = (struct kept *)w;

	if (++k->writes == k->fail_at)
		return -1;
	buf_add(&k->files[k->nfiles - 1], data, len);
	return 0;
}

static int keep_end(struct snippet_writer *w)
{
	(void)w;
	return 0;
}

/*
 * Snippets large enough to be written in pieces, on a second thread, come
 * out byte for byte as when they are kept whole: the "#!" line still first,
 * an #include in the last piece still found; and a writer that fails
 * mid-way stops the tangle.
 */
int test_tangle_streamed(void)
{
	struct buf text = {0};
	struct captured c;
	struct book b;
	struct tangle_result whole, streamed;
	struct kept k = {{keep_begin, keep_write, keep_end}, {{0}}, 0, 0, 0};
	struct kept failing = {{keep_begin, keep_write, keep_end}, {{0}}, 0, 0, 24};

	/* big.sh: 8 MB, 32 pieces, the last 16 or so written on the thread. */
	buf_puts(&text, "# T\n```{.sh file=ch01/big.sh}\n#!/bin/sh\n");
	for (int i = 0; i < 80000; i++)
		buf_puts(&text, "    <<line>>\n");
	buf_puts(&text, "```\n```{.c file=ch01/big.c}\n");
	for (int i = 0; i < 50000; i++)
		buf_puts(&text, "<<line>>\n");
	buf_puts(&text, "#include <mpi.h>\n```\n```{.c #line}\n"
			"int x; /* a line of one hundred bytes, give or take, repeated to make a large file */\n```\n");
	captured_open(&c);
	EXPECT(load_book(&b, &c, "01-big.md", text.data, NULL, NULL) == 0);
	EXPECT(tangle_book(&b, NULL, &whole) == 0);
	EXPECT(tangle_book(&b, &k.w, &streamed) == 0);
	EXPECT(whole.snippets.n == 2 && k.nfiles == 2);
	EXPECT(whole.snippets.v[0].data.len > 4 * 1024 * 1024);	/* past THREAD_AFTER */
	EXPECT(k.writes > 20);
	for (int i = 0; i < 2; i++)
		EXPECT(k.files[i].len == whole.snippets.v[i].data.len &&
		       !memcmp(k.files[i].data, whole.snippets.v[i].data.data, k.files[i].len));
	EXPECT(!strncmp(k.files[0].data, "#!/bin/sh\n# Generated by tangle", 31));
	EXPECT(whole.gen.n == streamed.gen.n);
	for (size_t i = 0; i < whole.gen.n; i++)
		EXPECT(!strcmp(whole.gen.v[i].data.data, streamed.gen.v[i].data.data));
	for (size_t i = 0; i < streamed.gen.n; i++)
		if (!strcmp(streamed.gen.v[i].path, "manifest.cmake"))
			EXPECT(contains(streamed.gen.v[i].data.data, "SOURCE ch01/big.c LIBS mpi"));
	tangle_result_free(&streamed);
	EXPECT(tangle_book(&b, &failing.w, &streamed) < 0);
	EXPECT(failing.writes == 24 && failing.nfiles == 1);	/* stopped by a write on the thread */
	tangle_result_free(&streamed);
	tangle_result_free(&whole);
	for (int i = 0; i < 4; i++) {
		buf_free(&k.files[i]);
		buf_free(&failing.files[i]);
	}
	buf_free(&text);
	book_free(&b);
	captured_close(&c);
	return 0;
}

/*
 * Load a chapter with one run and one plot whose script is @p script (its
 * first line is line 6); return the number of errors, with the diagnostics
 * in @p c (open).
 */
static int plot_errors(struct captured *c, const char *script)
{
	struct book b;
	char *text = xasprintf("# T\n```{.console .run name=r}\n$ printf '1 2\\n'\n```\n"
			       "```{.gnuplot .plot run=r data=\"^[0-9]\" caption=\"C\"}\n%s\n```\n", script);
	int errors = c->d.errors;

	load_book(&b, c, "01-plot.md", text, NULL, NULL);
	book_free(&b);
	free(text);
	return c->d.errors - errors;
}

int test_plot_scripts(void)
{
	/* What gnuplot 5.4 takes as setting the terminal or the output, and where it is reported. */
	static const struct {
		const char *script, *message;
	} refused[] = {
		{"set t svg", "01-plot.md:6:1: error: 'set t' sets the terminal"},
		{"set terminal pop", "6:1: error: 'set terminal' sets the terminal"},
		{"set term push; set term pop", "6:16: error: 'set term' sets the terminal"},
		{"se termi svg", "6:1: error: 'se termi' sets the terminal"},
		{"set title 'a;b'; set o 'x.svg'", "6:18: error: 'set o' sets the output"},
		{"plot DATA\nset output", "7:1: error: 'set output' sets the output"},
		{"print 1;set outp 'x'", "6:9: error: 'set outp' sets the output"},
		{"unset output", "6:1: error: 'unset output' returns the output to standard output"},
		{"uns t", "6:1: error: 'uns t' returns to the default terminal"},
		{"set nooutput", "6:1: error: 'set nooutput' returns the output to standard output"},
		{"set not", "6:1: error: 'set not' returns to the default terminal"},
		{"set for [i=1:2] output 'x'", "6:1: error: 'set for [i=1:2] output' sets the output"},
		{"unset for [i=1:2] o", "6:1: error: 'unset for [i=1:2] o' returns the output"},
		{"if (1) { set termi svg }", "6:10: error: 'set termi' sets the terminal"},
		{"if(1)set t svg", "6:6: error: 'set t'"},
		{"if (0) print 0; else set t svg", "6:22: error: 'set t'"},
		{"if (0) {\n  print 0\n} else {\n  set t svg\n}", "9:3: error: 'set t'"},
		{"do for [i=1:2] { set ou 'x' }", "6:18: error: 'set ou' sets the output"},
		{"i = 0; while (i < 1) { i = i + 1; set t svg }", "6:35: error: 'set t'"},
		{"set \\\n  t svg", "6:1: error: 'set   t' sets the terminal"},
		{"$d << EOD\n1 2\nEOD\nset o 'x'", "9:1: error: 'set o'"},
	};
	/* Everything else is allowed, including what only looks like it. */
	static const char *const allowed[] = {
		"set title 'it''s; set t'",
		"set title \"a\\\"; set t svg\"",
		"set termoption enhanced",
		"set termopt font 'DejaVu Sans,10'",
		"set table 'x.txt'; plot DATA using 1:2; unset table",
		"set print '-'",
		"set tics; set tit 'x'; set offsets 0, 0, 0, 0; set origin 0, 0",
		"# set t svg",
		"print 1 # a comment \\\nset t svg",
		"$d << EOD\nset t svg\nunset output\nEOD\nplot $d using 1:2",
		"set terminals",
		"set terminal push",
		"set term; set term",
		"if (1) { set t }",
		"s t svg",
		"set T svg",
		"SET t svg",
		"set t_x svg",
		"x = 'set t'; print x",
		"plot DATA using 1:2 title 'set t' with lines",
		"set xlabel \"threads\"\nplot DATA using 1:2 with linespoints title \"add\"",
	};
	struct captured c;

	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		captured_open(&c);
		if (plot_errors(&c, refused[i].script) != 1 ||
		    !contains(captured_text(&c), refused[i].message)) {
			fprintf(stderr, "script:\n%s\nexpected \"%s\", got:\n%s", refused[i].script,
				refused[i].message, captured_text(&c));
			test_failed = 1;
		}
		captured_close(&c);
	}
	for (size_t i = 0; i < sizeof(allowed) / sizeof(allowed[0]); i++) {
		captured_open(&c);
		if (plot_errors(&c, allowed[i]) != 0) {
			fprintf(stderr, "script:\n%s\nwas refused:\n%s", allowed[i], captured_text(&c));
			test_failed = 1;
		}
		captured_close(&c);
	}
	return 0;
}
