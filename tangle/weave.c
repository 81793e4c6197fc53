/* weave.c - see weave.h. */
#include "weave.h"

#include <ctype.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

void md_escape(struct buf *b, const char *s)
{
	for (; *s; s++) {
		if (ispunct((unsigned char)*s) && *s != ',' && *s != '.' && *s != '-' &&
		    *s != '/' && *s != ':' && *s != ';' && *s != '?' && *s != '%')
			buf_putc(b, '\\');
		buf_putc(b, *s);
	}
}

/* An inline code span that holds s whatever backticks it contains. */
static void md_code(struct buf *b, const char *s)
{
	size_t longest = 0, run = 0, ticks;

	for (const char *p = s; *p; p++) {
		run = *p == '`' ? run + 1 : 0;
		if (run > longest)
			longest = run;
	}
	ticks = longest + 1;
	for (size_t i = 0; i < ticks; i++)
		buf_putc(b, '`');
	buf_puts(b, " ");
	buf_puts(b, s);
	buf_puts(b, " ");
	for (size_t i = 0; i < ticks; i++)
		buf_putc(b, '`');
}

/* A fence longer than any run of backticks in the lines it encloses. */
static size_t fence_for(const char *text, size_t len)
{
	size_t longest = 0, run = 0;

	for (size_t i = 0; i < len; i++) {
		run = text[i] == '`' ? run + 1 : 0;
		if (run > longest)
			longest = run;
	}
	return longest < 3 ? 3 : longest + 1;
}

static void put_fence(struct buf *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		buf_putc(b, '`');
}

/*
 * Append @p len bytes of @p text to @p b, with every line longer than
 * @p columns (a tab counts to the next multiple of 8, a character of
 * UTF-8 one column) broken into lines that fit, each part after the first
 * starting with WEAVE_WRAP_MARK, so that a reader sees where a line went
 * on. @p columns 0: as it is.
 */
static void put_lines(struct buf *b, const char *text, size_t len, unsigned columns)
{
	const unsigned char *s = (const unsigned char *)text;
	unsigned col = 0;

	if (!columns) {
		buf_add(b, text, len);
		return;
	}
	for (size_t i = 0; i < len;) {
		size_t n = s[i] < 0x80 ? 1 : utf8_sequence(s + i, len - i);
		unsigned width = s[i] == '\t' ? 8 - col % 8 : 1;

		if (!n)
			n = 1;
		if (s[i] == '\n') {
			col = 0;
		} else if (col + width > columns) {
			buf_putc(b, '\n');
			buf_puts(b, WEAVE_WRAP_MARK);
			col = 2;
			width = s[i] == '\t' ? 8 - col % 8 : 1;
			col += width;
		} else {
			col += width;
		}
		buf_add(b, s + i, n);
		i += n;
	}
}

/* The columns a line of code may take in @p links's book: the print page's, or any. */
static unsigned print_columns(const struct weave_links *links)
{
	return links->style == WEAVE_PRINT ? WEAVE_PRINT_COLUMNS : 0;
}

static void clean_text(struct buf *b, const char *text, size_t len)
{
	const unsigned char *s = (const unsigned char *)text;

	for (size_t i = 0; i < len;) {
		size_t n = utf8_sequence(s + i, len - i);

		if (n == 1 && s[i] < 0x20 && s[i] != '\n' && s[i] != '\t') {
			if (s[i] != '\r')
				buf_puts(b, "\xef\xbf\xbd");
			i++;
		} else if (n == 0) {
			buf_puts(b, "\xef\xbf\xbd");
			i++;
		} else {
			buf_add(b, s + i, n);
			i += n;
		}
	}
}

void sanitize_output(struct buf *b, const char *text, size_t len)
{
	size_t lines = 0, head_end = 0, tail_start = len, seen = 0;

	for (size_t i = 0; i < len; i++)
		if (text[i] == '\n')
			lines++;
	if (len && text[len - 1] != '\n')
		lines++;
	if (lines <= WEAVE_HEAD_LINES + WEAVE_TAIL_LINES + 5) {
		clean_text(b, text, len);
		return;
	}
	for (size_t i = 0; i < len && seen < WEAVE_HEAD_LINES; i++)
		if (text[i] == '\n') {
			seen++;
			head_end = i + 1;
		}
	seen = 0;
	for (size_t i = len; i > 0; i--) {
		if (text[i - 1] == '\n' && i != len && ++seen == WEAVE_TAIL_LINES) {
			tail_start = i;
			break;
		}
	}
	clean_text(b, text, head_end);
	buf_printf(b, "[... %zu lines not shown ...]\n", lines - WEAVE_HEAD_LINES - WEAVE_TAIL_LINES);
	clean_text(b, text + tail_start, len - tail_start);
}

