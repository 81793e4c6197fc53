/*
 * provenance - prove that every output the book shows is of the current code.
 *
 *   provenance --book DIR --gen DIR --out DIR --bindir DIR --html DIR
 *              [--pdf-text FILE.txt[:SLUG]]... [--epub DIR] [--root DIR]
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
 *   - every inline value and claim of the prose (quote.h) is on its page and
 *     print page, in order, with the ids and current digests of the runs it
 *     reads, the state the current records give it (a claim held, noted,
 *     not checked) and, for a value, the text they give; and every PDF text
 *     of its chapter lists it ("Measured for this copy") with the same;
 *   - every PDF text given (pdftotext of book.pdf; with :SLUG, of that
 *     chapter's PDF) holds the first digits of the digest of each of its
 *     runs, and no other digits labelled "output";
 *   - each figure (--html/figures/ID.svg) was drawn from its run's current
 *     output (plot writes the digest into the SVG);
 *   - with --epub DIR (the unpacked EPUB), its n-th chapter (EPUB/text/
 *     ch00n.xhtml, pandoc's split at the chapters) shows the n-th
 *     chapter's outputs, values and claims as its page must, and its
 *     figures (EPUB/media/) are the current ones.
 *
 * The build graph is checked too: its manifest (--gen/manifest.cmake) must
 * name the runs the book has. Each finding is an error at the run's chapter
 * line; exit 1 when there is one, 0 when every output was proved current.
 */
#include <ctype.h>
#include <stddef.h>
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
	const char *book, *gen, *out, *bindir, *html, *root, *epub;
	struct strlist pdf_texts;
};

