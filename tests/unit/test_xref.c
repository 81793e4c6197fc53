/* test_xref.c - numbers, labels and references (tangle/xref.h), and the
 * table that carries them from tangle to weave. */
#include <stdlib.h>
#include <string.h>

#include "book.h"
#include "helpers.h"
#include "runner.h"
#include "test-list.h"
#include "weave.h"
#include "glyphs.h"
#include "search.h"
#include "xref.h"

int test_xref_table_roundtrip(void)
{
	struct xref_table t = {0}, back;
	struct xref_target a = {"sec-pipes", XREF_SECTION, "3.2", "03-processes", "ch03", "sec-pipes"};
	struct xref_target b = {"ch-threads", XREF_CHAPTER, "2", "02-threads", "ch02", "ch-threads"};
	struct xref_target f = {"fig-pingpong", XREF_FIGURE, "4.1", "04-mpi", "ch04", "ch04-pingpong"};
	struct buf out = {0}, again = {0};
	int bad;

	t.chapter = 7;
	EXPECT(xref_table_add(&t, &a));
	EXPECT(xref_table_add(&t, &b));
	EXPECT(xref_table_add(&t, &f));
	EXPECT(!xref_table_add(&t, &a));	/* one target a label */
	xref_table_write(&t, &out);
	EXPECT(xref_table_parse(out.data, out.len, &back, &bad) == 0);
	EXPECT(back.chapter == 7 && back.ntargets == 3);
	EXPECT(xref_table_find(&back, "fig-pingpong") && xref_table_find(&back, "fig-pingpong")->kind == XREF_FIGURE);
	EXPECT(!strcmp(xref_table_find(&back, "sec-pipes")->number, "3.2"));
	EXPECT(!strcmp(xref_table_find(&back, "ch-threads")->anchor, "ch-threads"));
	xref_table_write(&back, &again);
	EXPECT(again.len == out.len && !memcmp(again.data, out.data, out.len));
	xref_table_free(&back);
	/* Not a table: no chapter line, an unknown kind, a chapter 0. */
	EXPECT(xref_table_parse("target\tx\tsection\t1\ts\tt\ta\n", 27, &back, &bad) < 0 && bad == 1);
	EXPECT(xref_table_parse("chapter\t1\ntarget\tsec-x\tpart\t1\ts\tt\ta\n", 37, &back, &bad) < 0 && bad == 2);
	EXPECT(xref_table_parse("chapter\t0\n", 10, &back, &bad) < 0);
	xref_table_free(&t);
	buf_free(&out);
	buf_free(&again);
	return 0;
}

static const char *const one =
	"# Parallel\n\nIntro, see @sec-two and @ch-threads's barrier; mail a@sec-two is no reference.\n\n"
	"## First\n\nText `@sec-nope` in code.\n\n## Two {#sec-two}\n\n### Deeper {#sec-deep}\n\n"
	"#### Too deep\n\n## Aside {.unnumbered}\n\n## Three\n";
static const char *const two = "# Threads\n\nBack to @sec-deep and @fig-none.\n";

int test_xref_numbers_and_references(void)
{
	struct captured c;
	struct book b;
	struct xref_table t;
	const struct xref_chapter *x;

	captured_open(&c);
	EXPECT(load_book(&b, &c, "01-parallel.md", one, "02-threads.md", two) < 0);
	/* The only error: a label no chapter has, at its line and column. */
	EXPECT(contains(captured_text(&c), "02-threads.md:3:23: error: no chapter, section or figure is labelled 'fig-none'"));
	EXPECT(!contains(captured_text(&c), "sec-nope"));
	x = &b.xrefs[0];
	EXPECT(x->nheadings == 7);
	EXPECT(x->nuses == 2);
	EXPECT(x->nuses == 2 && !strcmp(x->uses[1].label, "ch-threads") && x->uses[1].line == 3 && x->uses[1].col == 25);
	{
		struct buf n = {0};

		heading_number(&x->headings[2], 1, &n);	/* ## Two */
		EXPECT(n.data && !strcmp(n.data, "1.2"));
		buf_reset(&n);
		heading_number(&x->headings[3], 1, &n);	/* ### Deeper */
		EXPECT(n.data && !strcmp(n.data, "1.2.1"));
		buf_reset(&n);
		heading_number(&x->headings[6], 1, &n);	/* ## Three: after the unnumbered aside */
		EXPECT(n.data && !strcmp(n.data, "1.3"));
		EXPECT(!x->headings[4].numbered && !x->headings[5].numbered);
		EXPECT(!strcmp(x->headings[1].id, "sec-ch01-first"));
		buf_free(&n);
	}
	book_xref_table(&b, 1, &t);
	EXPECT(t.chapter == 2 && t.ntargets == 1);
	EXPECT(xref_table_find(&t, "sec-deep") && !strcmp(xref_table_find(&t, "sec-deep")->number, "1.2.1"));
	xref_table_free(&t);
	book_free(&b);
	captured_close(&c);
	return 0;
}