char *doxygen_page(const char *path)
{
	struct buf b = {0};
	const char *base = strrchr(path, '/');

	for (const char *p = base ? base + 1 : path; *p; p++) {
		if (*p == '_')
			buf_puts(&b, "__");
		else if (*p == '/')
			buf_puts(&b, "_2");
		else if (*p == '.')
			buf_puts(&b, "_8");
		else
			buf_putc(&b, *p);
	}
	buf_puts(&b, ".html");
	return buf_detach(&b);
}

static void put_anchor_text(struct buf *b, const char *s)
{
	for (; *s; s++)
		buf_putc(b, isalnum((unsigned char)*s) || *s == '-' || *s == '_' ? *s : '-');
}

char *block_anchor(const struct chapter *c, const struct block *blk)
{
	struct buf b = {0};
	size_t part = 0;

	buf_printf(&b, "%s-", c->tag);
	if (blk->kind == BLOCK_ROOT) {
		buf_puts(&b, "file-");
		put_anchor_text(&b, blk->name);
		return buf_detach(&b);
	}
	put_anchor_text(&b, blk->name);
	for (size_t i = 0; i < c->nblocks && &c->blocks[i] != blk; i++)
		if (c->blocks[i].kind == BLOCK_CHUNK && !strcmp(c->blocks[i].name, blk->name))
			part++;
	if (part)
		buf_printf(&b, "-%zu", part + 1);
	return buf_detach(&b);
}

/* The chunks a block references, in order of first use, no repeats. */
static void references_of(const struct book *bk, const struct chapter *c,
			  const struct block *blk, const struct chunk **out, size_t *n)
{
	*n = 0;
	for (size_t i = 0; i < blk->nlines; i++) {
		const struct line *l = &blk->lines[i];
		const struct chunk *k;
		bool dup = false;

		if (!l->ref_len || !(k = book_chunk(bk, c, line_ref_name(l), l->ref_len)))
			continue;
		for (size_t j = 0; j < *n; j++)
			dup |= out[j] == k;
		if (!dup)
			out[(*n)++] = k;
	}
}

static void link_chunk(struct buf *md, const struct chapter *c, const struct chunk *k)
{
	char *anchor = block_anchor(c, k->parts[0]);

	buf_puts(md, "[⟨");
	md_escape(md, k->name);
	buf_printf(md, "⟩](#%s)", anchor);
	free(anchor);
}

static void link_block(struct buf *md, const struct chapter *c, const struct block *blk)
{
	char *anchor = block_anchor(c, blk);

	if (blk->kind == BLOCK_ROOT) {
		buf_puts(md, "[");
		md_escape(md, blk->name);
		buf_printf(md, "](#%s)", anchor);
	} else {
		buf_puts(md, "[⟨");
		md_escape(md, blk->name);
		buf_printf(md, "⟩](#%s)", anchor);
	}
	free(anchor);
}

/* Is @p blk the program of an exercise's solution (exercise.h)? */
static bool is_solution(const struct book *bk, const struct block *blk)
{
	for (size_t i = 0; i < bk->nexercises; i++)
		if (bk->exercises[i].solution < bk->nroots && bk->roots[bk->exercises[i].solution].block == blk)
			return true;
	return false;
}

