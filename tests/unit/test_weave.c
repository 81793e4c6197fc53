/* Tests of weaving: escaping, fences around hostile output, cross-links. */
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "json.h"
#include "linemap.h"
#include "runner.h"
#include "weave.h"

int test_sanitize_output(void)
{
	struct buf b = {0};
	const char bad[] = "ok \xff\xfe bad\x1b[31m red\r\n\xc3\xa9t\xc3\xa9\n";

	sanitize_output(&b, bad, sizeof(bad) - 1);
	EXPECT(!strcmp(b.data, "ok \xef\xbf\xbd\xef\xbf\xbd bad\xef\xbf\xbd[31m red\n\xc3\xa9t\xc3\xa9\n"));
	buf_free(&b);
	return 0;
}

int test_sanitize_long_output(void)
{
	struct buf in = {0}, out = {0};

	for (int i = 1; i <= 1000; i++)
		buf_printf(&in, "line %d\n", i);
	sanitize_output(&out, in.data, in.len);
	EXPECT(contains(out.data, "line 80\n[... 880 lines not shown ...]\nline 961\n"));
	EXPECT(!contains(out.data, "line 81\n"));
	EXPECT(contains(out.data, "line 1000\n"));
	buf_free(&in);
	buf_free(&out);
	return 0;
}

int test_weave_hostile_output(void)
{
	const char *text =
		"# Hostile\n\n"
		"```{.c file=ch01/main.c}\nint main(void) { <<none>> }\n<<body>>\n```\n\n"
		"```{.c #body}\n/* body */\n```\n\n"
		"```{.console .run}\n$ build/bin/main\nline: <script>alert(1)</script>\n```\n";
	struct captured c;
	struct book b;
	struct capture_file cap = {0};
	struct weave_links links = {"../../snippets", NULL, "../docs/programs/html", NULL, WEAVE_SCREEN, NULL, NULL};
	struct buf md = {0};

	captured_open(&c);
	EXPECT(load_book(&b, &c, "01-hostile.md", text, NULL, NULL) == 0);
	cap.id = "ch01-main";
	cap.loaded = true;
	buf_puts(&cap.text, "<script>alert(1)</script>\n```\n````{.html}\n");
	cap.rec.wall = 0.5;
	cap.rec.date = xstrdup("2026-01-02T03:04:05Z");
	cap.rec.cpu = xstrdup("A *bold* [cpu]");
	memcpy(cap.rec.digest, "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", SHA256_HEX);
	EXPECT(weave_chapter(&b, &cap, NULL, 0, &links, &md, &c.d) == 0);
	/* The first digits of the record's digest are shown, the whole one carried. */
	EXPECT(contains(md.data, "output [0123456789ab]{.digest data-run=\"ch01-main\" data-digest=\"0123456789abcdef"));
	/* The output is fenced by more backticks than it contains. */
	EXPECT(contains(md.data, "`````{.output}\n<script>alert(1)</script>\n```\n````{.html}\n`````\n"));
	/* Metadata is escaped as Markdown, not passed through. */
	EXPECT(contains(md.data, "A \\*bold\\* \\[cpu\\]"));
	/* Labels and links both ways. */
	EXPECT(contains(md.data, "::: {.chunk-head #ch01-body}"));
	EXPECT(contains(md.data, "used in [ch01/main.c](#ch01-file-ch01-main-c)"));
	EXPECT(contains(md.data, "Uses [⟨body⟩](#ch01-body)."));
	EXPECT(contains(md.data, "[snippets/ch01/main.c](../../snippets/ch01/main.c)"));
	EXPECT(contains(md.data, "[reference](../docs/programs/html/main_8c.html)"));
	EXPECT(contains(md.data, "Checked by the build: ` a line reads \"<script>alert(1)</script>\" `"));
	buf_free(&md);
	buf_free(&cap.text);
	run_record_free(&cap.rec);
	book_free(&b);
	captured_close(&c);
	return 0;
}

int test_weave_missing_capture(void)
{
	const char *text = "# T\n\n```{.console .run}\n$ echo hi\n```\n";
	struct captured c;
	struct book b;
	struct capture_file cap = {0};
	struct weave_links links = {NULL, NULL, NULL, NULL, WEAVE_SCREEN, NULL, NULL};
	struct buf md = {0};

	captured_open(&c);
	EXPECT(load_book(&b, &c, "01-t.md", text, NULL, NULL) == 0);
	EXPECT(weave_chapter(&b, &cap, NULL, 0, &links, &md, &c.d) < 0);
	EXPECT(contains(captured_text(&c), "01-t.md:3:1: error: no capture for run ch01-run"));
	buf_free(&md);
	book_free(&b);
	captured_close(&c);
	return 0;
}