int test_xref_errors(void)
{
	struct captured c;
	struct book b;

	captured_open(&c);
	EXPECT(load_book(&b, &c, "01-a.md",
			 "# A {#ch-a}\n\n## X {#sec-x}\n\n## Y {#sec-x}\n\n#### Z {#sec-z}\n\n## @sec-x here\n\nSee @sec-y.\n",
			 NULL, NULL) < 0);
	EXPECT(contains(captured_text(&c), "01-a.md:1:6: error: a chapter's title takes no #id"));
	EXPECT(contains(captured_text(&c), "01-a.md:5:1: error: the label 'sec-x' is taken already"));
	EXPECT(contains(captured_text(&c), "01-a.md:7:9: error: 'sec-z' labels an unnumbered heading"));
	EXPECT(contains(captured_text(&c), "01-a.md:9:4: error: a heading cannot hold a reference"));
	EXPECT(contains(captured_text(&c), "01-a.md:11:5: error: no chapter, section or figure is labelled 'sec-y'; did you mean 'sec-x'?"));
	book_free(&b);
	captured_close(&c);
	return 0;
}

int test_xref_weave(void)
{
	struct captured c;
	struct book b;
	struct xref_table t = {0};
	struct xref_target s = {"sec-pipes", XREF_SECTION, "3.2", "03-processes", "ch03", "sec-pipes"};
	struct xref_target ch = {"ch-processes", XREF_CHAPTER, "3", "03-processes", "ch03", "ch-processes"};
	struct weave_links links = {NULL, NULL, NULL, NULL, WEAVE_SCREEN, NULL, &t};
	struct buf md = {0};
	const char *text = "# Threads\n\nAs @ch-processes's @sec-pipes shows.\n\n## Locks\n\n"
			   "A [pipe](03-processes.html#dfn-pipe), not [a page](03-processes.html).\n";

	t.chapter = 2;
	xref_table_add(&t, &s);
	xref_table_add(&t, &ch);
	captured_open(&c);
	{
		/* As weave loads it: the chapter alone, its references' targets from the table. */
		const char *path = "book/02-threads.md";
		size_t len = strlen(text);

		EXPECT(book_parse(&b, &path, &text, &len, 1, BOOK_PARTIAL, &c.d) == 0);
	}
	EXPECT(weave_chapter(&b, NULL, NULL, 0, &links, &md, &c.d) == 0);
	EXPECT(contains(md.data, "# [2]{.chapno} Threads {#ch-threads}"));
	EXPECT(contains(md.data, "As [Chapter 3](03-processes.html){.xref}'s [Section 3.2](03-processes.html#sec-pipes){.xref} shows."));
	EXPECT(contains(md.data, "## [2.1]{.secno} Locks {#sec-ch02-locks}"));
	EXPECT(contains(md.data, "A [pipe](03-processes.html#dfn-pipe), not"));
	buf_reset(&md);
	links.style = WEAVE_PRINT;
	EXPECT(weave_chapter(&b, NULL, NULL, 0, &links, &md, &c.d) == 0);
	EXPECT(contains(md.data, "[Section 3.2](book:ch03-sec-pipes){.xref}"));
	/* A hand link to a place of another chapter's page stays inside the book. */
	EXPECT(contains(md.data, "A [pipe](book:ch03-dfn-pipe), not [a page](03-processes.html)."));
	buf_reset(&md);
	links.style = WEAVE_EPUB;
	EXPECT(weave_chapter(&b, NULL, NULL, 0, &links, &md, &c.d) == 0);
	EXPECT(contains(md.data, "[Section 3.2](#sec-pipes){.xref}"));
	EXPECT(contains(md.data, "[Chapter 3](#ch-processes){.xref}"));
	EXPECT(contains(md.data, "A [pipe](#dfn-pipe), not"));
	buf_free(&md);
	xref_table_free(&t);
	book_free(&b);
	captured_close(&c);
	return 0;
}

int test_weave_print_wraps_long_lines(void)
{
	struct captured c;
	struct book b;
	struct weave_links links = {NULL, NULL, NULL, NULL, WEAVE_PRINT, NULL, NULL};
	struct buf md = {0}, text = {0};
	char line[121];

	memset(line, 'x', 120);
	line[120] = '\0';
	buf_printf(&text, "# T\n\n```{.c file=t/long.c}\nint %s;\n```\n", line);
	captured_open(&c);
	EXPECT(load_book(&b, &c, "01-t.md", text.data, NULL, NULL) == 0);
	EXPECT(weave_chapter(&b, NULL, NULL, 0, &links, &md, &c.d) == 0);
	/* 96 columns, then the mark and the rest; the file heading names the snippet as text. */
	EXPECT(contains(md.data, "\n" WEAVE_WRAP_MARK "xxxxxxxxxxxxxxxxxxxxxxxxxxxx;\n"));
	EXPECT(contains(md.data, "[snippets/t/long.c]{.snippet-path}"));
	EXPECT(!contains(md.data, "](../"));
	buf_free(&md);
	buf_free(&text);
	book_free(&b);
	captured_close(&c);
	return 0;
}