static void weave_code(struct buf *md, const struct book *bk, const struct chapter *c,
		       const struct block *blk, const struct weave_links *links)
{
	char *anchor = block_anchor(c, blk);
	const struct chunk **refs = xcalloc(blk->nlines + 1, sizeof(*refs));
	size_t nrefs, fence, part = 0, nparts = 1;
	struct buf body = {0};
	const char *lang = blk->attrs->nclasses ? blk->attrs->classes[0] : "c";

	for (size_t i = 0; i < blk->nlines; i++) {
		buf_add(&body, blk->lines[i].text, blk->lines[i].len);
		buf_putc(&body, '\n');
	}
	buf_printf(md, "::: {.chunk-head #%s}\n", anchor);
	if (blk->kind == BLOCK_ROOT) {
		buf_puts(md, "[File]{.chunk-kind} [");
		md_escape(md, blk->name);
		buf_puts(md, "]{.chunk-name}");
		if (links->style != WEAVE_SCREEN) {
			/* No link into the build tree: the published book's, or the path as text. */
			buf_printf(md, " · [snippets/");
			md_escape(md, blk->name);
			if (links->base_url)
				buf_printf(md, "](%s/snippets/%s){.snippet-link}", links->base_url, blk->name);
			else
				buf_puts(md, "]{.snippet-path}");
		} else if (links->snippets_url) {
			buf_printf(md, " · [snippets/");
			md_escape(md, blk->name);
			buf_printf(md, "](%s/%s){.snippet-link}", links->snippets_url, blk->name);
		}
		/*
		 * The reference documents C sources and headers only, and neither
		 * an exercise's starting file nor its solution (exercise.h).
		 */
		if ((ends_with(blk->name, ".c") || ends_with(blk->name, ".h")) &&
		    !starts_with(blk->name, "exercises/") && !is_solution(bk, blk) &&
		    (links->style == WEAVE_SCREEN ? links->reference_url != NULL : links->base_url != NULL)) {
			char *page = doxygen_page(blk->name);

			if (links->style == WEAVE_SCREEN)
				buf_printf(md, " · [reference](%s/%s){.reference-link}", links->reference_url, page);
			else
				buf_printf(md, " · [reference](%s/docs/programs/html/%s){.reference-link}", links->base_url,
					   page);
			free(page);
		}
	} else {
		const struct chunk *k = book_chunk(bk, c, blk->name, strlen(blk->name));

		nparts = k->nparts;
		for (size_t p = 0; p < k->nparts; p++)
			if (k->parts[p] == blk)
				part = p;
		buf_puts(md, "[Chunk]{.chunk-kind} [⟨");
		md_escape(md, blk->name);
		buf_printf(md, "⟩ %s]{.chunk-name}", part ? "+≡" : "≡");
		if (nparts > 1)
			buf_printf(md, " [part %zu of %zu]{.chunk-part}", part + 1, nparts);
		/* Used in: every block of the chapter that references this chunk. */
		for (size_t i = 0, used = 0; i < c->nblocks; i++) {
			const struct block *user = &c->blocks[i];
			const struct chunk **ur;
			size_t nur;

			if (user->kind != BLOCK_ROOT && user->kind != BLOCK_CHUNK)
				continue;
			ur = xcalloc(user->nlines + 1, sizeof(*ur));
			references_of(bk, c, user, ur, &nur);
			for (size_t j = 0; j < nur; j++) {
				if (ur[j] != k)
					continue;
				buf_puts(md, used++ ? ", " : " · used in ");
				link_block(md, c, user);
			}
			free(ur);
		}
	}
	buf_puts(md, "\n:::\n\n");
	fence = fence_for(body.data ? body.data : "", body.len);
	put_fence(md, fence);
	buf_printf(md, "{.%s .literate}\n", lang);
	put_lines(md, body.data ? body.data : "", body.len, print_columns(links));
	put_fence(md, fence);
	buf_puts(md, "\n");
	references_of(bk, c, blk, refs, &nrefs);
	if (nrefs) {
		buf_puts(md, "\n::: {.chunk-uses}\nUses ");
		for (size_t i = 0; i < nrefs; i++) {
			if (i)
				buf_puts(md, ", ");
			link_chunk(md, c, refs[i]);
		}
		buf_puts(md, ".\n:::\n");
	}
	free(refs);
	free(anchor);
	buf_free(&body);
}

/* "1.5 MiB", "512 bytes": a size for a sentence. */
static void put_size(struct buf *md, size_t bytes)
{
	if (bytes >= 1024 * 1024)
		buf_printf(md, "%.1f MiB", (double)bytes / (1024.0 * 1024.0));
	else if (bytes >= 1024)
		buf_printf(md, "%.1f KiB", (double)bytes / 1024.0);
	else
		buf_printf(md, "%zu byte%s", bytes, bytes == 1 ? "" : "s");
}

/* The first @p n bytes of @p needle in [p, end), or NULL (memmem is GNU's). */
static const char *find(const char *p, const char *end, const char *needle, size_t n)
{
	while ((size_t)(end - p) >= n && (p = memchr(p, needle[0], (size_t)(end - p - (ptrdiff_t)n) + 1))) {
		if (!memcmp(p, needle, n))
			return p;
		p++;
	}
	return NULL;
}

/* @p text with every "@p root/" removed, into @p out. */
static void relative_paths(struct buf *out, const char *text, size_t len, const char *root)
{
	char *prefix = xasprintf("%s/", root);
	size_t n = strlen(prefix);
	const char *p = text, *end = text + len, *hit;

	while ((hit = find(p, end, prefix, n))) {
		buf_add(out, p, (size_t)(hit - p));
		p = hit + n;
	}
	buf_add(out, p, (size_t)(end - p));
	free(prefix);
}

