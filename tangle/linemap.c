/* linemap.c - see linemap.h. */
#include "linemap.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

int linemap_load(struct linemap *m, const char *path)
{
	struct buf text = {0};
	char *p, *nl;
	size_t cap = 0;

	memset(m, 0, sizeof(*m));
	if (read_file(path, &text) < 0 || !text.data)
		goto fail;
	nl = strchr(text.data, '\n');
	if (!nl || nl == text.data)
		goto fail;
	m->chapter = xstrndup(text.data, (size_t)(nl - text.data));
	for (p = nl + 1; *p; p = nl + 1) {
		char *end;
		long line = strtol(p, &end, 10), indent;

		if (end == p || *end != ' ')
			goto fail;
		indent = strtol(end + 1, &end, 10);
		if (*end != '\n' || line < 1 || indent < 0)
			goto fail;
		if (m->n == cap) {
			cap = cap ? cap * 2 : 64;
			m->lines = xrealloc(m->lines, cap * sizeof(*m->lines));
			m->indents = xrealloc(m->indents, cap * sizeof(*m->indents));
		}
		m->lines[m->n] = (int)line;
		m->indents[m->n] = (int)indent;
		m->n++;
		nl = end;
	}
	buf_free(&text);
	return 0;
fail:
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
