/* search.c - see search.h. */
#include "search.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "sha256.h"

/*
 * Append @p len bytes of @p s as words: blanks become one blank, and so
 * does Markdown's markup when @p prose (code keeps its "#include", and
 * "->" stays in prose too: only a line's leading '>' quotes).
 */
static void put_text(struct buf *b, const char *s, size_t len, bool prose)
{
	bool line_start = true;

	for (size_t i = 0; i < len; i++) {
		char ch = s[i];
		bool quote = prose && ch == '>' && line_start;	/* a block quote's mark, not "->" */

		line_start = ch == '\n' || (line_start && (ch == ' ' || ch == '\t' || ch == '>'));
		if (quote || (ch && strchr(prose ? "`*#[]{}|\t\n\r" : "\t\n\r", ch)))
			ch = ' ';
		if (ch == ' ' && (!b->len || b->data[b->len - 1] == ' '))
			continue;
		buf_putc(b, ch);
	}
	if (b->len && b->data[b->len - 1] != ' ')
		buf_putc(b, ' ');
}

static void put_words(struct buf *b, const char *s, size_t len)
{
	put_text(b, s, len, true);
}

static void put_code(struct buf *b, const char *s, size_t len)
{
	put_text(b, s, len, false);
}

/* The prose [@p from, @p to) of @p c without its quoted values and references. */
static void put_prose(struct buf *b, const struct book *bk, const struct chapter *c, const struct xref_chapter *x,
		      size_t from, size_t to)
{
	while (from < to) {
		size_t next = to, skip_to = to;

		for (size_t i = 0; i < bk->nquotes; i++) {
			const struct quote *q = &bk->quotes[i];

			if (q->chapter == c && q->start >= from && q->start < next) {
				next = q->start;
				skip_to = q->end;
			}
		}
		for (size_t i = 0; i < x->nuses; i++)
			if (x->uses[i].start >= from && x->uses[i].start < next) {
				next = x->uses[i].start;
				skip_to = x->uses[i].end;
			}
		put_words(b, c->text + from, next - from);
		from = skip_to;
	}
}

/* Offset of the start of line @p line of @p c (1-based), or its length. */
static size_t line_start(const struct chapter *c, int line)
{
	size_t pos = 0;

	for (int l = 1; l < line && pos < c->text_len; l++) {
		const char *nl = memchr(c->text + pos, '\n', c->text_len - pos);

		pos = nl ? (size_t)(nl - c->text) + 1 : c->text_len;
	}
	return pos;
}

/*
 * The solution div of an exercise of @p c that holds offset @p pos: its
 * [*lo, *hi) in c->text. The search is the student edition's: it holds no
 * solution (edition.h).
 */
static bool in_solution(const struct book *bk, const struct chapter *c, size_t pos, size_t *lo, size_t *hi)
{
	for (size_t i = 0; i < bk->nexercises; i++) {
		const struct exercise *e = &bk->exercises[i];

		if (e->chapter != c)
			continue;
		*lo = line_start(c, e->div_line);
		*hi = line_start(c, e->div_end + 1);
		if (pos >= *lo && pos < *hi)
			return true;
	}
	return false;
}

/* put_prose() of [@p from, @p to) but for the solutions in it. */
static void put_student_prose(struct buf *b, const struct book *bk, const struct chapter *c,
			      const struct xref_chapter *x, size_t from, size_t to)
{
	while (from < to) {
		size_t lo, hi, next = to;

		if (in_solution(bk, c, from, &lo, &hi)) {
			from = hi;
			continue;
		}
		for (size_t i = 0; i < bk->nexercises; i++) {
			const struct exercise *e = &bk->exercises[i];
			size_t start = e->chapter == c ? line_start(c, e->div_line) : to;

			if (start > from && start < next)
				next = start;
		}
		put_prose(b, bk, c, x, from, next);
		from = next;
	}
}