static void weave_run(struct buf *md, const struct run *r, const struct capture_file *cf,
		      const struct weave_links *links)
{
	const struct run_record *rec = &cf->rec;
	struct buf out = {0};
	size_t fence;
	const char *date = rec->date ? rec->date : "";
	char *day;

	buf_printf(md, "::: {.run #run-%s}\n", r->id);
	fence = fence_for(r->spec.command, strlen(r->spec.command));
	put_fence(md, fence);
	buf_puts(md, "{.console .command}\n");
	{
		char *line = xasprintf("$ %s\n", r->spec.command);

		put_lines(md, line, strlen(line), print_columns(links));
		free(line);
	}
	put_fence(md, fence);
	buf_puts(md, "\n\n");

	if (links->root) {
		struct buf shown = {0};

		relative_paths(&shown, cf->text.data ? cf->text.data : "", cf->text.len, links->root);
		sanitize_output(&out, shown.data ? shown.data : "", shown.len);
		buf_free(&shown);
	} else {
		sanitize_output(&out, cf->text.data ? cf->text.data : "", cf->text.len);
	}
	if (out.len == 0 && !rec->dropped_bytes)
		buf_puts(&out, "(no output)\n");
	else if (out.len && out.data[out.len - 1] != '\n')
		buf_putc(&out, '\n');
	if (rec->dropped_bytes) {
		buf_puts(&out, "[... the capture ends here: ");
		put_size(&out, rec->dropped_bytes);
		buf_puts(&out, " more output was written and dropped ...]\n");
	}
	fence = fence_for(out.data, out.len);
	put_fence(md, fence);
	buf_puts(md, "{.output}\n");
	/* An output is read, not copied: on screen too it fits the column of a desktop. */
	put_lines(md, out.data, out.len, links->style == WEAVE_SCREEN ? WEAVE_SCREEN_COLUMNS : print_columns(links));
	put_fence(md, fence);
	buf_puts(md, "\n\n::: {.provenance}\n");
	if (rec->skipped)
		buf_printf(md, "[not run on this machine: the command exited %d, which says it cannot run here]{.status .skipped}", rec->exit_status);
	else if (rec->went_quiet)
		buf_printf(md, "[hung: nothing more for %gs, then stopped, as this run is meant to be]{.status .expected-hang}", rec->quiet);
	else if (rec->timed_out)
		buf_printf(md, "[stopped at its %gs timeout]{.status}", rec->timeout);
	else if (rec->signal)
		buf_printf(md, "[killed by %s]{.status}", rec->signal);
	else
		buf_printf(md, "[exit %d]{.status}", rec->exit_status);
	buf_printf(md, " · %.2f s", rec->wall);
	if (rec->is_volatile)
		buf_puts(md, " · [timings vary from run to run]{.volatile}");
	if (rec->dropped_bytes) {
		buf_puts(md, " · [output cut after ");
		put_size(md, rec->output_bytes - rec->dropped_bytes);
		buf_puts(md, " of ");
		put_size(md, rec->output_bytes);
		buf_puts(md, "]{.status .cut}");
	}
	day = xstrndup(date, strlen(date) >= 10 ? 10 : strlen(date));
	buf_puts(md, " · ran ");
	md_escape(md, day);
	free(day);
	buf_printf(md, " on %ld cores, ", rec->cores);
	md_escape(md, rec->cpu ? rec->cpu : "");
	buf_puts(md, ", ");
	md_escape(md, rec->kernel ? rec->kernel : "");
	buf_puts(md, ", ");
	md_escape(md, rec->compiler ? rec->compiler : "");
	/* The digest's first digits identify this output; the provenance test looks for them. */
	buf_printf(md, " · output [%.*s]{.digest data-run=\"%s\" data-digest=\"%s\" "
		   "title=\"the first digits of the digest of this run's record, build/out/%s.json\"}",
		   RUN_RECORD_SHORT, rec->digest, r->id, rec->digest, r->id);
	if (links->outputs_url)
		buf_printf(md, "[ ([raw](%s/%s.txt))]{.raw-link}", links->outputs_url, r->id);
	for (size_t i = 0; !rec->skipped && i < r->spec.nexpects; i++) {
		const struct expect *e = &r->spec.expects[i];
		struct buf why = {0};

		if (e->kind == EXPECT_CLAIM && e->note && expect_claim_holds(e, &rec->values, &why) == 0) {
			buf_puts(md, "\\\n[On this machine: ");
			md_escape(md, why.data);
			buf_puts(md, ".]{.claim .noted}");
		}
		buf_free(&why);
	}
	if (rec->skipped && r->spec.nexpects) {
		buf_puts(md, "\\\nNot checked: this run was skipped where the book was built.");
	} else if (r->spec.nexpects) {
		size_t shown = 0, values = 0;

		/* The checks; the value rows are named together after them, as what the prose quotes. */
		for (size_t i = 0; i < r->spec.nexpects; i++) {
			char *text;

			if (r->spec.expects[i].kind == EXPECT_VALUE)
				continue;
			buf_puts(md, shown++ ? "; " : "\\\nChecked by the build: ");
			text = expect_describe(&r->spec.expects[i]);
			md_code(md, text);
			free(text);
		}
		if (shown)
			buf_puts(md, ".");
		for (size_t i = 0; i < r->spec.nexpects; i++) {
			if (r->spec.expects[i].kind != EXPECT_VALUE)
				continue;
			buf_puts(md, values++ ? ", " : shown ? " Values read from the output: " :
				 "\\\nValues read from the output: ");
			md_code(md, r->spec.expects[i].name);
		}
		if (values)
			buf_puts(md, ".");
	}
	buf_puts(md, "\n:::\n:::\n");
	buf_free(&out);
}