static void usage(void)
{
	fputs("usage: provenance --book DIR --gen DIR --out DIR --bindir DIR --html DIR\n"
	      "                  [--pdf-text FILE.txt[:SLUG]]... [--epub DIR] [--root DIR]\n", stderr);
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

/* The value of attribute @p name of the tag [@p tag, @p end), or NULL. */
static char *tag_attr(const char *tag, const char *end, const char *name)
{
	size_t n = strlen(name);

	for (const char *p = tag; p && p < end; p = strchr(p + 1, '=')) {
		if (p - tag < (ptrdiff_t)n + 1 || *p != '=' || p[1] != '"' || memcmp(p - n, name, n) ||
		    !isspace((unsigned char)p[-(ptrdiff_t)n - 1]))
			continue;
		return xstrndup(p + 2, strcspn(p + 2, "\""));
	}
	return NULL;
}

/* Is @p word one of the blank-separated words of @p list? */
static bool has_word(const char *list, const char *word)
{
	size_t n = strlen(word);

	for (const char *p = list; (p = strstr(p, word)); p += n)
		if ((p == list || p[-1] == ' ') && (p[n] == ' ' || !p[n]))
			return true;
	return false;
}

/*
 * The (run, digest) pairs a page shows: every element with class "digest"
 * carries data-run and data-digest (weave.c). Pandoc may wrap a tag's
 * attributes over lines; they are read within the tag.
 */
static void page_digests(const char *html, struct strlist *runs, struct strlist *digests)
{
	for (const char *p = html; (p = strstr(p, "data-digest=\"")); p++) {
		const char *tag = p, *end = strchr(p, '>');
		char *run, *digest, *cls;

		while (tag > html && *tag != '<')
			tag--;
		if (!end)
			continue;
		run = tag_attr(tag, end, "data-run");
		digest = tag_attr(tag, end, "data-digest");
		cls = tag_attr(tag, end, "class");
		/* An output's digest; inline values carry data-state as well (page_quotes()). */
		if (run && digest && cls && has_word(cls, "digest")) {
			strlist_take(runs, run);
			strlist_take(digests, digest);
			run = digest = NULL;
		}
		free(run);
		free(digest);
		free(cls);
	}
}

static void check_page_quotes(const char *path, const char *html, const struct book *b,
			      const struct chapter *c, const struct run_record *recs, struct diag *d);

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
	check_page_quotes(path, html.data ? html.data : "", b, c, recs, d);
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

static const char *const state_names[] = {
	[QUOTE_SHOWN] = "shown", [QUOTE_HELD] = "held", [QUOTE_NOTED] = "noted",
	[QUOTE_UNMEASURED] = "unmeasured", [QUOTE_FAILED] = "failed",
};

/*
 * What quote @p q must show with the current records @p recs: its state,
 * @p text, and the ids and digests of its runs, in order of first use.
 */
static enum quote_state expected_quote(const struct book *b, const struct quote *q,
				       const struct run_record *recs, struct strlist *ids,
				       struct strlist *digests, struct buf *text)
{
	struct expr_values values = {0};
	enum quote_state state;

	for (size_t k = 0; k < q->names.len; k++) {
		size_t r = (size_t)(q->runs[k] - b->runs);
		const char *v;

		if (!strlist_has(ids, q->runs[k]->id)) {
			strlist_add(ids, q->runs[k]->id);
			strlist_add(digests, recs[r].id ? recs[r].digest : "?");
		}
		if (recs[r].id && !recs[r].skipped &&
		    (v = expr_values_get(&recs[r].values, q->value_names.items[k])))
			expr_values_set(&values, q->names.items[k], v);
	}
	state = quote_evaluate(q, &values, text);
	expr_values_free(&values);
	return state;
}

/* An inline value or claim as a page shows it. */
struct shown_quote {
	char *runs, *digests, *state, *text, *href;
};

/*
 * Decode the few entities pandoc writes in text (&amp; &lt; &gt; &quot; &#39;),
 * with each run of blanks and newlines one blank, as pandoc wraps lines.
 */
static char *html_text(const char *s, size_t len)
{
	static const struct { const char *entity, *ch; } entities[] = {
		{"&amp;", "&"}, {"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}, {"&#39;", "'"},
	};
	struct buf b = {0};

	for (size_t i = 0; i < len;) {
		size_t k, n = sizeof(entities) / sizeof(entities[0]);

		for (k = 0; k < n; k++)
			if (!strncmp(s + i, entities[k].entity, strlen(entities[k].entity)))
				break;
		if (k < n) {
			buf_puts(&b, entities[k].ch);
			i += strlen(entities[k].entity);
		} else if (isspace((unsigned char)s[i])) {
			if (b.len && b.data[b.len - 1] != ' ')
				buf_putc(&b, ' ');
			i++;
		} else {
			buf_putc(&b, s[i++]);
		}
	}
	return b.data ? buf_detach(&b) : xstrdup("");
}

/* Every element of @p html with a data-state (weave.c's quotes), in order. */
static size_t page_quotes(const char *html, struct shown_quote **out)
{
	size_t n = 0;

	*out = NULL;
	for (const char *p = html; (p = strstr(p, "data-state=\"")); p++) {
		const char *tag = p, *end = strchr(p, '>'), *close;
		struct shown_quote q;

		while (tag > html && *tag != '<')
			tag--;
		if (!end)
			break;
		close = strstr(end, "</");
		q.runs = tag_attr(tag, end, "data-run");
		q.digests = tag_attr(tag, end, "data-digest");
		q.state = tag_attr(tag, end, "data-state");
		q.href = tag_attr(tag, end, "href");
		q.text = html_text(end + 1, close ? (size_t)(close - end - 1) : 0);
		*out = xrealloc(*out, (n + 1) * sizeof(**out));
		(*out)[n++] = q;
	}
	return n;
}

/*
 * Does the link @p href lead to run @p id: "#run-ID", "PAGE.html#run-ID", or
 * with the print page's prefix, "#ch01-run-ID", or to another chapter's
 * print page, "book:ch01-run-ID" (weave.h)?
 */
static bool has_suffix_run(const char *href, const char *id)
{
	const char *hash = starts_with(href, "book:") ? href + 4 : strrchr(href, '#');
	char *want = xasprintf("run-%s", id);
	size_t n = hash ? strlen(hash + 1) : 0, w = strlen(want);
	bool ok = hash && n >= w && !strcmp(hash + 1 + n - w, want) && (n == w || hash[n - w] == '-');

	free(want);
	return ok;
}

/* Join @p l with blanks into a new string. */
static char *joined(const struct strlist *l)
{
	struct buf b = {0};

	for (size_t i = 0; i < l->len; i++)
		buf_printf(&b, "%s%s", i ? " " : "", l->items[i]);
	return b.data ? buf_detach(&b) : xstrdup("");
}

/* The page @p path of chapter @p c must show each of its quotes, in order, as the records give it. */
static void check_page_quotes(const char *path, const char *html, const struct book *b,
			      const struct chapter *c, const struct run_record *recs, struct diag *d)
{
	struct shown_quote *shown;
	size_t nshown = page_quotes(html, &shown), k = 0;

	for (size_t i = 0; i < b->nquotes; i++) {
		const struct quote *q = &b->quotes[i];
		struct strlist ids = {0}, digests = {0};
		struct buf text = {0};
		enum quote_state state;
		char *want_runs, *want_digests;

		if (q->chapter != c)
			continue;
		state = expected_quote(b, q, recs, &ids, &digests, &text);
		want_runs = joined(&ids);
		want_digests = joined(&digests);
		if (k >= nshown) {
			diag_error(d, c->path, q->line, q->col, "%s does not show the %s '%s'", path,
				   q->kind == QUOTE_VALUE ? "value" : "claim", q->text);
		} else if (!shown[k].runs || strcmp(shown[k].runs, want_runs)) {
			diag_error(d, c->path, q->line, q->col, "%s shows the %s '%s' from run %s, not %s", path,
				   q->kind == QUOTE_VALUE ? "value" : "claim", q->text,
				   shown[k].runs ? shown[k].runs : "(none)", want_runs);
		} else if (!shown[k].digests || strcmp(shown[k].digests, want_digests)) {
			diag_error(d, c->path, q->line, q->col,
				   "%s shows the %s '%s' of another output of run %s than its current one (%.12s, not %.12s)",
				   path, q->kind == QUOTE_VALUE ? "value" : "claim", q->text, want_runs,
				   shown[k].digests ? shown[k].digests : "", want_digests);
		} else if (!shown[k].state || strcmp(shown[k].state, state_names[state])) {
			diag_error(d, c->path, q->line, q->col, "%s shows the %s '%s' as %s; its runs say %s", path,
				   q->kind == QUOTE_VALUE ? "value" : "claim", q->text,
				   shown[k].state ? shown[k].state : "(none)", state_names[state]);
		} else if ((state == QUOTE_SHOWN || state == QUOTE_HELD) &&
			   !(shown[k].href && has_suffix_run(shown[k].href, ids.items[0]))) {
			diag_error(d, c->path, q->line, q->col, "%s shows the %s '%s' without its link to run %s",
				   path, q->kind == QUOTE_VALUE ? "value" : "claim", q->text, ids.items[0]);
		} else if (state == QUOTE_SHOWN) {
			char *want = html_text(text.data ? text.data : "", text.len);

			if (strcmp(shown[k].text, want))
				diag_error(d, c->path, q->line, q->col,
					   "%s shows '%s' for the value '%s'; its run says '%s'", path, shown[k].text,
					   q->text, want);
			free(want);
		}
		k++;
		free(want_runs);
		free(want_digests);
		strlist_free(&ids);
		strlist_free(&digests);
		buf_free(&text);
	}
	if (k < nshown)
		diag_error(d, c->path, 0, 0, "%s shows %zu inline values and claims; the chapter has %zu", path,
			   nshown, k);
	for (size_t i = 0; i < nshown; i++) {
		free(shown[i].runs);
		free(shown[i].digests);
		free(shown[i].state);
		free(shown[i].text);
		free(shown[i].href);
	}
	free(shown);
}

/* The digits of @p rec's digest that the book shows, into @p s. */
static void short_digest(const struct run_record *rec, char s[RUN_RECORD_SHORT + 1])
{
	memcpy(s, rec->digest, RUN_RECORD_SHORT);
	s[RUN_RECORD_SHORT] = '\0';
}

/* @p s without its blanks and newlines: how a PDF's text is compared. */
static char *squeezed(const char *s)
{
	struct buf b = {0};

	for (; *s; s++)
		if (!isspace((unsigned char)*s))
			buf_putc(&b, *s);
	return b.data ? buf_detach(&b) : xstrdup("");
}

/* The line the chapter's printed list gives quote @p q (weave.c), squeezed. */
static char *quote_entry(const struct book *b, const struct quote *q, const struct run_record *recs)
{
	struct strlist ids = {0}, digests = {0};
	struct buf text = {0}, e = {0};
	enum quote_state state = expected_quote(b, q, recs, &ids, &digests, &text);
	char *s;

	if (q->kind == QUOTE_VALUE)
		buf_printf(&e, "%s is %s", state == QUOTE_SHOWN ? text.data : "not measured here", q->text);
	else
		buf_printf(&e, "%s %s %s", state == QUOTE_HELD ? "✓" : state == QUOTE_NOTED ? "✗" : "?", q->text,
			   state == QUOTE_HELD ? "holds" : state == QUOTE_NOTED ? "does not hold" : "was not checked");
	buf_printf(&e, " (line %d): ", q->line);
	for (size_t i = 0; i < ids.len; i++)
		buf_printf(&e, "%srun %s, output %.12s", i ? "; " : "", ids.items[i], digests.items[i]);
	s = squeezed(e.data);
	strlist_free(&ids);
	strlist_free(&digests);
	buf_free(&text);
	buf_free(&e);
	return s;
}

/* Does chapter @p slug show run @p r's output, or quote one of its values? */
static bool shown_in(const struct book *b, const struct run *r, const char *slug)
{
	if (!slug || !strcmp(r->chapter->slug, slug))
		return true;
	for (size_t i = 0; i < b->nquotes; i++)
		for (size_t k = 0; !strcmp(b->quotes[i].chapter->slug, slug) && k < b->quotes[i].names.len; k++)
			if (b->quotes[i].runs[k] == r)
				return true;
	return false;
}

/*
 * A PDF's text (@p spec: FILE, the whole book, or FILE:SLUG, one chapter)
 * must hold the first digits of the digest of every run it should show,
 * the entry of every value and claim its chapters quote, and no "output"
 * digits that are not one of them.
 */
static void check_pdf_text(const char *spec, const struct book *b, const struct run_record *recs,
			   struct diag *d)
{
	const char *colon = strrchr(spec, ':');
	char *path = colon ? xstrndup(spec, (size_t)(colon - spec)) : xstrdup(spec);
	const char *slug = colon ? colon + 1 : NULL;
	struct buf text = {0};
	struct strlist shown = {0};
	char *flat;

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
			known = recs[i].id && shown_in(b, &b->runs[i], slug) &&
				!strncmp(recs[i].digest, shown.items[k], RUN_RECORD_SHORT);
		if (!known)
			diag_error(d, path, 0, 0, "shows output %s, which is no current run's here: a stale page",
				   shown.items[k]);
	}
	flat = squeezed(text.data);
	for (size_t i = 0; i < b->nquotes; i++) {
		const struct quote *q = &b->quotes[i];
		char *entry;

		if (slug && strcmp(q->chapter->slug, slug))
			continue;
		entry = quote_entry(b, q, recs);
		if (!strstr(flat, entry))
			diag_error(d, q->chapter->path, q->line, q->col,
				   "%s does not list the %s '%s' as its current runs give it", path,
				   q->kind == QUOTE_VALUE ? "value" : "claim", q->text);
		free(entry);
	}
	free(flat);
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

/* Each figure of the EPUB (pandoc renames them: @p media/fileN.svg) must be a current one. */
static void check_epub_figures(const struct book *b, const struct run_record *recs, const char *media,
			       struct diag *d)
{
	struct strlist files = {0};
	struct buf all = {0};

	list_files(media, &files);
	for (size_t i = 0; i < files.len; i++) {
		char *path = xasprintf("%s/%s", media, files.items[i]);
		struct buf text = {0};

		if (ends_with(path, ".svg") && read_file(path, &text) == 0 && text.data)
			buf_add(&all, text.data, text.len);
		buf_free(&text);
		free(path);
	}
	buf_putc(&all, '\0');
	for (size_t i = 0; i < b->nplots; i++) {
		const struct plot *p = &b->plots[i];
		size_t r = (size_t)(p->run - b->runs);
		char *want = xasprintf("output of run %s, digest %s", p->run->id, recs[r].id ? recs[r].digest : "?");

		if (!strstr(all.data, want))
			diag_error(d, p->chapter->path, p->block->line, 0,
				   "the EPUB (%s) has no figure drawn from the current output of run %s", media, p->run->id);
		free(want);
	}
	strlist_free(&files);
	buf_free(&all);
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
		else if (!strcmp(argv[i], "--epub"))
			slot = &o.epub;
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
	for (size_t ci = 0; o.epub && ci < b.nchapters; ci++) {
		/* pandoc splits the EPUB at the chapters: ch001.xhtml is the first. */
		char *page = xasprintf("%s/EPUB/text/ch%03zu.xhtml", o.epub, ci + 1);

		check_page(page, &b, &b.chapters[ci], recs, &d);
		free(page);
	}
	if (o.epub) {
		char *media = xasprintf("%s/EPUB/media", o.epub);

		check_epub_figures(&b, recs, media, &d);
		free(media);
	}
	for (size_t i = 0; i < o.pdf_texts.len; i++)
		check_pdf_text(o.pdf_texts.items[i], &b, recs, &d);
	check_figures(&b, recs, o.html, &d);
	if (!d.errors)
		printf("provenance: %d outputs of %zu chapters, %zu values and claims, %zu figures, %zu PDF texts "
		       "and %s are of the current code\n", checked, b.nchapters, b.nquotes, b.nplots, o.pdf_texts.len,
		       o.epub ? "the EPUB" : "no EPUB");
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
