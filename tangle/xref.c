/* xref.c - see xref.h. */
#include "xref.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "attr.h"

static const char *const kind_names[] = {
	[XREF_CHAPTER] = "Chapter", [XREF_SECTION] = "Section", [XREF_FIGURE] = "Figure",
};
static const char *const kind_words[] = {
	[XREF_CHAPTER] = "chapter", [XREF_SECTION] = "section", [XREF_FIGURE] = "figure",
};

const char *xref_kind_name(enum xref_kind k)
{
	return kind_names[k];
}

/* The line and column of offset @p at of @p c's text. */
static void position(const struct chapter *c, size_t at, int *line, int *col)
{
	size_t bol = 0;

	*line = 1;
	for (size_t i = 0; i < at && i < c->text_len; i++)
		if (c->text[i] == '\n') {
			(*line)++;
			bol = i + 1;
		}
	*col = (int)(at - bol) + 1;
}

static bool is_label_char(char ch)
{
	return isalnum((unsigned char)ch) || ch == '-' || ch == '_';
}

/* The length of a reference's label at @p s (after its '@'), or 0. */
static size_t label_at(const char *s, size_t n)
{
	static const char *const prefixes[] = {"ch-", "sec-", "fig-"};
	size_t len = 0;
	bool known = false;

	for (size_t i = 0; i < 3; i++)
		if (n > strlen(prefixes[i]) && !strncmp(s, prefixes[i], strlen(prefixes[i])))
			known = true;
	if (!known)
		return 0;
	while (len < n && is_label_char(s[len]))
		len++;
	while (len && s[len - 1] == '-')
		len--;
	return strchr(s, '-') && len > (size_t)(strchr(s, '-') - s) + 1 ? len : 0;
}

/* The id a heading without one gets: sec-TAG-words-of-its-title. */
static char *made_id(const struct chapter *c, const char *title, const struct heading *hs, size_t n)
{
	struct buf b = {0};
	char *id;
	bool dash = false;

	buf_printf(&b, "sec-%s-", c->tag ? c->tag : "ch");
	for (const char *p = title; *p; p++) {
		if (isalnum((unsigned char)*p)) {
			if (dash && b.data[b.len - 1] != '-')
				buf_putc(&b, '-');
			buf_putc(&b, (char)tolower((unsigned char)*p));
			dash = false;
		} else if (*p != '`' && *p != '*' && *p != '\'') {
			dash = true;
		}
	}
	id = buf_detach(&b);
	/* Unique in the chapter: a second "Results" is sec-ch01-results-2. */
	for (unsigned k = 2;; k++) {
		bool taken = false;

		for (size_t i = 0; i < n && !taken; i++)
			taken = hs[i].id && !strcmp(hs[i].id, id);
		if (!taken)
			return id;
		{
			char *base = xstrndup(id, strlen(id) - (k > 2 ? strlen(strrchr(id, '-')) : 0));

			free(id);
			id = xasprintf("%s-%u", base, k);
			free(base);
		}
	}
}

/*
 * The heading on the line [@p at, @p eol), if it is one: '#'s at the margin,
 * then a blank or the end of the line.
 */
