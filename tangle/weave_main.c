/*
 * weave - turn chapters and their captured runs into the Markdown pandoc
 * renders.
 *
 *   weave meta CHAPTER.md OUT.json [--xref CHAPTER.xref]
 *       The chapter's title, number (from its numbers, xref.h) and summary
 *       (book/index.md gives the book's).
 *   weave chapter CHAPTER.md --runs DIR --out OUT.md --page OUT.yaml
 *         [--snippets-url URL] [--outputs-url URL] [--reference-url URL]
 *         [--verify ROOT BINDIR] [--root DIR] [--gen DIR --quoted-run ID...]
 *         [--print-out OUT.md] [--epub-out OUT.md] [--xref CHAPTER.xref]
 *         [--base-url URL] [--search OUT.search] [--glyphs CHARSETS]
 *         [--solutions OUT.solutions.md] META.json...
 *       The chapter with labelled chunks, real outputs and the values its
 *       prose quotes (quote.h), and the page's metadata (book title,
 *       previous/next, the chapter list) from the metas. With --verify, an
 *       output whose record is not of the current block, programs, snippets
 *       and files (runrecord.h) is an error at its block: a stale output is
 *       never woven. With --root, the outputs show the paths under DIR
 *       relative to it. --quoted-run names a run of another chapter whose
 *       values the prose quotes (the manifest's QUOTES): its block and
 *       location are read from --gen's runs/ID.run and ID.loc, its record
 *       from --runs, and verified as the chapter's own. OUT.md is the student
 *       edition (edition.h): the exercises' solutions go to --solutions,
 *       for the instructor edition's appendix.
 *       --print-out and --epub-out write the chapter for the print page and
 *       the EPUB (weave.h), student editions too; --xref reads its numbers
 *       (xref.h), --search writes its search records (search.h); with
 *       --glyphs (fc-list's charsets, glyphs.h), a character of the chapter
 *       or of an output that no font of this machine draws is an error at
 *       its line.
 *   weave solutions OUT.md --page OUT.yaml [META.json | SLUG.solutions.md]...
 *       The appendix of the instructor edition: every chapter's solutions.
 *   weave index INDEX.md --out OUT.md --page OUT.yaml [--epub-meta OUT.yaml] META.json...
 *       The front page: book/index.md followed by the chapters and summaries;
 *       with --epub-meta, the EPUB's metadata (title, language, identifier).
 *   weave search OUT.js RECORDS...
 *       The search index of the pages (search.h), from the records that
 *       `weave chapter --search RECORDS` wrote for each chapter.
 *
 * Outputs are written only when their bytes change, so pages whose inputs
 * did not really change are not rendered again.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "book.h"
#include "diag.h"
#include "edition.h"
#include "fsutil.h"
#include "json.h"
#include "runrecord.h"
#include "specfile.h"
#include "glyphs.h"
#include "search.h"
#include "weave.h"
#include "xref.h"

static void usage(void)
{
	fputs("usage: weave meta CHAPTER.md OUT.json [--xref CHAPTER.xref]\n"
	      "       weave chapter CHAPTER.md --runs DIR --out OUT.md --page OUT.yaml\n"
	      "             [--snippets-url URL] [--outputs-url URL] [--reference-url URL]\n"
	      "             [--verify ROOT BINDIR] [--root DIR] [--gen DIR --quoted-run ID...]\n"
	      "             [--print-out OUT.md] [--epub-out OUT.md] [--xref CHAPTER.xref] [--base-url URL]\n"
	      "             [--search OUT.search] [--glyphs CHARSETS] [--solutions OUT.solutions.md] META.json...\n"
	      "       weave solutions OUT.md --page OUT.yaml [META.json | SLUG.solutions.md]...\n"
	      "       weave index INDEX.md --out OUT.md --page OUT.yaml [--epub-meta OUT.yaml] META.json...\n"
	      "       weave search OUT.js RECORDS...\n", stderr);
	exit(2);
}

static int save(const char *path, const struct buf *b)
{
	if (write_if_changed(path, b->data ? b->data : "", b->len, NULL) < 0) {
		fprintf(stderr, "%s: error: cannot write: %s\n", path, strerror(errno));
		return -1;
	}
	return 0;
}

/*
 * Title, number and summary of a chapter or of book/index.md, without a full
 * parse; the chapter's numbers from @p xref (or NULL: none).
 */
