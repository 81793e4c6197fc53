/*
 * provenance - prove that every output the book shows is of the current code.
 *
 *   provenance --book DIR --gen DIR --out DIR --bindir DIR --html DIR
 *              [--pdf-text FILE.txt[:SLUG]]... [--root DIR]
 *
 * The book is read afresh from --book's chapters, and for every run block:
 *
 *   - its record (--out/ID.json, runrecord.h) and output (ID.txt) exist and
 *     belong together;
 *   - the record is of the block as the chapter holds it now, and of the
 *     programs (--bindir), snippets and files as they are now: the same
 *     digests, and exactly the inputs the run uses today;
 *   - its chapter's page (--html/SLUG.html) and print page (SLUG.print.html)
 *     show this output: the digest they carry for the run is the record's,
 *     and they show no output of a run the book no longer has;
 *   - every PDF text given (pdftotext of book.pdf; with :SLUG, of that
 *     chapter's PDF) holds the first digits of the digest of each of its
 *     runs, and no other digits labelled "output";
 *   - each figure (--html/figures/ID.svg) was drawn from its run's current
 *     output (plot writes the digest into the SVG).
 *
 * The build graph is checked too: its manifest (--gen/manifest.cmake) must
 * name the runs the book has. Each finding is an error at the run's chapter
 * line; exit 1 when there is one, 0 when every output was proved current.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "book.h"
#include "diag.h"
#include "fsutil.h"
#include "manifest.h"
#include "runrecord.h"
#include "specfile.h"
#include "tangle.h"

struct options {
	const char *book, *gen, *out, *bindir, *html, *root;
	struct strlist pdf_texts;
};

static void usage(void)
{
	fputs("usage: provenance --book DIR --gen DIR --out DIR --bindir DIR --html DIR\n"
	      "                  [--pdf-text FILE.txt[:SLUG]]... [--root DIR]\n", stderr);
	exit(2);
}

/* The run file tangle writes for @p r today, from the tangle in memory. */
static const struct output *run_file_of(const struct tangle_result *t, const struct run *r)
{
	char *path = xasprintf("runs/%s.run", r->id);
	const struct output *found = NULL;

	for (size_t i = 0; i < t->gen.n && !found; i++)
		if (!strcmp(t->gen.v[i].path, path))
			found = &t->gen.v[i];
	free(path);
	return found;
}

/* The inputs a run uses today: build/bin/P, snippets/SOURCE, the files. */
static void inputs_today(const struct run_file *f, struct strlist *paths)
{
	for (size_t i = 0; i < f->nprograms; i++) {
		strlist_take(paths, xasprintf("build/bin/%s", f->programs[i].name));
		for (size_t k = 0; k < f->programs[i].sources.len; k++) {
			char *s = xasprintf("snippets/%s", f->programs[i].sources.items[k]);

			if (!strlist_has(paths, s))
				strlist_take(paths, s);
			else
				free(s);
		}
	}
	for (size_t i = 0; i < f->files.len; i++)
		if (!strlist_has(paths, f->files.items[i]))
			strlist_add(paths, f->files.items[i]);
}

/* Check one run's record against the book and the files of today. */
static void check_record(const struct run *r, const struct run_record *rec, const struct run_file *f,
			 const struct options *o, struct diag *d)
{
	struct strlist want = {0};
	char *why = NULL;
	const char *ch = r->chapter->path;
	int line = r->spec.command_line;

	if (run_record_verify(rec, f->block.data ? f->block.data : "", f->block.len, o->root, o->bindir,
			      &why) < 0) {
		diag_error(d, ch, line, 0, "the output of run %s is stale: %s", r->id, why);
		free(why);
	}
	inputs_today(f, &want);
	for (size_t i = 0; i < want.len; i++)
		if (!run_record_input(rec, want.items[i]))
			diag_error(d, ch, line, 0,
				   "the output of run %s was not made with %s, which the run uses now", r->id,
				   want.items[i]);
	for (size_t i = 0; i < rec->ninputs; i++)
		if (!strlist_has(&want, rec->inputs[i].path))
			diag_error(d, ch, line, 0,
				   "the output of run %s was made with %s, which the run no longer uses", r->id,
				   rec->inputs[i].path);
	strlist_free(&want);
}

