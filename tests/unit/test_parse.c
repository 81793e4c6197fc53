/* Tests of attribute blocks, fences, chapter names and references. */
#include <string.h>

#include "attr.h"
#include "chapter.h"
#include "helpers.h"
#include "runner.h"

int test_attr_items(void)
{
	struct captured c;
	struct attrs a;
	struct arena mem = {0};
	const char *s = "{.c #name file=ch01/x.c labels=\"slow mpi\" q='a \\' b'}";

	captured_open(&c);
	EXPECT(attrs_parse(&a, &mem, s, strlen(s), "f.md", 3, 4, &c.d) == 0);
	EXPECT(a.id && !strcmp(a.id, "name"));
	EXPECT(a.id_col == 8);
	EXPECT(attrs_has_class(&a, "c"));
	EXPECT(!strcmp(attrs_get(&a, "file"), "ch01/x.c"));
	EXPECT(!strcmp(attrs_get(&a, "labels"), "slow mpi"));
	EXPECT(!strcmp(attrs_get(&a, "q"), "a ' b"));
	EXPECT(attrs_col(&a, "file") == 14);
	EXPECT(c.d.errors == 0);
	arena_free(&mem);
	captured_close(&c);
	return 0;
}

int test_attr_errors(void)
{
	static const struct {
		const char *text;
		const char *message;
	} cases[] = {
		{"{.c file=\"x.c}", "f.md:1:10: error: unbalanced quote"},
		{"{.c file=a file=b}", "f.md:1:12: error: attribute 'file' is given twice"},
		{"{.c #a #b}", "f.md:1:8: error: a code block has one identifier"},
		{"{.c file=x.c", "error: missing '}'"},
		{"{.c} extra", "f.md:1:6: error: unexpected text after the attribute block"},
		{"{.c =x}", "f.md:1:5: error: unexpected character '='"},
		{"{.c word}", "f.md:1:5: error: expected '.class', '#id' or 'key=value', found 'word'"},
		{"{. }", "f.md:1:2: error: empty class name"},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct captured c;
		struct attrs a;
		struct arena mem = {0};

		captured_open(&c);
		EXPECT(attrs_parse(&a, &mem, cases[i].text, strlen(cases[i].text), "f.md", 1, 1, &c.d) < 0);
		if (!contains(captured_text(&c), cases[i].message))
			fprintf(stderr, "case %zu: got: %s", i, captured_text(&c));
		EXPECT(contains(captured_text(&c), cases[i].message));
		arena_free(&mem);
		captured_close(&c);
	}
	return 0;
}

int test_chapter_fences(void)
{
	const char *text =
		"# Title here\n"
		"\n"
		"First paragraph\n"
		"goes on.\n"
		"\n"
		"````{.c file=a.c}\n"
		"```\n"
		"inner fence stays code\n"
		"````\n"
		"~~~ c\n"
		"prose block\n"
		"~~~\n"
		"   ```{.c #indented}\n"
		"   x\n"
		"   ```\n"
		"    ```{.c #not-a-fence}\n"
		"```{.console .run}\n"
		"$ true\n"
		"```\n";
	struct captured c;
	struct chapter ch;

	captured_open(&c);
	EXPECT(chapter_parse(&ch, "book/03-sample.md", text, strlen(text), &c.d) == 0);
	EXPECT(!strcmp(ch.slug, "03-sample") && !strcmp(ch.tag, "ch03"));
	EXPECT(ch.title && !strcmp(ch.title, "Title here"));
	EXPECT(ch.summary && !strcmp(ch.summary, "First paragraph goes on."));
	EXPECT(ch.nblocks == 4);
	if (ch.nblocks == 4) {
		EXPECT(ch.blocks[0].kind == BLOCK_ROOT && ch.blocks[0].nlines == 2);
		EXPECT(ch.blocks[0].lines[1].lineno == 8);
		EXPECT(ch.blocks[1].kind == BLOCK_PROSE && !strcmp(ch.blocks[1].lang, "c"));
		EXPECT(ch.blocks[2].kind == BLOCK_CHUNK && ch.blocks[2].col == 4);
		EXPECT(ch.blocks[2].nlines == 1 && ch.blocks[2].lines[0].len == 1);
		EXPECT(ch.blocks[3].kind == BLOCK_RUN && ch.blocks[3].line == 17);
	}
	chapter_free(&ch);
	captured_close(&c);
	return 0;
}