static int take_heading(const struct chapter *c, struct xref_chapter *x, size_t at, size_t eol, int line,
			unsigned num[3], bool *titled, struct diag *d)
{
	const char *t = c->text;
	size_t hashes = 0, s, e;
	struct heading h = {0};
	int errors = d->errors;

	while (at + hashes < eol && t[at + hashes] == '#')
		hashes++;
	if (!hashes || hashes > 6 || (at + hashes < eol && t[at + hashes] != ' ' && t[at + hashes] != '\t'))
		return 0;
	s = at + hashes;
	e = eol;
	if (e > s && t[e - 1] == '\r')
		e--;
	while (s < e && (t[s] == ' ' || t[s] == '\t'))
		s++;
	while (e > s && (t[e - 1] == ' ' || t[e - 1] == '\t'))
		e--;
	h.line = line;
	h.level = (int)hashes;
	h.start = at;
	h.text = s;
	h.end = eol;
	/* Attributes: a final {...}, as pandoc's header_attributes reads them. */
	if (e > s && t[e - 1] == '}') {
		size_t open = e - 1;

		while (open > s && t[open] != '{')
			open--;
		if (t[open] == '{') {
			struct arena mem = {0};
			struct attrs a;
			int col = (int)(open - at) + 1;

			if (attrs_parse(&a, &mem, t + open, e - open, c->path, line, col, d) == 0) {
				h.attrs = xstrndup(t + open + 1, e - open - 2);
				if (a.id)
					h.id = xstrdup(a.id);
				h.numbered = !attrs_has_class(&a, "unnumbered") && !attrs_has_class(&a, "-");
				if (a.id && starts_with(a.id, "sec-"))
					h.label = xstrdup(a.id);
				if (a.id && hashes == 1 && !*titled)
					diag_error(d, c->path, line, a.id_col,
						   "a chapter's title takes no #id: the chapter's label is ch-%s, from its "
						   "file name", c->slug && strchr(c->slug, '-') ? strchr(c->slug, '-') + 1 : "NAME");
				else if (h.label && (hashes > 3 || !h.numbered))
					diag_error(d, c->path, line, a.id_col,
						   "'%s' labels an unnumbered heading, which no reference can number (levels "
						   "2 and 3 are numbered, unless .unnumbered)", a.id);
				else if (a.id && !h.label && (starts_with(a.id, "ch-") || starts_with(a.id, "fig-")))
					diag_error(d, c->path, line, a.id_col,
						   "a heading's label starts with sec- ('%s' would read as a %s's)", a.id,
						   starts_with(a.id, "ch-") ? "chapter" : "figure");
			}
			arena_free(&mem);
			e = open;
			while (e > s && (t[e - 1] == ' ' || t[e - 1] == '\t'))
				e--;
		}
	} else {
		h.numbered = true;
	}
	if (!h.attrs)
		h.numbered = true;
	h.text_end = e;
	h.title = xstrndup(t + s, e - s);
	if (hashes == 1 && !*titled) {
		*titled = true;
		h.numbered = true;
		num[1] = num[2] = 0;
	} else if (hashes == 1 || hashes > 3) {
		h.numbered = false;
	} else if (h.numbered && hashes == 2) {
		num[1]++;
		num[2] = 0;
	} else if (h.numbered) {
		num[2]++;
	}
	memcpy(h.num, num, sizeof(h.num));
	if (!h.num[0])
		h.numbered = false;
	if (!h.id)
		h.id = hashes == 1 && h.numbered ? xasprintf("ch-%s", c->slug && strchr(c->slug, '-') ?
							  strchr(c->slug, '-') + 1 : "chapter")
						 : made_id(c, h.title, x->headings, x->nheadings);
	x->headings = xrealloc(x->headings, (x->nheadings + 1) * sizeof(*x->headings));
	x->headings[x->nheadings++] = h;
	return d->errors == errors ? 1 : -1;
}

/* The end of the inline code opened by @p k backticks at @p i, within the paragraph, or 0. */
static size_t code_end(const char *t, size_t i, size_t end, size_t k)
{
	for (size_t p = i + k; p < end;) {
		if (t[p] == '\n') {
			size_t q = p + 1;

			while (q < end && (t[q] == ' ' || t[q] == '\t' || t[q] == '\r'))
				q++;
			if (q >= end || t[q] == '\n')
				return 0;	/* a blank line ends the paragraph */
			p++;
		} else if (t[p] == '`') {
			size_t n = 0;

			while (p + n < end && t[p + n] == '`')
				n++;
			if (n == k)
				return p + n;
			p += n;
		} else {
			p++;
		}
	}
	return 0;
}

/*
 * The length of a hand-typed number at @p s ("Chapter 3", "Section 2.1",
 * "Figure 4.1", plural too), or 0: the word, blanks or "~", then a digit.
 */
static size_t typed_number_at(const char *s, size_t n, enum xref_kind *kind)
{
	for (size_t k = 0; k < 3; k++) {
		size_t w = strlen(kind_names[k]), i;

		if (n <= w || strncmp(s, kind_names[k], w))
			continue;
		i = w + (s[w] == 's');
		if (i >= n || (s[i] != ' ' && s[i] != '~'))
			continue;
		while (i < n && (s[i] == ' ' || s[i] == '~'))
			i++;
		if (i < n && isdigit((unsigned char)s[i])) {
			*kind = (enum xref_kind)k;
			while (i < n && (isdigit((unsigned char)s[i]) || (s[i] == '.' && i + 1 < n &&
									     isdigit((unsigned char)s[i + 1]))))
				i++;
			return i;
		}
	}
	return 0;
}

/*
 * The references of the prose [@p from, @p to). A number typed by hand
 * where a reference belongs is an error: it would go stale when chapters
 * move, and it links nowhere.
 */
static void scan_refs(const struct chapter *c, struct xref_chapter *x, size_t from, size_t to,
		      struct diag *d)
{
	const char *t = c->text;