int test_weave_skipped_run(void)
{
	const char *text = "# T\n\n```{.console .run skip=77}\n$ sh need-root.sh\nline: done\n```\n";
	struct captured c;
	struct book b;
	struct capture_file cap = {0};
	struct weave_links links = {NULL, NULL, NULL, NULL, WEAVE_SCREEN, NULL, NULL};
	struct buf md = {0};

	captured_open(&c);
	EXPECT(load_book(&b, &c, "01-t.md", text, NULL, NULL) == 0);
	cap.id = "ch01-run";
	cap.loaded = true;
	buf_puts(&cap.text, "need-root.sh: needs root\n");
	cap.rec.exit_status = 77;
	cap.rec.skipped = true;
	cap.rec.date = xstrdup("2026-01-02T03:04:05Z");
	EXPECT(weave_chapter(&b, &cap, NULL, 0, &links, &md, &c.d) == 0);
	EXPECT(contains(md.data, "need-root.sh: needs root\n"));
	EXPECT(contains(md.data, "not run on this machine: the command exited 77"));
	EXPECT(contains(md.data, "Not checked: this run was skipped"));
	EXPECT(!contains(md.data, "Checked by the build"));
	buf_free(&md);
	buf_free(&cap.text);
	run_record_free(&cap.rec);
	book_free(&b);
	captured_close(&c);
	return 0;
}

int test_json_roundtrip(void)
{
	struct buf b = {0};
	struct json_flat j;

	buf_puts(&b, "{\"s\": ");
	json_string(&b, "quote \" backslash \\ tab \t newline \n bell \a");
	buf_puts(&b, ", \"n\": 1.5, \"t\": true, \"z\": null}");
	EXPECT(json_flat_parse(&j, b.data) == 0);
	EXPECT(!strcmp(json_flat_get(&j, "s"), "quote \" backslash \\ tab \t newline \n bell \a"));
	EXPECT(!strcmp(json_flat_get(&j, "n"), "1.5"));
	EXPECT(!strcmp(json_flat_get(&j, "t"), "true"));
	EXPECT(json_flat_get(&j, "z") == NULL);
	json_flat_free(&j);
	/* One level of nesting is read flat; deeper is refused. */
	EXPECT(json_flat_parse(&j, "{\"a\": {\"b/c\": \"x\", \"d\": 2}, \"e\": 3}") == 0);
	EXPECT(!strcmp(json_flat_get(&j, "a.b/c"), "x") && !strcmp(json_flat_get(&j, "a.d"), "2"));
	EXPECT(!strcmp(json_flat_get(&j, "e"), "3") && json_flat_get(&j, "a") == NULL);
	json_flat_free(&j);
	EXPECT(json_flat_parse(&j, "{\"a\": {\"b\": {\"c\": 1}}}") < 0);
	EXPECT(json_flat_parse(&j, "{\"a\": {\"b\": 1}") < 0);
	EXPECT(json_flat_parse(&j, "{\"a\": \"unterminated}") < 0);
	buf_free(&b);
	return 0;
}

int test_linemap_rewrite(void)
{
	struct linemap_cache cache = {0};
	struct buf out = {0};
	char *dir = xasprintf("%s/maps", test_tmpdir());
	char *map = xasprintf("%s/ch01/x.c.map", dir);
	const char *diag =
		"/src/snippets/ch01/x.c: In function 'main':\n"
		"/src/snippets/ch01/x.c:3:9: error: expected ';'\n"
		"In file included from /src/snippets/ch01/x.c:2,\n"
		"/src/snippets/common/y.h:1:1: note: no map, left alone\n"
		"/src/snippets/ch01/x.c:99:1: beyond the map\n";

	/* Snippet line 1 from chapter line 10, lines 2-3 from 14-15 indented by 4. */
	free(write_chapter("../maps/ch01/x.c.map", "book/01-x.md\n1 10 0\n2 14 4\nend 3\n"));
	cache.maps_dir = dir;
	linemap_rewrite(&cache, "/src/snippets", diag, strlen(diag), &out);
	EXPECT(contains(out.data, "book/01-x.md: In function 'main':\n"));
	EXPECT(contains(out.data, "book/01-x.md:15:5: error: expected ';'\n"));
	EXPECT(contains(out.data, "In file included from book/01-x.md:14,\n"));
	{
		struct linemap m;
		long line, col;
		char *path = xasprintf("%s/ch01/x.c.map", dir);

		EXPECT(linemap_load(&m, path) == 0 && m.n == 3);
		EXPECT(linemap_lookup(&m, 3, 9, &line, &col) == 0 && line == 15 && col == 5);
		EXPECT(linemap_lookup(&m, 4, 1, &line, &col) < 0);
		linemap_free(&m);
		free(path);
	}
	EXPECT(contains(out.data, "/src/snippets/common/y.h:1:1: note"));
	EXPECT(contains(out.data, "/src/snippets/ch01/x.c:99:1: beyond the map"));
	linemap_cache_free(&cache);
	buf_free(&out);
	free(dir);
	free(map);
	return 0;
}