static int cmd_meta(const char *path, const char *out, const char *xref)
{
	struct xref_table tab = {0};
	char *summary;
	struct diag d;
	struct chapter c;
	struct buf j = {0};
	char *slug = NULL, *tag = NULL;
	int rc;

	diag_init(&d, stderr);
	if (chapter_names(path, &slug, &tag) == 0) {
		rc = chapter_load(&c, path, &d);
	} else {
		/* The front page is not a chapter: parse it under a chapter's name. */
		struct buf text = {0};

		if (read_file(path, &text) < 0) {
			fprintf(stderr, "%s: error: cannot read: %s\n", path, strerror(errno));
			return 1;
		}
		rc = chapter_parse(&c, "00-index.md", text.data ? text.data : "", text.len, &d);
		buf_free(&text);
	}
	if (rc < 0) {
		chapter_free(&c);
		return 1;
	}
	if (!c.title) {
		diag_error(&d, path, 1, 1, "a chapter starts with its title, a '# Title' heading");
		chapter_free(&c);
		return 1;
	}
	buf_puts(&j, "{\n  \"slug\": ");
	json_string(&j, slug ? slug : "index");
	buf_puts(&j, ",\n  \"tag\": ");
	json_string(&j, tag ? tag : "");
	buf_puts(&j, ",\n  \"title\": ");
	json_string(&j, c.title);
	if (xref && xref_table_load(xref, &tab) < 0) {
		fprintf(stderr, "%s: error: cannot read the chapter's numbers: %s (re-run tangle)\n", xref,
			strerror(errno));
		chapter_free(&c);
		free(slug);
		free(tag);
		return 1;
	}
	if (xref) {
		buf_printf(&j, ",\n  \"number\": \"%u\"", tab.chapter);
	}
	/* The front page shows the summary: its references as text, since it links the chapter. */
	summary = xref_plain(c.summary ? c.summary : "", &tab);
	xref_table_free(&tab);
	buf_puts(&j, ",\n  \"summary\": ");
	json_string(&j, summary);
	free(summary);
	buf_puts(&j, "\n}\n");
	rc = save(out, &j);
	buf_free(&j);
	chapter_free(&c);
	free(slug);
	free(tag);
	return rc < 0 ? 1 : 0;
}

struct meta {
	struct json_flat j;
	const char *slug, *title, *summary, *tag, *number;
};

static int load_metas(char **paths, size_t n, struct meta *m)
{
	for (size_t i = 0; i < n; i++) {
		struct buf text = {0};

		if (read_file(paths[i], &text) < 0 || json_flat_parse(&m[i].j, text.data ? text.data : "") < 0) {
			fprintf(stderr, "%s: error: not a chapter meta file (run 'weave meta' first)\n", paths[i]);
			buf_free(&text);
			return -1;
		}
		buf_free(&text);
		m[i].slug = json_flat_get(&m[i].j, "slug");
		m[i].title = json_flat_get(&m[i].j, "title");
		m[i].summary = json_flat_get(&m[i].j, "summary");
		m[i].tag = json_flat_get(&m[i].j, "tag");
		m[i].number = json_flat_get(&m[i].j, "number");
		if (!m[i].slug || !m[i].title) {
			fprintf(stderr, "%s: error: meta file without slug or title\n", paths[i]);
			return -1;
		}
	}
	return 0;
}

static void yaml_str(struct buf *b, const char *s)
{
	buf_putc(b, '"');
	for (; s && *s; s++) {
		if (*s == '"' || *s == '\\')
			buf_putc(b, '\\');
		buf_putc(b, *s);
	}
	buf_putc(b, '"');
}

/*
 * Page metadata: book title, this page, previous/next, all chapters' titles.
 * Summaries are the front page's business: a page that listed them would be
 * rendered again (and its PDF laid out again) whenever any summary changed.
 */