/* The words of @p c in [@p from, @p to): its prose, programs and commands, no solution's. */
static void section_text(struct buf *b, const struct book *bk, const struct chapter *c,
			 const struct xref_chapter *x, size_t from, size_t to)
{
	size_t pos = from, lo, hi;

	for (size_t i = 0; i < c->nblocks; i++) {
		const struct block *blk = &c->blocks[i];
		size_t open = line_start(c, blk->line), close = line_start(c, blk->close_line + 1);

		if (close <= from || open >= to)
			continue;
		if (open > pos)
			put_student_prose(b, bk, c, x, pos, open);
		if (in_solution(bk, c, open, &lo, &hi)) {
			pos = close;
			continue;
		}
		if (blk->kind == BLOCK_RUN) {
			for (size_t k = 0; k < bk->nruns; k++)
				if (bk->runs[k].block == blk)
					put_code(b, bk->runs[k].spec.command, strlen(bk->runs[k].spec.command));
		} else if (blk->kind != BLOCK_PLOT) {
			for (size_t k = 0; k < blk->nlines; k++)
				if (!blk->lines[k].ref_len)
					put_code(b, blk->lines[k].text, blk->lines[k].len);
		} else {
			const char *caption = attrs_get(blk->attrs, "caption");

			if (caption)
				put_words(b, caption, strlen(caption));
		}
		pos = close;
	}
	if (pos < to)
		put_student_prose(b, bk, c, x, pos, to);
	while (b->len && b->data[b->len - 1] == ' ')
		b->data[--b->len] = '\0';	/* the string ends where the words do */
}

static char *plain(const char *s)
{
	struct buf b = {0};

	put_words(&b, s, strlen(s));
	while (b.len && b.data[b.len - 1] == ' ')
		b.data[--b.len] = '\0';
	return b.data ? buf_detach(&b) : xstrdup("");
}

void search_collect(const struct book *b, const struct xref_table *xrefs, struct search_chapter *out)
{
	const struct chapter *c = &b->chapters[0];
	const struct xref_chapter *x = &b->xrefs[0];
	char hex[SHA256_HEX];

	memset(out, 0, sizeof(*out));
	sha256_hex(c->text ? c->text : "", c->text_len, hex);
	out->slug = xstrdup(c->slug);
	out->digest = xstrdup(hex);
	out->title = plain(c->title ? c->title : c->slug);
	out->sections = xcalloc(x->nheadings + 1, sizeof(*out->sections));
	for (size_t i = 0; i < x->nheadings; i++) {
		const struct heading *h = &x->headings[i];
		size_t end = i + 1 < x->nheadings ? x->headings[i + 1].start : c->text_len;
		struct search_section *s = &out->sections[out->nsections++];
		struct buf num = {0}, text = {0};

		heading_number(h, xrefs->chapter, &num);
		s->anchor = xstrdup(h->id);
		s->number = num.data ? buf_detach(&num) : xstrdup("");
		s->title = plain(h->title);
		section_text(&text, b, c, x, h->end, end);
		s->text = text.data ? buf_detach(&text) : xstrdup("");
	}
}

/* A field: tabs and line ends become blanks, so that it stays one field of one line. */
static void put_field(struct buf *b, const char *s)
{
	buf_putc(b, '\t');
	for (; *s; s++)
		buf_putc(b, *s == '\t' || *s == '\n' || *s == '\r' ? ' ' : *s);
}

void search_chapter_write(const struct search_chapter *c, struct buf *out)
{
	buf_puts(out, "chapter");
	put_field(out, c->slug);
	put_field(out, c->digest);
	put_field(out, c->title);
	buf_putc(out, '\n');
	for (size_t i = 0; i < c->nsections; i++) {
		const struct search_section *s = &c->sections[i];

		buf_puts(out, "section");
		put_field(out, s->anchor);
		put_field(out, s->number);
		put_field(out, s->title);
		put_field(out, s->text);
		buf_putc(out, '\n');
	}
}