/* A figure: the SVG the build drew, with its caption and where it came from. */
static void weave_plot(struct buf *md, const struct plot *p, unsigned chapter, unsigned number)
{
	buf_printf(md, "::: {.figure #%s}\n![Figure %u.%u: ", p->id, chapter, number);
	md_escape(md, p->caption);
	buf_printf(md, "](figures/%s.svg)\n\n::: {.figure-source}\nDrawn by gnuplot from the output of "
		   "[the run above](#run-%s) when this copy was built.\n:::\n:::\n", p->id, p->run->id);
}

/* Append @p s as the text of a double-quoted pandoc attribute value. */
static void attr_text(struct buf *b, const char *s)
{
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			buf_putc(b, '\\');
		buf_putc(b, *s == '\n' ? ' ' : *s);
	}
}

/* What the quotes of a chapter read: its own runs' captures and the others'. */
struct quote_ctx {
	const struct book *b;
	const struct chapter *c;
	const struct capture_file *caps;	/* of the chapter's runs, in order */
	const struct quoted_run *quoted;
	size_t nquoted;
	const struct xref_chapter *xc;	/* the chapter's headings and references */
	struct buf list;		/* the chapter's list of quoted values, for print */
	size_t listed;
	const struct weave_links *links;
	const struct xref_table *xrefs;	/* the chapter's number and its references' targets */
};

/* A run a quote reads: its record, and its page ("" for this one). */
struct quote_source {
	const char *id;
	const char *slug;
	const char *tag;
	const struct capture_file *cap;
};

/*
 * The link to the element @p id of the chapter @p slug, tagged @p tag (""
 * for this chapter), as the style of @p links writes it.
 */
static void put_href(struct buf *md, const struct weave_links *links, const char *slug, const char *tag,
		     const char *id)
{
	if (!*slug || links->style == WEAVE_EPUB)
		buf_printf(md, "#%s", id);
	else if (links->style == WEAVE_PRINT)
		buf_printf(md, "book:%s-%s", tag, id);
	else
		buf_printf(md, "%s.html#%s", slug, id);
}

/* The source of name @p k of @p q, or false (reported) when there is none. */
static bool quote_source(struct quote_ctx *x, const struct quote *q, size_t k, struct quote_source *src,
			 struct diag *d)
{
	const char *name = q->names.items[k];

	if (q->runs[k]) {
		size_t n = 0;

		for (size_t i = 0; i < x->b->nruns && &x->b->runs[i] != q->runs[k]; i++)
			n += x->b->runs[i].chapter == x->c;
		*src = (struct quote_source){q->runs[k]->id, "", "", &x->caps[n]};
		return true;
	}
	for (size_t i = 0; i < x->nquoted; i++) {
		const struct quoted_run *o = &x->quoted[i];

		if (starts_with(name, o->tag) && name[strlen(o->tag)] == '.' &&
		    strlist_has(&o->values, q->value_names.items[k])) {
			*src = (struct quote_source){o->id, o->slug, o->tag, &o->cap};
			return true;
		}
	}
	diag_error(d, x->c->path, q->line, q->col,
		   "no run of the chapter tagged '%.*s' that this page is woven with has a value '%s' "
		   "(the build passes the runs a chapter quotes, from the manifest: re-run tangle)",
		   (int)(strchr(name, '.') ? strchr(name, '.') - name : 0), name, q->value_names.items[k]);
	return false;
}

static const char *const state_names[] = {
	[QUOTE_SHOWN] = "shown", [QUOTE_HELD] = "held", [QUOTE_NOTED] = "noted",
	[QUOTE_UNMEASURED] = "unmeasured", [QUOTE_FAILED] = "failed",
};

/*
 * An inline value or claim, as its runs' records say. Returns -1 after an
 * error (a stale or missing record, a claim that must hold and does not).
 */