static void page_yaml(struct buf *y, const struct meta *m, size_t n, const char *self)
{
	const struct meta *book = NULL;
	long here = -1, prev = -1, next = -1;
	size_t count = 0;

	for (size_t i = 0; i < n; i++) {
		if (!strcmp(m[i].slug, "index"))
			book = &m[i];
		else if (!strcmp(m[i].slug, self))
			here = (long)i;
	}
	for (size_t i = 0; i < n; i++) {
		if (!strcmp(m[i].slug, "index"))
			continue;
		if ((long)i < here)
			prev = (long)i;
		if ((long)i > here && next < 0 && here >= 0)
			next = (long)i;
	}
	buf_puts(y, "---\nbook-title: ");
	yaml_str(y, book ? book->title : "The book");
	if (here >= 0) {
		buf_puts(y, "\npagetitle: ");
		yaml_str(y, m[here].title);
		buf_puts(y, "\nchapter-tag: ");
		yaml_str(y, m[here].tag);
	} else {
		buf_puts(y, "\npagetitle: ");
		yaml_str(y, book ? book->title : "The book");
		buf_puts(y, "\nis-index: true");
	}
	if (prev >= 0) {
		buf_printf(y, "\nprev-href: \"%s.html\"\nprev-title: ", m[prev].slug);
		yaml_str(y, m[prev].title);
	} else if (here >= 0) {
		buf_puts(y, "\nprev-href: \"index.html\"\nprev-title: ");
		yaml_str(y, book ? book->title : "Contents");
	}
	if (next >= 0) {
		buf_printf(y, "\nnext-href: \"%s.html\"\nnext-title: ", m[next].slug);
		yaml_str(y, m[next].title);
	}
	for (size_t i = 0; i < n; i++)
		count += strcmp(m[i].slug, "index") != 0;
	buf_puts(y, count ? "\nchapters:\n" : "\nchapters: []\n");
	for (size_t i = 0; i < n; i++) {
		if (!strcmp(m[i].slug, "index"))
			continue;
		buf_printf(y, "- href: \"%s.html\"\n", m[i].slug);
		if (m[i].number)
			buf_printf(y, "  number: \"%s\"\n", m[i].number);
		buf_puts(y, "  title: ");
		yaml_str(y, m[i].title);
		if ((long)i == here)
			buf_puts(y, "\n  current: true");
		buf_putc(y, '\n');
	}
	buf_puts(y, "...\n");
}

/*
 * The capture of run @p r from @p dir; with @p root, also check that it is
 * of the current code (programs from @p bindir), noting why not in cf->stale.
 */
static void load_capture(struct capture_file *cf, const char *dir, const struct run *r,
			 const char *root, const char *bindir)
{
	char *why = NULL;

	cf->id = r->id;
	if (run_record_load(dir, r->id, &cf->rec, &cf->text, &why) == 0) {
		cf->loaded = true;
		if (root) {
			struct buf block = {0};

			block_spec_text(r->block, &block);
			if (run_record_verify(&cf->rec, block.data, block.len, root, bindir, &why) < 0)
				cf->stale = why;
			buf_free(&block);
		}
	} else {
		fprintf(stderr, "%s:%d: note: %s\n", r->chapter->path, r->block->line, why);
		free(why);
	}
}

/*
 * The run @p id of another chapter, for the values the prose quotes: its
 * chapter and value names from --gen's files, its capture from @p dir.
 */