int test_chapter_errors(void)
{
	struct captured c;
	struct chapter ch;
	const char *unclosed = "# T\n\ntext\n  ```{.c #x}\ncode\n";
	const char *crlf = "# T\r\n";

	captured_open(&c);
	EXPECT(chapter_parse(&ch, "book/01-a.md", unclosed, strlen(unclosed), &c.d) < 0);
	EXPECT(contains(captured_text(&c), "book/01-a.md:4:3: error: unclosed code fence"));
	chapter_free(&ch);
	EXPECT(chapter_parse(&ch, "book/01-a.md", crlf, strlen(crlf), &c.d) < 0);
	EXPECT(contains(captured_text(&c), "book/01-a.md:1:4: error: CRLF line ending"));
	chapter_free(&ch);
	EXPECT(chapter_parse(&ch, "book/intro.md", "# T\n", 4, &c.d) < 0);
	EXPECT(contains(captured_text(&c), "book/intro.md: error: a chapter's file name must be NN-slug.md"));
	chapter_free(&ch);
	captured_close(&c);
	return 0;
}

int test_chunk_names(void)
{
	struct captured c;
	struct chapter ch;
	struct line l;
	const char *name;
	size_t n, indent;
	const char *text =
		"# T\n\n```{.c file=ch01/a.c}\n<<café>>\n<<中文>>\n<<ok.v2:x_y-z>>\n```\n\n"
		"```{.c #café}\nint a;\n```\n\n"
		"```{.c   #中文}\nint b;\n```\n\n"
		"```{.c #ok.v2:x_y-z}\nint c;\n```\n";

	/* One rule: ASCII letters, digits and - _ . : */
	EXPECT(chunk_name_problem("ok.v2:x_y-z", 11) == 11);
	EXPECT(chunk_name_problem("café", strlen("café")) == 3);
	EXPECT(chunk_name_problem("中文", strlen("中文")) == 0);
	EXPECT(chunk_name_problem("a/b", 3) == 1);
	EXPECT(chunk_name_problem("a b", 3) == 1);
	/* A non-ASCII name is not a reference... */
	l = (struct line){.text = "<<café>>", .len = (unsigned)strlen("<<café>>"), .lineno = 1};
	EXPECT(line_reference(&l, &name, &n, &indent) == 0);
	/* ...so its definition is refused, at the offending character. */
	captured_open(&c);
	EXPECT(chapter_parse(&ch, "book/01-a.md", text, strlen(text), &c.d) < 0);
	EXPECT(c.d.errors == 2);
	EXPECT(contains(captured_text(&c), "book/01-a.md:9:12: error: 'é' cannot be part of a chunk name, "
				"so <<café>> would be text, not a reference"));
	EXPECT(contains(captured_text(&c), "book/01-a.md:13:11: error: '中' cannot be part of a chunk name"));
	EXPECT(!contains(captured_text(&c), "ok.v2"));
	chapter_free(&ch);
	captured_close(&c);
	return 0;
}

int test_reference_lines(void)
{
	struct line l;
	const char *name;
	size_t n, indent;

	l = (struct line){.text = "    <<body-part>>  ", .len = 19, .lineno = 1};
	EXPECT(line_reference(&l, &name, &n, &indent) == 1);
	EXPECT(n == 9 && !memcmp(name, "body-part", 9) && indent == 4);
	l = (struct line){.text = "\t<<x>>", .len = 6, .lineno = 1};
	EXPECT(line_reference(&l, &name, &n, &indent) == 1 && indent == 1);
	l = (struct line){.text = "x = a <<b>> c;", .len = 14, .lineno = 1};
	EXPECT(line_reference(&l, &name, &n, &indent) == 0);
	l = (struct line){.text = "<<has space>>", .len = 13, .lineno = 1};
	EXPECT(line_reference(&l, &name, &n, &indent) == 0);
	l = (struct line){.text = "<<>>", .len = 4, .lineno = 1};
	EXPECT(line_reference(&l, &name, &n, &indent) == 0);
	return 0;
}
