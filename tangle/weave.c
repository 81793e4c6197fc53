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
		if (links->snippets_url) {
			buf_printf(md, " · [snippets/");
			md_escape(md, blk->name);
			buf_printf(md, "](%s/%s){.snippet-link}", links->snippets_url, blk->name);
		}
		/* The reference documents C sources and headers only. */
		if (links->reference_url && (ends_with(blk->name, ".c") || ends_with(blk->name, ".h"))) {
			char *page = doxygen_page(blk->name);

			buf_printf(md, " · [reference](%s/%s){.reference-link}", links->reference_url, page);
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
	buf_add(md, body.data, body.len);
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
	buf_puts(md, "{.console .command}\n$ ");
	buf_puts(md, r->spec.command);
	buf_puts(md, "\n");
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
	buf_add(md, out.data, out.len);
	put_fence(md, fence);
	buf_puts(md, "\n\n::: {.provenance}\n");
	if (rec->skipped)
		buf_printf(md, "[not run on this machine: the command exited %d, which says it cannot run here]{.status .skipped}", rec->exit_status);
	else if (rec->timed_out)
		buf_printf(md, "[stopped at its %gs timeout, as this run is meant to be]{.status .expected-hang}", rec->timeout);
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
	if (rec->skipped && r->spec.nexpects) {
		buf_puts(md, "\\\nNot checked: this run was skipped where the book was built.");
	} else if (r->spec.nexpects) {
		buf_puts(md, "\\\nChecked by the build: ");
		for (size_t i = 0; i < r->spec.nexpects; i++) {
			char *text = expect_describe(&r->spec.expects[i]);

			if (i)
				buf_puts(md, "; ");
			md_code(md, text);
			free(text);
		}
		buf_puts(md, ".");
	}
	buf_puts(md, "\n:::\n:::\n");
	buf_free(&out);
}

/* A figure: the SVG the build drew, with its caption and where it came from. */
static void weave_plot(struct buf *md, const struct plot *p)
{
	buf_printf(md, "::: {.figure #%s}\n![", p->id);
	md_escape(md, p->caption);
	buf_printf(md, "](figures/%s.svg)\n\n::: {.figure-source}\nDrawn by gnuplot from the output of "
		   "[the run above](#run-%s) when this copy was built.\n:::\n:::\n", p->id, p->run->id);
}

int weave_chapter(const struct book *b, const struct capture_file *caps,
		  const struct weave_links *links, struct buf *md, struct diag *d)
{
	const struct chapter *c = &b->chapters[0];
	size_t run = 0, line = 1;
	const char *p = c->text ? c->text : "";
	size_t pos = 0;
	int errors = d->errors;

	/* Copy the chapter line by line, replacing literate and run blocks. */
	for (size_t i = 0; i < c->nblocks; i++) {
		const struct block *blk = &c->blocks[i];

		while (line < (size_t)blk->line && pos < c->text_len) {
			const char *nl = memchr(p + pos, '\n', c->text_len - pos);
			size_t end = nl ? (size_t)(nl - p) + 1 : c->text_len;

			buf_add(md, p + pos, end - pos);
			pos = end;
			line++;
		}
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
			for (size_t k = 0; k < b->nplots; k++)
				if (b->plots[k].block == blk)
					weave_plot(md, &b->plots[k]);
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
	buf_add(md, p + pos, c->text_len - pos);
	return d->errors == errors ? 0 : -1;
}