static int load_quoted(struct quoted_run *q, const char *id, const char *gen, const char *dir,
		       const char *root, const char *bindir, struct diag *d)
{
	char *spec = xasprintf("%s/runs/%s.run", gen, id), *chapter = NULL, *why = NULL;
	struct run_file f;
	struct runspec r;
	int line = 0, rc = -1;

	memset(q, 0, sizeof(*q));
	q->id = id;
	q->cap.id = id;
	if (run_file_load(spec, &f) < 0) {
		fprintf(stderr, "%s: error: cannot read the run file of quoted run %s: %s (re-run tangle)\n",
			spec, id, strerror(errno));
		free(spec);
		return -1;
	}
	if (location_load(spec, &chapter, &line) < 0 || chapter_names(chapter, &q->slug, &q->tag) < 0) {
		fprintf(stderr, "%s: error: quoted run %s has no chapter location (re-run tangle)\n", spec, id);
	} else if (run_file_spec(&f, chapter, line, &r, d) == 0) {
		for (size_t i = 0; i < r.nexpects; i++)
			if (r.expects[i].kind == EXPECT_VALUE)
				strlist_add(&q->values, r.expects[i].name);
		runspec_free(&r);
		rc = 0;
	}
	if (rc == 0 && run_record_load(dir, id, &q->cap.rec, &q->cap.text, &why) == 0) {
		q->cap.loaded = true;
		if (root && run_record_verify(&q->cap.rec, f.block.data ? f.block.data : "", f.block.len, root,
					      bindir, &why) < 0)
			q->cap.stale = why;
	} else if (rc == 0) {
		fprintf(stderr, "%s:%d: note: %s\n", chapter, line, why);
		free(why);
	}
	run_file_free(&f);
	free(chapter);
	free(spec);
	return rc;
}

static void free_quoted(struct quoted_run *q)
{
	free(q->slug);
	free(q->tag);
	strlist_free(&q->values);
	buf_free(&q->cap.text);
	run_record_free(&q->cap.rec);
	free(q->cap.stale);
}

/* Report the characters of @p text (from @p line of @p path, or all at @p line when @p at_line) that no font draws. */
static void missing_glyphs(const struct glyphs *g, const char *path, const char *text, size_t len, int line,
			   bool at_line, const char *what, struct diag *d)
{
	size_t from = 0, at, bol = 0;
	unsigned long cp;
	int reported = 0;

	while (reported < 10 && from < len && (at = glyphs_first_missing(g, text + from, len - from, &cp)) != (size_t)-1) {
		size_t pos = from + at, n = utf8_sequence((const unsigned char *)text + pos, len - pos);
		int l = line, col = 0;

		if (!at_line) {
			for (size_t i = bol; i < pos; i++)
				if (text[i] == '\n') {
					line++;
					bol = i + 1;
				}
			l = line;
			/* The column in characters, as an editor counts them. */
			col = 1;
			for (size_t i = bol; i < pos; i++)
				col += ((unsigned char)text[i] & 0xc0) != 0x80;
		}
		diag_error(d, path, l, col,
			   "no font of this machine draws U+%04lX '%.*s'%s%s: the PDF and the EPUB would show a blank "
			   "(fonts are fontconfig's, fc-list; deps/packages.txt installs DejaVu, Noto CJK and Noto "
			   "Color Emoji)", cp, (int)n, text + pos, what ? " in " : "", what ? what : "");
		reported++;
		from = pos + (n ? n : 1);
	}
}

/* Every character the chapter and its outputs put on paper must have a glyph. */
static void check_glyphs(const char *charsets, const struct book *b, const struct capture_file *caps,
			 struct diag *d)
{
	struct buf text = {0};
	struct glyphs g;
	const struct chapter *c = &b->chapters[0];

	if (read_file(charsets, &text) < 0 || glyphs_parse(text.data ? text.data : "", text.len, &g) < 0) {
		diag_error(d, charsets, 0, 0, "cannot read the fonts' coverage (fc-list's charsets): %s",
			   errno ? strerror(errno) : "not a list of code points");
		buf_free(&text);
		return;
	}
	missing_glyphs(&g, c->path, c->text ? c->text : "", c->text_len, 1, false, NULL, d);
	for (size_t i = 0, k = 0; i < b->nruns; i++) {
		if (b->runs[i].chapter != c)
			continue;
		if (caps[k].loaded) {
			char *what = xasprintf("the output of run %s", b->runs[i].id);

			missing_glyphs(&g, c->path, caps[k].text.data ? caps[k].text.data : "", caps[k].text.len,
				       b->runs[i].block->line, true, what, d);
			free(what);
		}
		k++;
	}
	glyphs_free(&g);
	buf_free(&text);
}

/* The chapter again for the print page or the EPUB: no links into the build tree. */
static int weave_other(const struct book *b, const struct capture_file *caps, const struct quoted_run *quoted,
		       size_t nquoted, const struct weave_links *screen, enum weave_style style, struct buf *md,
		       struct diag *d)
{
	struct weave_links l = *screen;
	struct diag quiet;