static int weave_quote(struct buf *md, struct quote_ctx *x, const struct quote *q, struct diag *d)
{
	struct expr_values values = {0};
	struct strlist ids = {0}, digests = {0}, shorts = {0};
	struct buf text = {0}, title = {0}, attrs = {0};
	const char *href_slug = "", *href_tag = "", *first_id = NULL;
	char *run_anchor;
	enum quote_state state;
	int rc = 0;

	for (size_t k = 0; k < q->names.len; k++) {
		struct quote_source src;
		const struct capture_file *cf;
		const char *v;

		if (!quote_source(x, q, k, &src, d)) {
			rc = -1;
			continue;
		}
		cf = src.cap;
		if (!cf->loaded || cf->stale) {
			diag_error(d, x->c->path, q->line, q->col,
				   "the value '%s' comes from run %s, whose output is %s%s", q->names.items[k], src.id,
				   cf->loaded ? "stale: " : "missing (the build runs it before weaving)",
				   cf->loaded ? cf->stale : "");
			rc = -1;
			continue;
		}
		if (!first_id) {
			first_id = src.id;
			href_slug = src.slug;
			href_tag = src.tag;
		}
		if (!strlist_has(&ids, src.id)) {
			strlist_add(&ids, src.id);
			strlist_add(&digests, cf->rec.digest);
			strlist_take(&shorts, xstrndup(cf->rec.digest, RUN_RECORD_SHORT));
		}
		if (!cf->rec.skipped && (v = expr_values_get(&cf->rec.values, q->value_names.items[k])))
			expr_values_set(&values, q->names.items[k], v);
	}
	if (rc < 0)
		goto done;
	state = quote_evaluate(q, &values, &text);
	if (state == QUOTE_FAILED) {
		if (q->kind == QUOTE_CLAIM)
			diag_error(d, x->c->path, q->line, q->col,
				   "the claim '%s' does not hold on this machine: %s (else=note would show this "
				   "to the reader instead of failing)", q->text, text.data);
		else
			diag_error(d, x->c->path, q->line, q->col, "the value '%s' cannot be shown: %s", q->text,
				   text.data);
		rc = -1;
		goto done;
	}
	if (state == QUOTE_NOTED)
		diag_warning(d, x->c->path, q->line, q->col,
			     "the claim '%s' does not hold on this machine: %s (the page shows a note)", q->text,
			     text.data);
	else if (state == QUOTE_UNMEASURED)
		diag_warning(d, x->c->path, q->line, q->col, "%s '%s' is not checked: %s (the page says so)",
			     q->kind == QUOTE_CLAIM ? "the claim" : "the value", q->text, text.data);
	/* The attributes every quote carries: its runs, their digests, its state. */
	buf_puts(&attrs, " data-run=\"");
	for (size_t i = 0; i < ids.len; i++)
		buf_printf(&attrs, "%s%s", i ? " " : "", ids.items[i]);
	buf_puts(&attrs, "\" data-digest=\"");
	for (size_t i = 0; i < digests.len; i++)
		buf_printf(&attrs, "%s%s", i ? " " : "", digests.items[i]);
	buf_printf(&attrs, "\" data-state=\"%s\"", state_names[state]);
	buf_printf(&title, "%s from the output of run%s", q->kind == QUOTE_VALUE ? q->text : "checked",
		   ids.len > 1 ? "s" : "");
	for (size_t i = 0; i < ids.len; i++)
		buf_printf(&title, "%s %s (output %s)", i ? "," : "", ids.items[i], shorts.items[i]);
	run_anchor = xasprintf("run-%s", first_id);
	switch (state) {
	case QUOTE_SHOWN:
		buf_puts(md, "[");
		md_escape(md, text.data);
		buf_puts(md, "](");
		put_href(md, x->links, href_slug, href_tag, run_anchor);
		buf_puts(md, "){.value");
		break;
	case QUOTE_HELD:
		buf_puts(md, "[✓](");
		put_href(md, x->links, href_slug, href_tag, run_anchor);
		buf_puts(md, "){.claim .held");
		buf_puts(&title, ": ");
		buf_puts(&title, q->text);
		buf_puts(&title, " holds here, ");
		buf_puts(&title, text.data);
		break;
	case QUOTE_NOTED:
		/* No full stop: the note sits inside the sentence, before its own. */
		buf_puts(md, "[on this machine: ");
		md_escape(md, text.data);
		buf_puts(md, "]{.claim .noted");
		break;
	case QUOTE_UNMEASURED:
	case QUOTE_FAILED:
		buf_printf(md, "[%s]{.%s .unmeasured", q->kind == QUOTE_VALUE ? "not measured here" :
			   "not checked here", q->kind == QUOTE_VALUE ? "value" : "claim");
		buf_puts(&title, ": ");
		buf_puts(&title, text.data);
		break;
	}
	free(run_anchor);
	buf_add(md, attrs.data, attrs.len);
	buf_puts(md, " title=\"");
	attr_text(md, title.data);
	buf_puts(md, "\"}");
	/* The printed list: what the text quoted, and whence. */
	buf_puts(&x->list, "- ");
	if (q->kind == QUOTE_VALUE) {
		md_escape(&x->list, state == QUOTE_SHOWN ? text.data : "not measured here");
		buf_puts(&x->list, " is ");
		md_code(&x->list, q->text);
	} else {
		buf_puts(&x->list, state == QUOTE_HELD ? "✓ " : state == QUOTE_NOTED ? "✗ " : "? ");
		md_code(&x->list, q->text);
		buf_puts(&x->list, state == QUOTE_HELD ? " holds" : state == QUOTE_NOTED ? " does not hold" :
			 " was not checked");
	}
	buf_printf(&x->list, " (line %d): ", q->line);
	/* A run id is kept on one line: a PDF's text loses the hyphen of a line broken at it. */
	for (size_t i = 0; i < ids.len; i++)
		buf_printf(&x->list, "%srun [%s]{.run-id}, output %s", i ? "; " : "", ids.items[i], shorts.items[i]);
	buf_puts(&x->list, "\n");
	x->listed++;
done:
	expr_values_free(&values);
	strlist_free(&ids);
	strlist_free(&digests);
	strlist_free(&shorts);
	buf_free(&text);
	buf_free(&title);
	buf_free(&attrs);
	return rc;
}