/*
 * The (run, digest) pairs a page shows: every element with class "digest"
 * carries data-run and data-digest (weave.c). Pandoc may wrap a tag's
 * attributes over lines; they are read within the tag.
 */
static void page_digests(const char *html, struct strlist *runs, struct strlist *digests)
{
	for (const char *p = html; (p = strstr(p, "data-digest=\"")); p++) {
		const char *tag = p, *end = strchr(p, '>'), *run, *q;

		while (tag > html && *tag != '<')
			tag--;
		run = strstr(tag, "data-run=\"");
		q = p + strlen("data-digest=\"");
		if (!end || !run || run > end || !strchr(q, '"'))
			continue;
		run += strlen("data-run=\"");
		strlist_take(runs, xstrndup(run, strcspn(run, "\"")));
		strlist_take(digests, xstrndup(q, strcspn(q, "\"")));
	}
}

/* A page of chapter @p c must show exactly its runs, each with its record's digest. */
static void check_page(const char *path, const struct book *b, const struct chapter *c,
		       const struct run_record *recs, struct diag *d)
{
	struct buf html = {0};
	struct strlist runs = {0}, digests = {0};

	if (read_file(path, &html) < 0) {
		diag_error(d, c->path, 0, 0, "cannot read its page %s: %s (make renders it)", path,
			   strerror(errno));
		return;
	}
	page_digests(html.data ? html.data : "", &runs, &digests);
	for (size_t i = 0; i < b->nruns; i++) {
		const struct run *r = &b->runs[i];
		size_t seen = 0;

		if (r->chapter != c)
			continue;
		for (size_t k = 0; k < runs.len; k++) {
			if (strcmp(runs.items[k], r->id))
				continue;
			seen++;
			if (recs[i].id && strcmp(digests.items[k], recs[i].digest))
				diag_error(d, c->path, r->spec.command_line, 0,
					   "%s shows an output of run %s that is not its current one (%.12s, not %.12s)",
					   path, r->id, digests.items[k], recs[i].digest);
		}
		if (seen != 1)
			diag_error(d, c->path, r->spec.command_line, 0, "%s shows run %s %zu times, not once",
				   path, r->id, seen);
	}
	for (size_t k = 0; k < runs.len; k++) {
		size_t i;

		if (!strmap_get(&b->run_ids, runs.items[k], &i) || b->runs[i].chapter != c)
			diag_error(d, c->path, 0, 0, "%s shows an output of run %s, which this chapter does not have",
				   path, runs.items[k]);
	}
	strlist_free(&runs);
	strlist_free(&digests);
	buf_free(&html);
}

/* The digits of @p rec's digest that the book shows, into @p s. */
static void short_digest(const struct run_record *rec, char s[RUN_RECORD_SHORT + 1])
{
	memcpy(s, rec->digest, RUN_RECORD_SHORT);
	s[RUN_RECORD_SHORT] = '\0';
}

/*
 * A PDF's text (@p spec: FILE, the whole book, or FILE:SLUG, one chapter)
 * must hold the first digits of the digest of every run it should show, and
 * no "output" digits that are not one of them.
 */
static void check_pdf_text(const char *spec, const struct book *b, const struct run_record *recs,
			   struct diag *d)
{
	const char *colon = strrchr(spec, ':');
	char *path = colon ? xstrndup(spec, (size_t)(colon - spec)) : xstrdup(spec);
	const char *slug = colon ? colon + 1 : NULL;
	struct buf text = {0};
	struct strlist shown = {0};