	/* What it finds, the screen's weave has reported already. */
	(void)d;
	diag_init(&quiet, NULL);
	l.style = style;
	l.snippets_url = l.outputs_url = l.reference_url = NULL;
	return weave_chapter(b, caps, quoted, nquoted, &l, md, &quiet);
}

static int cmd_chapter(int argc, char **argv)
{
	const char *path = argv[0], *runs = NULL, *out = NULL, *page = NULL;
	const char *root = NULL, *bindir = NULL, *gen = NULL, *solutions_path = NULL;
	struct strlist quoted_ids = {0};
	struct quoted_run *quoted;
	struct weave_links links = {NULL, NULL, NULL, NULL, WEAVE_SCREEN, NULL, NULL};
	const char *print_out = NULL, *epub_out = NULL, *xref_path = NULL, *search_out = NULL, *charsets = NULL;
	struct xref_table xrefs = {0};
	struct diag d;
	struct book b;
	struct buf md = {0}, y = {0}, pmd = {0}, emd = {0};
	struct capture_file *caps;
	struct meta *metas;
	size_t nmetas = 0;
	char **meta_paths = xcalloc((size_t)argc + 1, sizeof(char *));
	int rc = 0;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--runs") && i + 1 < argc)
			runs = argv[++i];
		else if (!strcmp(argv[i], "--out") && i + 1 < argc)
			out = argv[++i];
		else if (!strcmp(argv[i], "--page") && i + 1 < argc)
			page = argv[++i];
		else if (!strcmp(argv[i], "--snippets-url") && i + 1 < argc)
			links.snippets_url = argv[++i];
		else if (!strcmp(argv[i], "--outputs-url") && i + 1 < argc)
			links.outputs_url = argv[++i];
		else if (!strcmp(argv[i], "--reference-url") && i + 1 < argc)
			links.reference_url = argv[++i];
		else if (!strcmp(argv[i], "--gen") && i + 1 < argc)
			gen = argv[++i];
		else if (!strcmp(argv[i], "--print-out") && i + 1 < argc)
			print_out = argv[++i];
		else if (!strcmp(argv[i], "--epub-out") && i + 1 < argc)
			epub_out = argv[++i];
		else if (!strcmp(argv[i], "--xref") && i + 1 < argc)
			xref_path = argv[++i];
		else if (!strcmp(argv[i], "--search") && i + 1 < argc)
			search_out = argv[++i];
		else if (!strcmp(argv[i], "--glyphs") && i + 1 < argc)
			charsets = argv[++i];
		else if (!strcmp(argv[i], "--base-url") && i + 1 < argc)
			links.base_url = *argv[i + 1] ? argv[i + 1] : NULL, i++;
		else if (!strcmp(argv[i], "--quoted-run") && i + 1 < argc)
			strlist_add(&quoted_ids, argv[++i]);
		else if (!strcmp(argv[i], "--solutions") && i + 1 < argc)
			solutions_path = argv[++i];
		else if (!strcmp(argv[i], "--verify") && i + 2 < argc) {
			root = argv[++i];
			bindir = argv[++i];
		} else if (!strcmp(argv[i], "--root") && i + 1 < argc)
			links.root = argv[++i];
		else if (argv[i][0] == '-')
			usage();
		else
			meta_paths[nmetas++] = argv[i];
	}
	if (!runs || !out || !page || (quoted_ids.len && !gen))
		usage();
	diag_init(&d, stderr);
	if (xref_path) {
		if (xref_table_load(xref_path, &xrefs) < 0) {
			fprintf(stderr, "%s: error: cannot read the chapter's numbers: %s (re-run tangle)\n", xref_path,
				strerror(errno));
			free(meta_paths);
			return 1;
		}
		links.xrefs = &xrefs;
	}
	if (book_load(&b, (char *const *)&path, 1, BOOK_PARTIAL, &d) < 0) {
		xref_table_free(&xrefs);
		book_free(&b);
		free(meta_paths);
		return 1;
	}
	caps = xcalloc(b.nruns + 1, sizeof(*caps));
	for (size_t i = 0; i < b.nruns; i++)
		load_capture(&caps[i], runs, &b.runs[i], root, bindir);
	quoted = xcalloc(quoted_ids.len + 1, sizeof(*quoted));
	for (size_t i = 0; i < quoted_ids.len; i++)
		if (load_quoted(&quoted[i], quoted_ids.items[i], gen, runs, root, bindir, &d) < 0)
			rc = 1;
	metas = xcalloc(nmetas + 1, sizeof(*metas));
	if (charsets) {
		int before = d.errors;

		check_glyphs(charsets, &b, caps, &d);
		if (d.errors != before)
			rc = 1;
	}
	if (rc || load_metas(meta_paths, nmetas, metas) < 0 ||
	    weave_chapter(&b, caps, quoted, quoted_ids.len, &links, &md, &d) < 0 ||
	    weave_other(&b, caps, quoted, quoted_ids.len, &links, WEAVE_PRINT, &pmd, &d) < 0 ||
	    weave_other(&b, caps, quoted, quoted_ids.len, &links, WEAVE_EPUB, &emd, &d) < 0) {
		rc = 1;
	} else {
		struct buf student = {0}, solutions = {0}, pstudent = {0}, estudent = {0}, dropped = {0};

		/* The student edition; the solutions go to the instructor's appendix (edition.h). */
		edition_split(md.data ? md.data : "", md.len, b.chapters[0].slug, &student, &solutions);
		page_yaml(&y, metas, nmetas, b.chapters[0].slug);
		/* The print page and the EPUB are student editions too: their solutions are dropped. */
		edition_split(pmd.data ? pmd.data : "", pmd.len, b.chapters[0].slug, &pstudent, &dropped);
		buf_free(&dropped);
		edition_split(emd.data ? emd.data : "", emd.len, b.chapters[0].slug, &estudent, &dropped);
		/* Every output, or none: a build that stops here keeps the old ones together. */
		if (save(out, &student) < 0 || save(page, &y) < 0 ||
		    (print_out && save(print_out, &pstudent) < 0) || (epub_out && save(epub_out, &estudent) < 0) ||
		    (solutions_path && save(solutions_path, &solutions) < 0))
			rc = 1;
		buf_free(&student);
		buf_free(&solutions);
		buf_free(&pstudent);
		buf_free(&estudent);
		buf_free(&dropped);
		if (rc == 0 && search_out) {
			struct search_chapter sc;
			struct xref_table own = {0};
			struct buf records = {0};

			if (!links.xrefs)
				book_xref_table(&b, 0, &own);
			search_collect(&b, links.xrefs ? links.xrefs : &own, &sc);
			search_chapter_write(&sc, &records);
			if (save(search_out, &records) < 0)
				rc = 1;
			buf_free(&records);
			search_chapter_free(&sc);
			xref_table_free(&own);
		}
	}
	buf_free(&pmd);
	buf_free(&emd);
	xref_table_free(&xrefs);
	for (size_t i = 0; i < b.nruns; i++) {
		buf_free(&caps[i].text);
		run_record_free(&caps[i].rec);
		free(caps[i].stale);
	}
	for (size_t i = 0; i < quoted_ids.len; i++)
		free_quoted(&quoted[i]);
	free(quoted);
	strlist_free(&quoted_ids);
	for (size_t i = 0; i < nmetas; i++)
		json_flat_free(&metas[i].j);
	free(metas);
	free(caps);
	free(meta_paths);
	buf_free(&md);
	buf_free(&y);
	book_free(&b);
	return rc;
}