/* A heading's start, "## ", with its number: "## [2.3]{.secno} ". */
static void weave_heading_start(struct buf *md, const struct quote_ctx *x, const struct heading *h)
{
	for (int i = 0; i < h->level; i++)
		buf_putc(md, '#');
	buf_putc(md, ' ');
	if (h->numbered) {
		buf_putc(md, '[');
		heading_number(h, x->xrefs->chapter, md);
		buf_puts(md, h->level == 1 ? "]{.chapno} " : "]{.secno} ");
	}
}

/* A heading's end: its attributes, with its id (given, or made from its title). */
static void weave_heading_end(struct buf *md, const struct heading *h)
{
	bool has_id = h->attrs && strchr(h->attrs, '#');

	buf_puts(md, " {");
	if (!has_id)
		buf_printf(md, "#%s%s", h->id, h->attrs ? " " : "");
	if (h->attrs)
		buf_puts(md, h->attrs);
	buf_puts(md, "}");
}

/* A reference: "Chapter 3", "Section 2.3", "Figure 4.1", linked to its target. */
static void weave_ref(struct buf *md, const struct quote_ctx *x, const struct xref_use *u, struct diag *d)
{
	const struct xref_target *t = xref_table_find(x->xrefs, u->label);
	bool here;

	if (!t) {
		diag_error(d, x->c->path, u->line, u->col,
			   "no chapter, section or figure is labelled '%s' (the build passes the labels a "
			   "chapter references, from tangle: re-run tangle)", u->label);
		buf_printf(md, "@%s", u->label);
		return;
	}
	here = !strcmp(t->slug, x->c->slug);
	buf_printf(md, "[%s %s](", xref_kind_name(t->kind), t->number);
	if (t->kind == XREF_CHAPTER && !here && x->links->style == WEAVE_SCREEN)
		buf_printf(md, "%s.html", t->slug);
	else
		put_href(md, x->links, here ? "" : t->slug, t->tag, t->anchor);
	buf_puts(md, "){.xref}");
}

/*
 * Prose text @p s (@p n bytes) as the style of @p links writes it: a
 * Markdown link to a place of another chapter's page, "](02-threads.html#ID)"
 * (the glossary's, the appendix's), becomes a link inside the book in the
 * print page ("book:ch02-ID", which pdfbook.py resolves) and in the EPUB
 * ("#ID"): neither has the pages' files beside it.
 */
static void put_prose_text(struct buf *md, const struct weave_links *links, const char *s, size_t n)
{
	const char *end = s + n;

	while (links->style != WEAVE_SCREEN && s < end) {
		const char *at = s, *p, *slug_end, *id, *close;

		while (at + 1 < end && !(at[0] == ']' && at[1] == '('))
			at++;
		if (at + 1 >= end)
			break;
		p = at + 2;
		if (end - p < 4 || !isdigit((unsigned char)p[0]) || !isdigit((unsigned char)p[1]) || p[2] != '-') {
			buf_add(md, s, (size_t)(p - s));
			s = p;
			continue;
		}
		for (slug_end = p + 3; slug_end < end && (isalnum((unsigned char)*slug_end) || *slug_end == '-');)
			slug_end++;
		id = slug_end + 6;
		if (end - slug_end < 7 || strncmp(slug_end, ".html#", 6)) {
			buf_add(md, s, (size_t)(p - s));
			s = p;
			continue;
		}
		for (close = id; close < end && *close != ')' && *close != ' ' && *close != '\n';)
			close++;
		if (close >= end || *close != ')' || close == id) {
			buf_add(md, s, (size_t)(p - s));
			s = p;
			continue;
		}
		buf_add(md, s, (size_t)(p - s));
		if (links->style == WEAVE_PRINT)
			buf_printf(md, "book:ch%.2s-", p);
		else
			buf_putc(md, '#');
		buf_add(md, id, (size_t)(close - id));
		s = close;
	}
	if (s < end)
		buf_add(md, s, (size_t)(end - s));
}

/* Where put_prose() is in the chapter's quotes, headings and references. */
struct prose_cursor {
	size_t quote, heading, use;
	bool heading_started;	/* the current heading's start is woven, its end not yet */
};

/*
 * The prose [@p from, @p to) of the chapter, with its quotes, headings and
 * references (from @p cur on) woven in.
 */
static void put_prose(struct buf *md, struct quote_ctx *x, size_t from, size_t to, struct prose_cursor *cur,
		      struct diag *d)
{
	const char *text = x->c->text;
	const struct xref_chapter *xc = x->xc;