	if (read_file(path, &text) < 0 || !text.data) {
		diag_error(d, path, 0, 0, "cannot read the PDF's text: %s", strerror(errno));
		free(path);
		return;
	}
	/* "output 0123456789ab": the label and the digits, maybe on two lines. */
	for (const char *p = text.data; (p = strstr(p, "output")); p++) {
		const char *q = p + 6;
		size_t n;

		while (*q == ' ' || *q == '\n')
			q++;
		n = strspn(q, "0123456789abcdef");
		if (n == RUN_RECORD_SHORT && !isalnum((unsigned char)q[n]))
			strlist_take(&shown, xstrndup(q, n));
	}
	for (size_t i = 0; i < b->nruns; i++) {
		char s[RUN_RECORD_SHORT + 1];

		if (!recs[i].id || (slug && strcmp(b->runs[i].chapter->slug, slug)))
			continue;
		short_digest(&recs[i], s);
		if (!strlist_has(&shown, s))
			diag_error(d, b->runs[i].chapter->path, b->runs[i].spec.command_line, 0,
				   "%s does not show the current output of run %s (%s)", path, b->runs[i].id, s);
	}
	for (size_t k = 0; k < shown.len; k++) {
		bool known = false;

		for (size_t i = 0; i < b->nruns && !known; i++)
			known = recs[i].id && (!slug || !strcmp(b->runs[i].chapter->slug, slug)) &&
				!strncmp(recs[i].digest, shown.items[k], RUN_RECORD_SHORT);
		if (!known)
			diag_error(d, path, 0, 0, "shows output %s, which is no current run's here: a stale page",
				   shown.items[k]);
	}
	strlist_free(&shown);
	buf_free(&text);
	free(path);
}

/* Each figure must name its run and the digest of that run's record. */
static void check_figures(const struct book *b, const struct run_record *recs, const char *html,
			  struct diag *d)
{
	for (size_t i = 0; i < b->nplots; i++) {
		const struct plot *p = &b->plots[i];
		char *svg = xasprintf("%s/figures/%s.svg", html, p->id);
		struct buf text = {0};
		size_t r;
		char *want;

		r = (size_t)(p->run - b->runs);
		want = xasprintf("output of run %s, digest %s", p->run->id, recs[r].id ? recs[r].digest : "?");
		if (read_file(svg, &text) < 0)
			diag_error(d, p->chapter->path, p->block->line, 0, "cannot read figure %s: %s", svg,
				   strerror(errno));
		else if (!text.data || !strstr(text.data, want))
			diag_error(d, p->chapter->path, p->block->line, 0,
				   "figure %s was not drawn from the current output of run %s", svg, p->run->id);
		buf_free(&text);
		free(want);
		free(svg);
	}
}

/* The build graph's runs (its manifest) must be the book's. */
static void check_manifest(const struct book *b, const char *gen, struct diag *d)
{
	char *path = xasprintf("%s/manifest.cmake", gen);
	struct buf text = {0};
	struct manifest m;
	int bad;

	if (read_file(path, &text) < 0 || manifest_parse(&m, text.data ? text.data : "", &bad) < 0) {
		diag_error(d, path, bad, 0, "cannot read the build's manifest");
	} else {
		struct strmap ids = {0};

		for (size_t i = 0; i < m.nruns; i++) {
			strmap_put(&ids, m.runs[i].id, i, NULL);
			if (!strmap_get(&b->run_ids, m.runs[i].id, NULL))
				diag_error(d, path, 0, 0, "the build graph has run %s, which the book no longer has: the build is stale (make)",
					   m.runs[i].id);
		}
		for (size_t i = 0; i < b->nruns; i++)
			if (!strmap_get(&ids, b->runs[i].id, NULL))
				diag_error(d, b->runs[i].chapter->path, b->runs[i].spec.command_line, 0,
					   "the build graph has no run %s: the build is stale (make)", b->runs[i].id);
		strmap_free(&ids);
	}
	manifest_free(&m);
	buf_free(&text);
	free(path);
}