int test_weave_screen_wraps_outputs(void)
{
	struct captured c;
	struct book b;
	struct capture_file cap = {0};
	struct weave_links links = {NULL, NULL, NULL, NULL, WEAVE_SCREEN, NULL, NULL};
	struct buf md = {0}, text = {0}, want = {0};
	char line[131];

	memset(line, 'x', 130);
	line[130] = '\0';
	buf_printf(&text, "# T\n\n```{.c file=t/long.c}\nint %s;\n```\n\n```{.console .run}\n$ build/bin/long\n```\n", line);
	captured_open(&c);
	EXPECT(load_book(&b, &c, "01-t.md", text.data, NULL, NULL) == 0);
	cap.id = "ch01-long";
	cap.loaded = true;
	buf_printf(&cap.text, "%s\n", line);
	cap.rec.date = xstrdup("2026-01-02T03:04:05Z");
	EXPECT(weave_chapter(&b, &cap, NULL, 0, &links, &md, &c.d) == 0);
	/* The code as written (the reader copies it); the output in the desktop column, marked. */
	buf_printf(&want, "int %s;\n", line);
	EXPECT(contains(md.data, want.data));
	buf_reset(&want);
	buf_printf(&want, "{.output}\n%.*s\n" WEAVE_WRAP_MARK "%.*s\n", WEAVE_SCREEN_COLUMNS, line,
		   130 - WEAVE_SCREEN_COLUMNS, line);
	EXPECT(contains(md.data, want.data));
	buf_free(&want);
	buf_free(&md);
	buf_free(&text);
	buf_free(&cap.text);
	run_record_free(&cap.rec);
	book_free(&b);
	captured_close(&c);
	return 0;
}

int test_glyphs_roundtrip(void)
{
	const char *fc = "20-7e a0-17f\n4e00-9fff 2010\n1f680\n";
	struct glyphs g, back;
	struct buf out = {0};
	unsigned long cp = 0;
	const char *text = "a \xe5\xb9\xb6 \xf0\x9f\x9a\x80 \xe0\xbc\x80";	/* a, 并, 🚀, ༀ */

	EXPECT(glyphs_parse(fc, strlen(fc), &g) == 0);
	EXPECT(g.n == 5);	/* the union of the fonts' ranges, sorted */
	EXPECT(glyphs_cover(&g, 0x4e26) && glyphs_cover(&g, 0x1f680) && !glyphs_cover(&g, 0x0f00));
	EXPECT(glyphs_first_missing(&g, text, strlen(text), &cp) == 11 && cp == 0x0f00);
	glyphs_write(&g, &out);
	EXPECT(out.data && !strcmp(out.data, "20-7e a0-17f 2010 4e00-9fff 1f680\n"));
	EXPECT(glyphs_parse(out.data, out.len, &back) == 0 && back.n == g.n);
	for (size_t i = 0; i < g.n && i < back.n; i++)
		EXPECT(back.ranges[i].first == g.ranges[i].first && back.ranges[i].last == g.ranges[i].last);
	glyphs_free(&back);
	EXPECT(glyphs_parse("20-x", 4, &back) < 0);
	EXPECT(glyphs_parse("7e-20", 5, &back) < 0);
	EXPECT(glyphs_parse("20-7f 70-90", 11, &back) == 0 && back.n == 1 && back.ranges[0].last == 0x90);
	glyphs_free(&back);
	glyphs_free(&g);
	buf_free(&out);
	return 0;
}

int test_search_records(void)
{
	struct captured c;
	struct book b;
	struct xref_table t = {0};
	struct search_chapter s = {0};
	const char *text = "# Threads\n\nStart.\n\n## Barriers\n\n> A quote of *the* course.\n\n"
			   "Each thread waits on `&s->synchronizer`.\n\n"
			   "```{.c file=ch02/b.c}\n#include <pthread.h>\nint f(struct s *p) { return p->n; }\n```\n";

	captured_open(&c);
	t.chapter = 2;
	{
		const char *path = "book/02-threads.md";
		size_t len = strlen(text);

		EXPECT(book_parse(&b, &path, &text, &len, 1, BOOK_PARTIAL, &c.d) == 0);
	}
	search_collect(&b, &t, &s);
	EXPECT(s.nsections == 2);
	if (s.nsections == 2) {
		EXPECT(!strcmp(s.sections[1].number, "2.1"));
		EXPECT(!strcmp(s.sections[1].title, "Barriers"));
		/* Markdown's marks go, what code says stays: "->" in prose and code, "#include", "<...>". */
		EXPECT(contains(s.sections[1].text, "A quote of the course."));
		EXPECT(contains(s.sections[1].text, "&s->synchronizer"));
		EXPECT(contains(s.sections[1].text, "#include <pthread.h>"));
		EXPECT(contains(s.sections[1].text, "return p->n;"));
	}
	search_chapter_free(&s);
	xref_table_free(&t);
	book_free(&b);
	captured_close(&c);
	return 0;
}