	while (from < to) {
		size_t at = to;
		int which = 0;	/* 1 quote, 2 heading start, 3 heading end, 4 reference */

		while (cur->quote < x->b->nquotes && x->b->quotes[cur->quote].chapter != x->c)
			cur->quote++;
		if (cur->quote < x->b->nquotes && x->b->quotes[cur->quote].start < at) {
			at = x->b->quotes[cur->quote].start;
			which = 1;
		}
		if (cur->heading < xc->nheadings) {
			const struct heading *h = &xc->headings[cur->heading];
			size_t hat = cur->heading_started ? h->text_end : h->start;

			if (hat < at) {
				at = hat;
				which = cur->heading_started ? 3 : 2;
			}
		}
		if (cur->use < xc->nuses && xc->uses[cur->use].start < at) {
			at = xc->uses[cur->use].start;
			which = 4;
		}
		if (at < from)
			at = from;
		put_prose_text(md, x->links, text + from, at - from);
		if (!which)
			return;
		if (which == 1) {
			weave_quote(md, x, &x->b->quotes[cur->quote], d);
			from = x->b->quotes[cur->quote++].end;
		} else if (which == 2) {
			const struct heading *h = &xc->headings[cur->heading];

			weave_heading_start(md, x, h);
			from = h->text;
			cur->heading_started = true;
		} else if (which == 3) {
			const struct heading *h = &xc->headings[cur->heading++];

			weave_heading_end(md, h);
			from = h->end;
			cur->heading_started = false;
		} else {
			weave_ref(md, x, &xc->uses[cur->use], d);
			from = xc->uses[cur->use++].end;
		}
	}
}

int weave_chapter(const struct book *b, const struct capture_file *caps,
		  const struct quoted_run *quoted, size_t nquoted,
		  const struct weave_links *links, struct buf *md, struct diag *d)
{
	const struct chapter *c = &b->chapters[0];
	size_t run = 0, line = 1;
	const char *p = c->text ? c->text : "";
	size_t pos = 0;
	int errors = d->errors;
	unsigned figure = 0;
	struct xref_table own = {0};
	struct xref_chapter none = {0};
	struct prose_cursor cur = {0, 0, 0, false};
	struct quote_ctx x = {b, c, caps, quoted, nquoted, b->xrefs ? &b->xrefs[0] : &none, {0}, 0, links,
			      links->xrefs};

	if (!x.xrefs) {
		book_xref_table(b, 0, &own);
		x.xrefs = &own;
	}

	/* Copy the chapter, replacing literate and run blocks and the prose's quotes. */
	for (size_t i = 0; i < c->nblocks; i++) {
		const struct block *blk = &c->blocks[i];
		size_t from = pos;

		while (line < (size_t)blk->line && pos < c->text_len) {
			const char *nl = memchr(p + pos, '\n', c->text_len - pos);

			pos = nl ? (size_t)(nl - p) + 1 : c->text_len;
			line++;
		}
		put_prose(md, &x, from, pos, &cur, d);
		/* The block's lines up to and including its closing fence. */
		while (line <= (size_t)blk->close_line && pos < c->text_len) {
			const char *nl = memchr(p + pos, '\n', c->text_len - pos);
			size_t end = nl ? (size_t)(nl - p) + 1 : c->text_len;

			if (blk->kind == BLOCK_PROSE)
				buf_add(md, p + pos, end - pos);
			pos = end;
			line++;
		}
		if (blk->kind == BLOCK_ROOT || blk->kind == BLOCK_CHUNK) {
			weave_code(md, b, c, blk, links);
		} else if (blk->kind == BLOCK_PLOT) {
			figure++;
			for (size_t k = 0; k < b->nplots; k++)
				if (b->plots[k].block == blk)
					weave_plot(md, &b->plots[k], x.xrefs->chapter, figure);
		} else if (blk->kind == BLOCK_RUN) {
			const struct run *r = NULL;

			for (size_t k = 0; k < b->nruns; k++)
				if (b->runs[k].block == blk)
					r = &b->runs[k];
			if (!r || !caps[run].loaded) {
				diag_error(d, c->path, blk->line, blk->col,
					   "no capture for run %s; the build runs it before weaving",
					   r ? r->id : "?");
			} else if (caps[run].stale) {
				diag_error(d, c->path, blk->line, blk->col,
					   "the output of run %s is stale: %s; the build should have run it again",
					   r->id, caps[run].stale);
			} else {
				weave_run(md, r, &caps[run], links);
			}
			run++;
		}
	}
	put_prose(md, &x, pos, c->text_len, &cur, d);
	if (x.listed) {
		buf_puts(md, "\n::: {.quoted-values}\n**Measured for this copy.** The numbers and claims of this "
			 "chapter's text, as this copy's runs gave them:\n\n");
		buf_add(md, x.list.data, x.list.len);
		buf_puts(md, ":::\n");
	}
	buf_free(&x.list);
	xref_table_free(&own);
	return d->errors == errors ? 0 : -1;
}