	for (size_t i = from; i < to;) {
		size_t n, k = 0, close;
		enum xref_kind kind;

		if (t[i] == '\\') {
			i += 2;		/* an escaped character starts nothing */
			continue;
		}
		if (t[i] == '`') {
			while (i + k < to && t[i + k] == '`')
				k++;
			close = code_end(t, i, to, k);
			i = close ? close : i + k;
			continue;
		}
		if ((i == from || !is_label_char(t[i - 1])) && (n = typed_number_at(t + i, to - i, &kind))) {
			int line, col;

			position(c, i, &line, &col);
			diag_error(d, c->path, line, col,
				   "'%.*s' is a number typed by hand: write a reference (@%s%s) and the book numbers "
				   "and links it", (int)n, t + i, kind == XREF_CHAPTER ? "ch-" : kind == XREF_SECTION ?
				   "sec-" : "fig-", kind == XREF_CHAPTER ? "SLUG" : "NAME");
			i += n;
			continue;
		}
		if (t[i] != '@' || (i > from && (is_label_char(t[i - 1]) || t[i - 1] == '@'))) {
			i++;
			continue;
		}
		n = label_at(t + i + 1, to - i - 1);
		if (n) {
			struct xref_use u;

			position(c, i, &u.line, &u.col);
			u.start = i;
			u.end = i + 1 + n;
			u.label = xstrndup(t + i + 1, n);
			x->uses = xrealloc(x->uses, (x->nuses + 1) * sizeof(*x->uses));
			x->uses[x->nuses++] = u;
		}
		i += 1 + n;
	}
}

char *xref_plain(const char *text, const struct xref_table *tab)
{
	struct buf b = {0};
	size_t len = strlen(text);

	for (size_t i = 0; i < len;) {
		size_t n = 0;
		const struct xref_target *t = NULL;

		if (text[i] == '@' && (i == 0 || (!is_label_char(text[i - 1]) && text[i - 1] != '@' &&
						  text[i - 1] != '\\')) &&
		    (n = label_at(text + i + 1, len - i - 1))) {
			char *label = xstrndup(text + i + 1, n);

			t = xref_table_find(tab, label);
			free(label);
		}
		if (t) {
			buf_printf(&b, "%s %s", kind_names[t->kind], t->number);
			i += 1 + n;
		} else {
			buf_putc(&b, text[i++]);
		}
	}
	return b.data ? buf_detach(&b) : xstrdup("");
}

int xref_scan(const struct chapter *c, struct xref_chapter *x, struct diag *d)
{
	const char *t = c->text ? c->text : "";
	size_t pos = 0, b = 0, stretch = 0;
	unsigned num[3] = {1, 0, 0};
	int line = 1, errors = d->errors;
	bool blank_before = true, titled = false;

	memset(x, 0, sizeof(*x));
	while (pos < c->text_len) {
		const char *nl = memchr(t + pos, '\n', c->text_len - pos);
		size_t eol = nl ? (size_t)(nl - t) : c->text_len, next = nl ? eol + 1 : c->text_len;
		bool blank = true;

		while (b < c->nblocks && c->blocks[b].close_line < line)
			b++;
		if (b < c->nblocks && c->blocks[b].line <= line) {
			if (c->blocks[b].line == line)
				scan_refs(c, x, stretch, pos, d);
			stretch = next;
			blank_before = true;
		} else {
			for (size_t i = pos; i < eol && blank; i++)
				blank = t[i] == ' ' || t[i] == '\t' || t[i] == '\r';
			if (blank_before && t[pos] == '#' &&
			    take_heading(c, x, pos, eol, line, num, &titled, d) != 0) {
				/* A heading is no place for a reference: the contents show it raw. */
				size_t before = x->nuses;

				scan_refs(c, x, stretch, pos, d);
				scan_refs(c, x, pos, eol, d);
				if (x->nuses > before && x->uses[x->nuses - 1].start >= pos)
					diag_error(d, c->path, line, x->uses[x->nuses - 1].col,
						   "a heading cannot hold a reference (@%s): the contents and the page's "
						   "title show headings as written", x->uses[x->nuses - 1].label);
				stretch = next;
			}
			blank_before = blank;
		}
		pos = next;
		line++;
	}
	scan_refs(c, x, stretch, c->text_len, d);
	return d->errors == errors ? 0 : -1;
}

void xref_chapter_free(struct xref_chapter *x)
{
	for (size_t i = 0; i < x->nheadings; i++) {
		free(x->headings[i].title);
		free(x->headings[i].attrs);
		free(x->headings[i].label);
		free(x->headings[i].id);
	}
	for (size_t i = 0; i < x->nuses; i++)
		free(x->uses[i].label);
	free(x->headings);
	free(x->uses);
	memset(x, 0, sizeof(*x));
}

void heading_number(const struct heading *h, unsigned chapter, struct buf *out)
{
	if (!h->numbered)
		return;
	buf_printf(out, "%u", chapter);
	if (h->level >= 2)
		buf_printf(out, ".%u", h->num[1]);
	if (h->level >= 3)
		buf_printf(out, ".%u", h->num[2]);
}