int search_chapter_parse(const char *text, size_t len, struct search_chapter *c)
{
	const char *p = text, *end = text + len;

	memset(c, 0, sizeof(*c));
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p)), *eol = nl ? nl : end;
		struct strlist f = {0};
		bool ok = false;

		for (const char *s = p;;) {
			const char *tab = memchr(s, '\t', (size_t)(eol - s));

			strlist_take(&f, xstrndup(s, (size_t)((tab ? tab : eol) - s)));
			if (!tab)
				break;
			s = tab + 1;
		}
		if (f.len == 4 && !strcmp(f.items[0], "chapter") && !c->slug && *f.items[1]) {
			c->slug = xstrdup(f.items[1]);
			c->digest = xstrdup(f.items[2]);
			c->title = xstrdup(f.items[3]);
			ok = true;
		} else if (f.len == 5 && !strcmp(f.items[0], "section") && c->slug) {
			struct search_section *s;

			c->sections = xrealloc(c->sections, (c->nsections + 1) * sizeof(*c->sections));
			s = &c->sections[c->nsections++];
			s->anchor = xstrdup(f.items[1]);
			s->number = xstrdup(f.items[2]);
			s->title = xstrdup(f.items[3]);
			s->text = xstrdup(f.items[4]);
			ok = true;
		}
		strlist_free(&f);
		if (!ok) {
			search_chapter_free(c);
			return -1;
		}
		p = nl ? nl + 1 : end;
	}
	return c->slug ? 0 : -1;
}

void search_index_write(const struct search_chapter *c, size_t n, struct buf *out)
{
	size_t docs = 0;

	buf_puts(out, "window.BOOK_SEARCH = {\"chapters\": [");
	for (size_t i = 0; i < n; i++) {
		buf_puts(out, i ? ",\n  {\"slug\": " : "\n  {\"slug\": ");
		json_string(out, c[i].slug);
		buf_puts(out, ", \"digest\": ");
		json_string(out, c[i].digest);
		buf_puts(out, "}");
	}
	buf_puts(out, "],\n\"docs\": [");
	for (size_t i = 0; i < n; i++)
		for (size_t k = 0; k < c[i].nsections; k++) {
			const struct search_section *s = &c[i].sections[k];
			char *url = xasprintf("%s.html#%s", c[i].slug, s->anchor);

			buf_puts(out, docs++ ? ",\n  {\"u\": " : "\n  {\"u\": ");
			json_string(out, url);
			buf_puts(out, ", \"n\": ");
			json_string(out, s->number);
			buf_puts(out, ", \"t\": ");
			json_string(out, s->title);
			buf_puts(out, ", \"c\": ");
			json_string(out, c[i].title);
			buf_puts(out, ", \"x\": ");
			json_string(out, s->text);
			buf_puts(out, "}");
			free(url);
		}
	buf_puts(out, "]};\n");
}

int search_index_digests(const char *text, struct strlist *out)
{
	const char *p = strstr(text, "window.BOOK_SEARCH = {\"chapters\": ["), *end;

	if (!p || !(end = strstr(p, "],\n\"docs\": [")))
		return -1;
	/* The chapters' entries as search_index_write() writes them: slugs and digests need no escapes. */
	for (p = strstr(p, "{\"slug\": \""); p && p < end; p = strstr(p, "{\"slug\": \"")) {
		const char *slug = p + 10, *q = strchr(slug, '"'), *digest;

		if (!q || strncmp(q, "\", \"digest\": \"", 14))
			return -1;
		digest = q + 14;
		if (!strchr(digest, '"'))
			return -1;
		strlist_take(out, xasprintf("%.*s %.*s", (int)(q - slug), slug, (int)(strchr(digest, '"') - digest),
					    digest));
		p = strchr(digest, '"');
	}
	return 0;
}

void search_chapter_free(struct search_chapter *c)
{
	for (size_t i = 0; i < c->nsections; i++) {
		free(c->sections[i].anchor);
		free(c->sections[i].number);
		free(c->sections[i].title);
		free(c->sections[i].text);
	}
	free(c->sections);
	free(c->slug);
	free(c->digest);
	free(c->title);
	memset(c, 0, sizeof(*c));
}