static int cmd_index(int argc, char **argv)
{
	const char *path = argv[0], *out = NULL, *page = NULL, *epub_meta = NULL;
	struct buf text = {0}, md = {0}, y = {0};
	struct meta *metas;
	char **meta_paths = xcalloc((size_t)argc + 1, sizeof(char *));
	size_t nmetas = 0;
	int rc = 0;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--out") && i + 1 < argc)
			out = argv[++i];
		else if (!strcmp(argv[i], "--page") && i + 1 < argc)
			page = argv[++i];
		else if (!strcmp(argv[i], "--epub-meta") && i + 1 < argc)
			epub_meta = argv[++i];
		else if (argv[i][0] == '-')
			usage();
		else
			meta_paths[nmetas++] = argv[i];
	}
	if (!out || !page)
		usage();
	metas = xcalloc(nmetas + 1, sizeof(*metas));
	if (read_file(path, &text) < 0) {
		fprintf(stderr, "%s: error: cannot read: %s\n", path, strerror(errno));
		rc = 1;
	} else if (load_metas(meta_paths, nmetas, metas) < 0) {
		rc = 1;
	} else {
		buf_add(&md, text.data, text.len);
		buf_puts(&md, "\n::: {.chapter-list}\n");
		for (size_t i = 0; i < nmetas; i++) {
			if (!strcmp(metas[i].slug, "index"))
				continue;
			buf_puts(&md, "\n::: {.chapter-entry}\n### [");
			if (metas[i].number)
				buf_printf(&md, "[%s]{.chapno} ", metas[i].number);
			buf_printf(&md, "%s](%s.html) {.unnumbered}\n\n%s\n:::\n", metas[i].title, metas[i].slug,
				   metas[i].summary ? metas[i].summary : "");
		}
		buf_puts(&md, ":::\n");
		page_yaml(&y, metas, nmetas, "index");
		if (save(out, &md) < 0 || save(page, &y) < 0)
			rc = 1;
		if (rc == 0 && epub_meta) {
			/* The EPUB's: the book's title, and an identifier that stays the same. */
			struct buf e = {0};
			const char *title = "The book";

			for (size_t i = 0; i < nmetas; i++)
				if (!strcmp(metas[i].slug, "index"))
					title = metas[i].title;
			buf_puts(&e, "---\ntitle: ");
			yaml_str(&e, title);
			buf_puts(&e, "\nlang: en\nidentifier: \"urn:book:");
			for (const char *p = title; *p; p++)
				buf_putc(&e, isalnum((unsigned char)*p) ? (char)tolower((unsigned char)*p) : '-');
			buf_puts(&e, "\"\n...\n");
			if (save(epub_meta, &e) < 0)
				rc = 1;
			buf_free(&e);
		}
	}
	for (size_t i = 0; i < nmetas; i++)
		json_flat_free(&metas[i].j);
	free(metas);
	free(meta_paths);
	buf_free(&text);
	buf_free(&md);
	buf_free(&y);
	return rc;
}