/* The index where @p label is or would go in @p tab. */
static size_t slot(const struct xref_table *tab, const char *label, bool *found)
{
	size_t lo = 0, hi = tab->ntargets;

	*found = false;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int cmp = strcmp(tab->targets[mid].label, label);

		if (!cmp) {
			*found = true;
			return mid;
		}
		if (cmp < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

bool xref_table_add(struct xref_table *tab, const struct xref_target *t)
{
	bool found;
	size_t at = slot(tab, t->label, &found);
	struct xref_target *n;

	if (found)
		return false;
	tab->targets = xrealloc(tab->targets, (tab->ntargets + 1) * sizeof(*tab->targets));
	memmove(tab->targets + at + 1, tab->targets + at, (tab->ntargets - at) * sizeof(*tab->targets));
	tab->ntargets++;
	n = &tab->targets[at];
	n->label = xstrdup(t->label);
	n->kind = t->kind;
	n->number = xstrdup(t->number);
	n->slug = xstrdup(t->slug);
	n->tag = xstrdup(t->tag);
	n->anchor = xstrdup(t->anchor ? t->anchor : "");
	return true;
}

const struct xref_target *xref_table_find(const struct xref_table *tab, const char *label)
{
	bool found;
	size_t at = slot(tab, label, &found);

	return found ? &tab->targets[at] : NULL;
}

/*
 * The format, one record a line, fields separated by tabs (no field holds a
 * tab or a newline: labels, numbers, slugs and ids are made of [A-Za-z0-9._-]):
 *
 *     chapter	3
 *     target	LABEL	chapter|section|figure	NUMBER	SLUG	TAG	ANCHOR
 */
void xref_table_write(const struct xref_table *tab, struct buf *out)
{
	buf_printf(out, "chapter\t%u\n", tab->chapter);
	for (size_t i = 0; i < tab->ntargets; i++) {
		const struct xref_target *t = &tab->targets[i];

		buf_printf(out, "target\t%s\t%s\t%s\t%s\t%s\t%s\n", t->label, kind_words[t->kind], t->number,
			   t->slug, t->tag, t->anchor);
	}
}

int xref_table_parse(const char *text, size_t len, struct xref_table *tab, int *bad)
{
	const char *p = text, *end = text + len;
	int line = 0;
	bool numbered = false;

	memset(tab, 0, sizeof(*tab));
	*bad = 0;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *eol = nl ? nl : end;
		struct strlist f = {0};
		bool ok = false;

		line++;
		/* Split on tabs, keeping empty fields (a chapter's anchor is ""). */
		for (const char *s = p;;) {
			const char *tab_at = memchr(s, '\t', (size_t)(eol - s));

			strlist_take(&f, xstrndup(s, (size_t)((tab_at ? tab_at : eol) - s)));
			if (!tab_at)
				break;
			s = tab_at + 1;
		}
		if (f.len == 2 && !strcmp(f.items[0], "chapter") && !numbered) {
			char *e;
			unsigned long n;

			errno = 0;
			n = strtoul(f.items[1], &e, 10);
			ok = !errno && !*e && n > 0 && n < 100000 && isdigit((unsigned char)f.items[1][0]);
			tab->chapter = (unsigned)n;
			numbered = ok;
		} else if (f.len == 7 && !strcmp(f.items[0], "target") && numbered) {
			struct xref_target t = {f.items[1], XREF_CHAPTER, f.items[3], f.items[4], f.items[5], f.items[6]};

			for (int k = XREF_CHAPTER; k <= XREF_FIGURE; k++)
				if (!strcmp(f.items[2], kind_words[k])) {
					t.kind = (enum xref_kind)k;
					ok = true;
				}
			ok = ok && *t.label && *t.number && *t.slug && xref_table_add(tab, &t);
		}
		strlist_free(&f);
		if (!ok) {
			*bad = line;
			xref_table_free(tab);
			return -1;
		}
		p = nl ? nl + 1 : end;
	}
	if (!numbered) {
		*bad = 1;
		return -1;
	}
	return 0;
}

int xref_table_load(const char *path, struct xref_table *tab)
{
	struct buf text = {0};
	int bad, rc;

	memset(tab, 0, sizeof(*tab));
	if (read_file(path, &text) < 0)
		return -1;
	rc = xref_table_parse(text.data ? text.data : "", text.len, tab, &bad);
	buf_free(&text);
	if (rc < 0)
		errno = EINVAL;
	return rc;
}

void xref_table_free(struct xref_table *tab)
{
	for (size_t i = 0; i < tab->ntargets; i++) {
		free(tab->targets[i].label);
		free(tab->targets[i].number);
		free(tab->targets[i].slug);
		free(tab->targets[i].tag);
		free(tab->targets[i].anchor);
	}
	free(tab->targets);
	memset(tab, 0, sizeof(*tab));
}
