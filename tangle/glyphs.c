/* glyphs.c - see glyphs.h. */
#include "glyphs.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

static int by_first(const void *a, const void *b)
{
	const struct glyph_range *x = a, *y = b;

	return x->first < y->first ? -1 : x->first > y->first;
}

int glyphs_parse(const char *text, size_t len, struct glyphs *g)
{
	size_t cap = 0, n = 0, out = 0;
	struct glyph_range *r = NULL;

	memset(g, 0, sizeof(*g));
	for (size_t i = 0; i < len;) {
		unsigned long first, last;
		char *end;

		if (isspace((unsigned char)text[i])) {
			i++;
			continue;
		}
		if (!isxdigit((unsigned char)text[i]))
			goto bad;
		first = last = strtoul(text + i, &end, 16);
		i = (size_t)(end - text);
		if (i < len && text[i] == '-') {
			if (i + 1 >= len || !isxdigit((unsigned char)text[i + 1]))
				goto bad;
			last = strtoul(text + i + 1, &end, 16);
			i = (size_t)(end - text);
		}
		if (last < first || last > 0x10FFFF || (i < len && !isspace((unsigned char)text[i])))
			goto bad;
		if (n == cap) {
			cap = cap ? 2 * cap : 256;
			r = xrealloc(r, cap * sizeof(*r));
		}
		r[n++] = (struct glyph_range){first, last};
	}
	/* The union of every font's ranges. */
	qsort(r, n, sizeof(*r), by_first);
	for (size_t i = 0; i < n; i++) {
		if (out && r[i].first <= r[out - 1].last + 1) {
			if (r[i].last > r[out - 1].last)
				r[out - 1].last = r[i].last;
		} else {
			r[out++] = r[i];
		}
	}
	g->ranges = r;
	g->n = out;
	return 0;
bad:
	free(r);
	return -1;
}

void glyphs_write(const struct glyphs *g, struct buf *out)
{
	for (size_t i = 0; i < g->n; i++) {
		buf_printf(out, "%s%lx", i ? " " : "", g->ranges[i].first);
		if (g->ranges[i].last != g->ranges[i].first)
			buf_printf(out, "-%lx", g->ranges[i].last);
	}
	buf_putc(out, '\n');
}

bool glyphs_cover(const struct glyphs *g, unsigned long cp)
{
	size_t lo = 0, hi = g->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (cp < g->ranges[mid].first)
			hi = mid;
		else if (cp > g->ranges[mid].last)
			lo = mid + 1;
		else
			return true;
	}
	return false;
}

bool glyph_invisible(unsigned long cp)
{
	return cp < 0x20 || (cp >= 0x7f && cp < 0xa0) || (cp >= 0x200b && cp <= 0x200f) ||
	       (cp >= 0x2028 && cp <= 0x202e) || (cp >= 0x2060 && cp <= 0x206f) ||
	       (cp >= 0xfe00 && cp <= 0xfe0f) || cp == 0xfeff || (cp >= 0xe0100 && cp <= 0xe01ef) ||
	       (cp >= 0xe0000 && cp <= 0xe007f);
}

size_t glyphs_first_missing(const struct glyphs *g, const char *text, size_t len, unsigned long *cp)
{
	const unsigned char *s = (const unsigned char *)text;

	for (size_t i = 0; i < len;) {
		size_t n = utf8_sequence(s + i, len - i);
		unsigned long c;

		if (n <= 1) {
			i++;		/* ASCII, which every font has, or invalid UTF-8 */
			continue;
		}
		c = s[i] & (0x7f >> n);
		for (size_t k = 1; k < n; k++)
			c = (c << 6) | (s[i + k] & 0x3f);
		if (!glyph_invisible(c) && !glyphs_cover(g, c)) {
			*cp = c;
			return i;
		}
		i += n;
	}
	return (size_t)-1;
}

void glyphs_free(struct glyphs *g)
{
	free(g->ranges);
	memset(g, 0, sizeof(*g));
}
