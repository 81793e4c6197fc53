/* linemap.c - see linemap.h. */
#include "linemap.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

void line_origins_grow(struct line_origins *o)
{
	o->cap = o->cap ? 2 * o->cap : 256;
	o->line = xrealloc(o->line, o->cap * sizeof(*o->line));
	o->indent = xrealloc(o->indent, o->cap * sizeof(*o->indent));
}

void line_origins_free(struct line_origins *o)
{
	free(o->line);
	free(o->indent);
	memset(o, 0, sizeof(*o));
}

/* Decimal digits of v, then after, at p (room for 21 bytes); returns the end. */
static char *put_digits(char *p, size_t v, char after)
{
	char digits[20];
	int n = 0;

	do {
		digits[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n)
		*p++ = digits[--n];
	*p++ = after;
	return p;
}

/* Append "A B C\n" without printf: this runs once per run of a map. */
static void put_run(struct buf *b, size_t first, size_t line, size_t indent)
{
	char *p;

	buf_grow(b, 3 * 21);
	p = put_digits(b->data + b->len, first, ' ');
	p = put_digits(p, line, ' ');
	p = put_digits(p, indent, '\n');
	*p = '\0';
	b->len = (size_t)(p - b->data);
}

void linemap_encode_begin(struct linemap_encoder *e, const char *chapter, struct buf *out)
{
	*e = (struct linemap_encoder){out, 0, 0, 0};
	buf_printf(out, "%s\n", chapter);
}

void linemap_encode_more(struct linemap_encoder *e, const struct line_origins *o)
{
	for (size_t i = 0; i < o->n; i++, e->n++) {
		bool goes_on = e->n && o->line[i] == e->line + 1 && o->indent[i] == e->indent;

		e->line = o->line[i];
		e->indent = o->indent[i];
		if (goes_on)
			continue;	/* the run goes on */
		put_run(e->out, e->n + 1, (size_t)o->line[i], (size_t)o->indent[i]);
	}
}

void linemap_encode_end(struct linemap_encoder *e)
{
	buf_printf(e->out, "end %zu\n", e->n);
}

void linemap_encode(const struct line_origins *o, const char *chapter, struct buf *out)
{
	struct linemap_encoder e;

	linemap_encode_begin(&e, chapter, out);
	linemap_encode_more(&e, o);
	linemap_encode_end(&e);
}

int linemap_load(struct linemap *m, const char *path)
{
	struct buf text = {0};
	struct run {
		long first, line, indent;
	} *runs = NULL;
	size_t nruns = 0;
	long total = -1;
	char *p, *end;

	memset(m, 0, sizeof(*m));
	if (read_file(path, &text) < 0 || !text.data || !(p = strchr(text.data, '\n')) || p == text.data)
		goto fail;
	m->chapter = xstrndup(text.data, (size_t)(p - text.data));
	/* The runs, then "end N". */
	for (p++; *p; p = end + 1) {
		struct run r;

		if (!strncmp(p, "end ", 4)) {
			total = strtol(p + 4, &end, 10);
			if (*end != '\n' || total < 0 || end[1])
				goto fail;
			break;
		}
		r.first = strtol(p, &end, 10);
		if (*end != ' ')
			goto fail;
		r.line = strtol(end + 1, &end, 10);
		if (*end != ' ')
			goto fail;
		r.indent = strtol(end + 1, &end, 10);
		/* Runs start at line 1 and go strictly forward. */
		if (*end != '\n' || r.line < 1 || r.indent < 0 ||
		    r.first <= (nruns ? runs[nruns - 1].first : 0))
			goto fail;
		runs = xrealloc(runs, (nruns + 1) * sizeof(*runs));
		runs[nruns++] = r;
	}
	if (total < 0 || (nruns && runs[0].first != 1) || (!nruns && total))
		goto fail;
	m->lines = xmalloc((size_t)(total ? total : 1) * sizeof(*m->lines));
	m->indents = xmalloc((size_t)(total ? total : 1) * sizeof(*m->indents));
	for (size_t i = 0; i < nruns; i++) {
		long upto = i + 1 < nruns ? runs[i + 1].first : total + 1;

		if (upto > total + 1)
			goto fail;
		for (long k = runs[i].first; k < upto; k++) {
			m->lines[k - 1] = (int)(runs[i].line + (k - runs[i].first));
			m->indents[k - 1] = (int)runs[i].indent;
		}
	}
	m->n = (size_t)total;
	free(runs);
	buf_free(&text);
	return 0;
fail:
	free(runs);
	buf_free(&text);
	linemap_free(m);
	return -1;
}

int linemap_lookup(const struct linemap *m, long line, long col, long *cline, long *ccol)
{
	if (line < 1 || (size_t)line > m->n)
		return -1;
	*cline = m->lines[line - 1];
	*ccol = col > 0 ? col - m->indents[line - 1] : 0;
	if (col > 0 && *ccol < 1)
		*ccol = 1;
	return 0;
}

void linemap_free(struct linemap *m)
{
	free(m->chapter);
	free(m->lines);
	free(m->indents);
	memset(m, 0, sizeof(*m));
}

const struct linemap *linemap_get(struct linemap_cache *c, const char *snippet)
{
	char *path;

	for (size_t i = 0; i < c->paths.len; i++)
		if (!strcmp(c->paths.items[i], snippet))
			return c->maps[i].chapter ? &c->maps[i] : NULL;
	c->maps = xrealloc(c->maps, (c->paths.len + 1) * sizeof(*c->maps));
	path = xasprintf("%s/%s.map", c->maps_dir, snippet);
	if (linemap_load(&c->maps[c->paths.len], path) < 0)
		memset(&c->maps[c->paths.len], 0, sizeof(*c->maps));
	free(path);
	strlist_add(&c->paths, snippet);
	return c->maps[c->paths.len - 1].chapter ? &c->maps[c->paths.len - 1] : NULL;
}

void linemap_cache_free(struct linemap_cache *c)
{
	for (size_t i = 0; i < c->paths.len; i++)
		linemap_free(&c->maps[i]);
	free(c->maps);
	strlist_free(&c->paths);
	c->maps = NULL;
}

static bool path_char(char ch)
{
	return isalnum((unsigned char)ch) || ch == '.' || ch == '_' || ch == '-' || ch == '/';
}

static long number_at(const char *s, const char *end, size_t *used)
{
	long n = 0;

	*used = 0;
	while (s + *used < end && isdigit((unsigned char)s[*used]) && *used < 9)
		n = n * 10 + (s[(*used)++] - '0');
	return n;
}

void linemap_rewrite(struct linemap_cache *c, const char *snippets_dir,
		     const char *text, size_t len, struct buf *out)
{
	const char *end = text + len, *p = text;
	size_t dlen = strlen(snippets_dir);

	while (p < end) {
		const char *hit = NULL, *rel, *q;
		const struct linemap *m;
		char *snippet;
		size_t used;
		long line, col = 0, cline, ccol;

		for (const char *s = p; s + dlen < end; s++) {
			if (!memcmp(s, snippets_dir, dlen) && s[dlen] == '/') {
				hit = s;
				break;
			}
		}
		if (!hit) {
			buf_add(out, p, (size_t)(end - p));
			return;
		}
		buf_add(out, p, (size_t)(hit - p));
		rel = hit + dlen + 1;
		for (q = rel; q < end && path_char(*q); q++)
			;
		snippet = xstrndup(rel, (size_t)(q - rel));
		m = (q < end && *q == ':') ? linemap_get(c, snippet) : NULL;
		free(snippet);
		if (!m) {
			buf_add(out, hit, (size_t)(q - hit));
			p = q;
			continue;
		}
		line = number_at(q + 1, end, &used);
		if (!used) {
			/* "snippets/ch02/x.c: In function 'main':" */
			buf_puts(out, m->chapter);
			p = q;
			continue;
		}
		if (linemap_lookup(m, line, 0, &cline, &ccol) < 0) {
			/* Not a line tangle wrote: keep the snippet's own location. */
			buf_add(out, hit, (size_t)(q - hit));
			p = q;
			continue;
		}
		q += 1 + used;
		if (q < end && *q == ':') {
			col = number_at(q + 1, end, &used);
			if (used)
				q += 1 + used;
			else
				col = 0;
		}
		linemap_lookup(m, line, col, &cline, &ccol);
		if (col)
			buf_printf(out, "%s:%ld:%ld", m->chapter, cline, ccol);
		else
			buf_printf(out, "%s:%ld", m->chapter, cline);
		p = q;
	}
}