/* The slug of a file PATH/SLUG.solutions.md, or NULL (a new string). */
static char *solutions_slug(const char *path)
{
	const char *base = strrchr(path, '/');

	base = base ? base + 1 : path;
	if (!ends_with(base, ".solutions.md"))
		return NULL;
	return xstrndup(base, strlen(base) - strlen(".solutions.md"));
}

/*
 * The instructor edition's appendix: the solutions of every chapter, in the
 * book's order, under the chapters' titles, and its page's metadata (a page
 * after the book's last chapter).
 */
static int cmd_solutions(int argc, char **argv)
{
	const char *out = argv[0], *page = NULL;
	char **meta_paths = xcalloc((size_t)argc + 1, sizeof(char *));
	struct strlist parts = {0};
	struct buf md = {0}, y = {0};
	struct meta *metas;
	size_t nmetas = 0, count = 0;
	int rc = 0;

	for (int i = 1; i < argc; i++) {
		char *slug;

		if (!strcmp(argv[i], "--page") && i + 1 < argc)
			page = argv[++i];
		else if (argv[i][0] == '-')
			usage();
		else if ((slug = solutions_slug(argv[i]))) {
			free(slug);
			strlist_add(&parts, argv[i]);
		} else
			meta_paths[nmetas++] = argv[i];
	}
	if (!page)
		usage();
	metas = xcalloc(nmetas + 1, sizeof(*metas));
	if (load_metas(meta_paths, nmetas, metas) < 0) {
		rc = 1;
		goto done;
	}
	buf_puts(&md, "# Solutions to the exercises\n\n"
		 "This appendix is the instructor edition's: the student edition of the book leaves it out. "
		 "Each solution is the reference program that `make test` builds and checks against its "
		 "exercise's checks, with a word on why it works.\n");
	for (size_t i = 0; i < nmetas; i++) {
		for (size_t k = 0; k < parts.len; k++) {
			char *slug = solutions_slug(parts.items[k]);
			struct buf text = {0};

			if (!strcmp(slug, metas[i].slug)) {
				if (read_file(parts.items[k], &text) < 0) {
					fprintf(stderr, "%s: error: cannot read: %s\n", parts.items[k], strerror(errno));
					rc = 1;
				} else if (text.len) {
					buf_printf(&md, "\n## %s {#solutions-%s}\n", metas[i].title, slug);
					buf_add(&md, text.data, text.len);
					count++;
				}
			}
			buf_free(&text);
			free(slug);
		}
	}
	if (!count)
		buf_puts(&md, "\nThe book has no exercises yet.\n");
	/* The page's metadata: a page after the last chapter, none of them current. */
	buf_puts(&y, "---\nbook-title: ");
	for (size_t i = 0; i < nmetas; i++)
		if (!strcmp(metas[i].slug, "index"))
			yaml_str(&y, metas[i].title);
	buf_puts(&y, "\npagetitle: \"Solutions to the exercises\"\n");
	for (size_t i = nmetas; i-- > 0;)
		if (strcmp(metas[i].slug, "index")) {
			buf_printf(&y, "prev-href: \"%s.html\"\nprev-title: ", metas[i].slug);
			yaml_str(&y, metas[i].title);
			buf_putc(&y, '\n');
			break;
		}
	buf_puts(&y, "chapters:\n");
	for (size_t i = 0; i < nmetas; i++) {
		if (!strcmp(metas[i].slug, "index"))
			continue;
		buf_printf(&y, "- href: \"%s.html\"\n  title: ", metas[i].slug);
		yaml_str(&y, metas[i].title);
		buf_putc(&y, '\n');
	}
	buf_puts(&y, "- href: \"solutions.html\"\n  title: \"Solutions to the exercises\"\n  current: true\n...\n");
	if (save(out, &md) < 0 || save(page, &y) < 0)
		rc = 1;
done:
	for (size_t i = 0; i < nmetas; i++)
		json_flat_free(&metas[i].j);
	free(metas);
	free(meta_paths);
	strlist_free(&parts);
	buf_free(&md);
	buf_free(&y);
	return rc;
}