int main(int argc, char **argv)
{
	struct options o = {0};
	struct strlist chapters = {0}, files = {0};
	struct diag d;
	struct book b;
	struct tangle_result t;
	struct run_record *recs;
	int checked = 0;

	o.root = ".";
	for (int i = 1; i < argc; i++) {
		const char **slot = NULL;

		if (i + 1 == argc)
			usage();
		if (!strcmp(argv[i], "--pdf-text")) {
			strlist_add(&o.pdf_texts, argv[++i]);
			continue;
		}
		if (!strcmp(argv[i], "--book"))
			slot = &o.book;
		else if (!strcmp(argv[i], "--gen"))
			slot = &o.gen;
		else if (!strcmp(argv[i], "--out"))
			slot = &o.out;
		else if (!strcmp(argv[i], "--bindir"))
			slot = &o.bindir;
		else if (!strcmp(argv[i], "--html"))
			slot = &o.html;
		else if (!strcmp(argv[i], "--root"))
			slot = &o.root;
		else
			usage();
		*slot = argv[++i];
	}
	if (!o.book || !o.gen || !o.out || !o.bindir || !o.html)
		usage();
	list_files(o.book, &files);
	for (size_t i = 0; i < files.len; i++)
		if (strlen(files.items[i]) > 5 && files.items[i][2] == '-' && ends_with(files.items[i], ".md") &&
		    !strchr(files.items[i], '/') && files.items[i][0] >= '0' && files.items[i][0] <= '9')
			strlist_take(&chapters, xasprintf("%s/%s", o.book, files.items[i]));
	strlist_free(&files);
	diag_init(&d, stderr);
	if (book_load(&b, chapters.items, chapters.len, BOOK_WHOLE, &d) < 0) {
		fprintf(stderr, "provenance: the book does not load; make says why\n");
		return 1;
	}
	tangle_book(&b, NULL, &t);
	check_manifest(&b, o.gen, &d);
	recs = xcalloc(b.nruns + 1, sizeof(*recs));
	for (size_t i = 0; i < b.nruns; i++) {
		const struct run *r = &b.runs[i];
		const struct output *spec = run_file_of(&t, r);
		struct run_file f;
		struct buf output = {0};
		char *why;

		if (run_record_load(o.out, r->id, &recs[i], &output, &why) < 0) {
			diag_error(&d, r->chapter->path, r->spec.command_line, 0,
				   "run %s has no output the book can show: %s", r->id, why);
			free(why);
		} else if (!spec || run_file_parse(spec->data.data ? spec->data.data : "", spec->data.len, &f) < 0) {
			diag_error(&d, r->chapter->path, r->spec.command_line, 0, "run %s has no run file", r->id);
		} else {
			check_record(r, &recs[i], &f, &o, &d);
			run_file_free(&f);
			checked++;
		}
		buf_free(&output);
	}
	for (size_t ci = 0; ci < b.nchapters; ci++) {
		char *page = xasprintf("%s/%s.html", o.html, b.chapters[ci].slug);
		char *print = xasprintf("%s/%s.print.html", o.html, b.chapters[ci].slug);

		check_page(page, &b, &b.chapters[ci], recs, &d);
		check_page(print, &b, &b.chapters[ci], recs, &d);
		free(page);
		free(print);
	}
	for (size_t i = 0; i < o.pdf_texts.len; i++)
		check_pdf_text(o.pdf_texts.items[i], &b, recs, &d);
	check_figures(&b, recs, o.html, &d);
	if (!d.errors)
		printf("provenance: %d outputs of %zu chapters, %zu figures and %zu PDF texts are of the current code\n",
		       checked, b.nchapters, b.nplots, o.pdf_texts.len);
	else
		fprintf(stderr, "provenance: %d finding%s: the book shows something the current code did not produce\n",
			d.errors, d.errors == 1 ? "" : "s");
	for (size_t i = 0; i < b.nruns; i++)
		run_record_free(&recs[i]);
	free(recs);
	tangle_result_free(&t);
	book_free(&b);
	strlist_free(&chapters);
	strlist_free(&o.pdf_texts);
	return d.errors ? 1 : 0;
}
