/* untangle.c - see untangle.h. */
#include "untangle.h"

#include <stdlib.h>
#include <string.h>

#include "linemap.h"
#include "tangle.h"

/* The lines of a text: where each starts and how long it is (without '\n'). */
struct lines {
	const char **at;
	size_t *len;
	size_t n;
};

static void split(const char *text, size_t len, struct lines *l)
{
	const char *p = text, *end = text + len;

	memset(l, 0, sizeof(*l));
	l->at = xcalloc(len + 1, sizeof(*l->at));
	l->len = xcalloc(len + 1, sizeof(*l->len));
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *e = nl ? nl : end;

		l->at[l->n] = p;
		l->len[l->n++] = (size_t)(e - p);
		p = nl ? nl + 1 : end;
	}
}

static bool same_line(const struct lines *a, size_t i, const struct lines *b, size_t k)
{
	return a->len[i] == b->len[k] && !memcmp(a->at[i], b->at[k], a->len[i]);
}

/* The block of chapter @p c whose body holds line @p line, or NULL. */
static const struct block *block_at(const struct chapter *c, int line)
{
	size_t lo = 0, hi = c->nblocks;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (c->blocks[mid].close_line <= line)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < c->nblocks && c->blocks[lo].line < line && line < c->blocks[lo].close_line)
		return &c->blocks[lo];
	return NULL;
}

int untangle_root(const struct book *b, const struct root *r, const char *edited, size_t len,
		  struct chapter_edit *e, struct diag *d)
{
	struct buf exp = {0};
	struct line_origins org = {0};
	struct lines old, new;
	size_t p = 0, q = 0, old_end, new_end, anchor;
	const struct chapter *c = r->chapter;
	const struct block *blk;
	char *where = xasprintf("snippets/%s", r->path);
	char *hline = snippet_header(r->path, c->path);
	bool header = hline != NULL;
	int first, indent, rc = -1;

	free(hline);
	memset(e, 0, sizeof(*e));
	tangle_snippet(b, r, &exp, &org);
	if (exp.len == len && !memcmp(exp.data ? exp.data : "", edited, len)) {
		rc = 0;
		goto done;
	}
	split(exp.data ? exp.data : "", exp.len, &old);
	split(edited, len, &new);
	while (p < old.n && p < new.n && same_line(&old, p, &new, p))
		p++;
	while (q < old.n - p && q < new.n - p && same_line(&old, old.n - 1 - q, &new, new.n - 1 - q))
		q++;
	old_end = old.n - q;
	new_end = new.n - q;
	if (len && edited[len - 1] != '\n') {
		diag_error(d, where, (int)new.n, 0, "the edited file does not end with a newline; a chapter's block always does");
		goto out;
	}
	if (p == 0 && header) {
		diag_error(d, where, 1, 0, "the edit changes the first line, which tangle writes; it cannot go into the chapter");
		goto out;
	}
	/* The chapter line the edit starts from, its block and indentation. */
	anchor = p < old_end ? p : p - 1;
	if (anchor >= org.n || !(blk = block_at(c, org.line[anchor])) || (header && anchor == 0)) {
		diag_error(d, where, (int)p + 1, 0,
			   "the edit lies between two blocks of %s; carry it into the chapter by hand", c->path);
		goto out;
	}
	indent = org.indent[anchor];
	for (size_t i = p; i < old_end; i++) {
		if (org.line[i] != org.line[p] + (int)(i - p) || block_at(c, org.line[i]) != blk ||
		    (old.len[i] && org.indent[i] != indent)) {
			diag_error(d, where, (int)i + 1, 0,
				   "the edit spans more than one block (lines %zu to %zu of the snippet come from several places in %s); carry it into the chapter by hand",
				   p + 1, old_end, c->path);
			diag_note(d, c->path, blk->line, 0, "the edit starts in this block");
			goto out;
		}
	}
	if (p == old_end) {
		/* An insertion after the anchor: the next line must follow it in the block. */
		first = org.line[anchor] + 1;
		if (p < old.n && !(org.line[p] == first && block_at(c, first) == blk)) {
			diag_error(d, where, (int)p + 1, 0,
				   "the new lines go between two blocks of %s (after line %d); carry them into the chapter by hand",
				   c->path, org.line[anchor]);
			goto out;
		}
		if (p == old.n && org.line[anchor] != blk->close_line - 1) {
			diag_error(d, where, (int)p + 1, 0,
				   "the new lines at the end of the file do not follow a block's last line; carry them into the chapter by hand");
			goto out;
		}
	} else {
		first = org.line[p];
	}
	e->chapter = c;
	e->first = first;
	e->count = (int)(old_end - p);
	e->snippet = r->path;
	for (size_t i = p; i < new_end; i++) {
		const char *text = new.at[i];
		size_t n = new.len[i];

		if (n) {
			const char *prefix = old.at[anchor];

			if (n < (size_t)indent || memcmp(text, prefix, (size_t)indent)) {
				diag_error(d, where, (int)i + 1, 1,
					   "this line is indented less than the block it goes into (%d columns, as in line %zu)",
					   indent, anchor + 1);
				buf_free(&e->lines);
				goto out;
			}
			text += indent;
			n -= (size_t)indent;
		}
		buf_add(&e->lines, text, n);
		buf_putc(&e->lines, '\n');
	}
	rc = 1;
out:
	free(old.at);
	free(old.len);
	free(new.at);
	free(new.len);
done:
	buf_free(&exp);
	line_origins_free(&org);
	free(where);
	return rc;
}

static int by_line(const void *a, const void *b)
{
	const struct chapter_edit *x = *(const struct chapter_edit *const *)a;
	const struct chapter_edit *y = *(const struct chapter_edit *const *)b;

	return (x->first > y->first) - (x->first < y->first);
}

/* Copy (or skip, with @p out NULL) @p count lines at *p, advancing it. */
static void take_lines(const char **p, const char *end, int count, struct buf *out)
{
	for (; count > 0 && *p < end; count--) {
		const char *nl = memchr(*p, '\n', (size_t)(end - *p));
		const char *next = nl ? nl + 1 : end;

		if (out)
			buf_add(out, *p, (size_t)(next - *p));
		*p = next;
	}
}

int untangle_apply(const struct chapter *c, const struct chapter_edit *e, size_t n, struct buf *out,
		   struct diag *d)
{
	const struct chapter_edit **order = xcalloc(n + 1, sizeof(*order));
	const char *p = c->text, *end = c->text + c->text_len;
	int line = 1, rc = 0;

	for (size_t i = 0; i < n; i++)
		order[i] = &e[i];
	qsort(order, n, sizeof(*order), by_line);
	for (size_t i = 1; i < n; i++) {
		if (order[i]->first >= order[i - 1]->first + order[i - 1]->count &&
		    order[i]->first != order[i - 1]->first)
			continue;
		diag_error(d, c->path, order[i]->first, 0,
			   "the edits of snippets/%s and snippets/%s meet here; carry them into the chapter by hand",
			   order[i - 1]->snippet, order[i]->snippet);
		rc = -1;
	}
	for (size_t i = 0; rc == 0 && i < n; i++) {
		take_lines(&p, end, order[i]->first - line, out);
		buf_add(out, order[i]->lines.data ? order[i]->lines.data : "", order[i]->lines.len);
		take_lines(&p, end, order[i]->count, NULL);
		line = order[i]->first + order[i]->count;
	}
	if (rc == 0)
		buf_add(out, p, (size_t)(end - p));
	free(order);
	return rc;
}