/* weave search OUT.js RECORDS...: the index of the whole book, from each chapter's records. */
static int cmd_search(int argc, char **argv)
{
	struct search_chapter *c = xcalloc((size_t)argc + 1, sizeof(*c));
	struct buf js = {0};
	int rc = 0, n = 0;

	for (int i = 1; i < argc && rc == 0; i++, n++) {
		struct buf text = {0};

		if (read_file(argv[i], &text) < 0 || search_chapter_parse(text.data ? text.data : "", text.len, &c[n]) < 0) {
			fprintf(stderr, "%s: error: not a chapter's search records (weave chapter --search writes them)\n",
				argv[i]);
			rc = 1;
		}
		buf_free(&text);
	}
	if (rc == 0) {
		search_index_write(c, (size_t)n, &js);
		rc = save(argv[0], &js) < 0;
	}
	for (int i = 0; i < n; i++)
		search_chapter_free(&c[i]);
	free(c);
	buf_free(&js);
	return rc;
}

int main(int argc, char **argv)
{
	if (argc < 3)
		usage();
	if (!strcmp(argv[1], "meta") && argc == 4)
		return cmd_meta(argv[2], argv[3], NULL);
	if (!strcmp(argv[1], "meta") && argc == 6 && !strcmp(argv[4], "--xref"))
		return cmd_meta(argv[2], argv[3], argv[5]);
	if (!strcmp(argv[1], "chapter"))
		return cmd_chapter(argc - 2, argv + 2);
	if (!strcmp(argv[1], "index"))
		return cmd_index(argc - 2, argv + 2);
	if (!strcmp(argv[1], "solutions"))
		return cmd_solutions(argc - 2, argv + 2);
	if (!strcmp(argv[1], "search"))
		return cmd_search(argc - 2, argv + 2);
	usage();
	return 2;
}
