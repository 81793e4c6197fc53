/* util.c - see util.h. */
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void out_of_memory(void)
{
	fputs("fatal: out of memory\n", stderr);
	exit(1);
}

void *xmalloc(size_t size)
{
	void *p = malloc(size ? size : 1);
	if (!p)
		out_of_memory();
	return p;
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (!p)
		out_of_memory();
	return p;
}

void *xrealloc(void *ptr, size_t size)
{
	void *p = realloc(ptr, size ? size : 1);
	if (!p)
		out_of_memory();
	return p;
}

char *xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *xasprintf(const char *fmt, ...)
{
	struct buf b = {0};
	va_list ap;

	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	return buf_detach(&b);
}

void buf_grow(struct buf *b, size_t extra)
{
	size_t need;

	if (extra > SIZE_MAX - b->len - 1)
		out_of_memory();
	need = b->len + extra + 1;
	if (need <= b->cap)
		return;
	if (b->cap > SIZE_MAX / 2)
		out_of_memory();
	b->cap = b->cap ? b->cap * 2 : 64;
	if (b->cap < need)
		b->cap = need;
	b->data = xrealloc(b->data, b->cap);
}

void buf_add(struct buf *b, const void *data, size_t n)
{
	buf_grow(b, n);
	if (n)
		memcpy(b->data + b->len, data, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void buf_puts(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

void buf_putc(struct buf *b, char c)
{
	buf_add(b, &c, 1);
}

void buf_vprintf(struct buf *b, const char *fmt, va_list ap)
{
	va_list copy;
	int n;

	va_copy(copy, ap);
	n = vsnprintf(NULL, 0, fmt, copy);
	va_end(copy);
	if (n < 0)
		return;
	buf_grow(b, (size_t)n);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
}

void buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	buf_vprintf(b, fmt, ap);
	va_end(ap);
}

void buf_reset(struct buf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = '\0';
}

void buf_free(struct buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

char *buf_detach(struct buf *b)
{
	char *s = b->data ? b->data : xstrdup("");

	b->data = NULL;
	b->len = b->cap = 0;
	return s;
}

void strlist_take(struct strlist *l, char *s)
{
	if (l->len == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 2;	/* most lists hold a class or two */
		l->items = xrealloc(l->items, l->cap * sizeof(*l->items));
	}
	l->items[l->len++] = s;
}

void strlist_add(struct strlist *l, const char *s)
{
	strlist_take(l, xstrdup(s));
}

bool strlist_has(const struct strlist *l, const char *s)
{
	for (size_t i = 0; i < l->len; i++)
		if (!strcmp(l->items[i], s))
			return true;
	return false;
}

void strlist_free(struct strlist *l)
{
	for (size_t i = 0; i < l->len; i++)
		free(l->items[i]);
	free(l->items);
	l->items = NULL;
	l->len = l->cap = 0;
}

struct arena_block {
	struct arena_block *next;
	void *data[];		/* aligned like a pointer */
};

/* Blocks of this size are allocated at once; a larger piece gets its own. */
enum { ARENA_BLOCK = 64 * 1024 };

/* n bytes at a multiple of align (a power of two), from the block in use if they fit. */
static void *arena_take(struct arena *a, size_t n, size_t align)
{
	struct arena_block *blk;
	size_t pad = (align - ((uintptr_t)a->next & (align - 1))) & (align - 1);
	char *p;

	if (n > ARENA_BLOCK / 4) {
		/* A piece of its own, behind the block in use, which stays in use. */
		if (n > SIZE_MAX - sizeof(*blk))
			out_of_memory();
		blk = xmalloc(sizeof(*blk) + n);
		blk->next = a->blocks ? a->blocks->next : NULL;
		if (a->blocks)
			a->blocks->next = blk;
		else
			a->blocks = blk;
		return blk->data;
	}
	if (!a->next || a->left < pad || a->left - pad < n) {
		blk = xmalloc(sizeof(*blk) + ARENA_BLOCK);
		blk->next = a->blocks;
		a->blocks = blk;
		a->next = (char *)blk->data;
		a->left = ARENA_BLOCK;
		pad = 0;
	}
	p = a->next + pad;
	a->next = p + n;
	a->left -= pad + n;
	return p;
}

void *arena_alloc(struct arena *a, size_t n)
{
	return arena_take(a, n, sizeof(void *));
}

char *arena_strndup(struct arena *a, const char *s, size_t n)
{
	char *p;

	if (n == SIZE_MAX)
		out_of_memory();
	p = arena_take(a, n + 1, 1);	/* strings need no alignment: packed */
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

void arena_absorb(struct arena *into, struct arena *from)
{
	struct arena_block *last = from->blocks;

	if (!last)
		return;
	if (!into->blocks) {
		*into = *from;
	} else {
		/* Behind the block in use, which stays in use. */
		while (last->next)
			last = last->next;
		last->next = into->blocks->next;
		into->blocks->next = from->blocks;
	}
	memset(from, 0, sizeof(*from));
}

void arena_free(struct arena *a)
{
	while (a->blocks) {
		struct arena_block *next = a->blocks->next;

		free(a->blocks);
		a->blocks = next;
	}
	memset(a, 0, sizeof(*a));
}

static size_t str_hash(const char *s)
{
	size_t h = 0xcbf29ce484222325u;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3u;
	return h;
}

/* The slot of @p key, or the empty slot where it would go. */
static struct strmap_slot *strmap_slot(const struct strmap *m, const char *key, size_t hash)
{
	size_t i = hash & (m->cap - 1);

	while (m->slots[i].key && (m->slots[i].hash != hash || strcmp(m->slots[i].key, key)))
		i = (i + 1) & (m->cap - 1);
	return &m->slots[i];
}

bool strmap_put(struct strmap *m, const char *key, size_t value, size_t *old)
{
	size_t hash = str_hash(key);
	struct strmap_slot *s;

	if (2 * (m->len + 1) > m->cap) {
		struct strmap grown = {xcalloc(m->cap ? 2 * m->cap : 16, sizeof(*m->slots)),
				       m->cap ? 2 * m->cap : 16, m->len};

		for (size_t i = 0; i < m->cap; i++)
			if (m->slots[i].key)
				*strmap_slot(&grown, m->slots[i].key, m->slots[i].hash) = m->slots[i];
		free(m->slots);
		*m = grown;
	}
	s = strmap_slot(m, key, hash);
	if (s->key) {
		if (old)
			*old = s->value;
		return false;
	}
	*s = (struct strmap_slot){key, hash, value};
	m->len++;
	return true;
}

void strlist_split(struct strlist *l, const char *p, const char *end)
{
	while (p < end) {
		const char *w;

		while (p < end && *p == ' ')
			p++;
		for (w = p; p < end && *p != ' '; p++)
			;
		if (p > w)
			strlist_take(l, xstrndup(w, (size_t)(p - w)));
	}
}

size_t *strmap_ref(struct strmap *m, const char *key)
{
	struct strmap_slot *s;

	if (!m->cap)
		return NULL;
	s = strmap_slot(m, key, str_hash(key));
	return s->key ? &s->value : NULL;
}

bool strmap_get(const struct strmap *m, const char *key, size_t *value)
{
	const struct strmap_slot *s;

	if (!m->cap)
		return false;
	s = strmap_slot(m, key, str_hash(key));
	if (!s->key)
		return false;
	if (value)
		*value = s->value;
	return true;
}

void strmap_free(struct strmap *m)
{
	free(m->slots);
	memset(m, 0, sizeof(*m));
}

bool starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && memcmp(s + n - m, suffix, m) == 0;
}

size_t utf8_sequence(const unsigned char *s, size_t n)
{
	size_t len;
	unsigned min, cp;

	if (n == 0)
		return 0;
	if (s[0] < 0x80)
		return 1;
	if ((s[0] & 0xe0) == 0xc0) {
		len = 2;
		min = 0x80;
		cp = s[0] & 0x1f;
	} else if ((s[0] & 0xf0) == 0xe0) {
		len = 3;
		min = 0x800;
		cp = s[0] & 0x0f;
	} else if ((s[0] & 0xf8) == 0xf0) {
		len = 4;
		min = 0x10000;
		cp = s[0] & 0x07;
	} else {
		return 0;
	}
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

size_t edit_distance(const char *a, const char *b)
{
	size_t n = strlen(a), m = strlen(b);
	size_t *row = xmalloc((m + 1) * sizeof(*row));
	size_t result;

	for (size_t j = 0; j <= m; j++)
		row[j] = j;
	for (size_t i = 1; i <= n; i++) {
		size_t diag = row[0];

		row[0] = i;
		for (size_t j = 1; j <= m; j++) {
			size_t up = row[j];
			size_t best = diag + (a[i - 1] != b[j - 1]);

			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = up;
		}
	}
	result = row[m];
	free(row);
	return result;
}

int read_file(const char *path, struct buf *out)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;

	buf_reset(out);
	if (fd < 0)
		return -1;
	/*
	 * Read straight into the buffer, sized for the whole file and one byte
	 * more, so that the read that finds the end needs no larger buffer.
	 */
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0)
		buf_grow(out, (size_t)st.st_size + 1);
	for (;;) {
		ssize_t n;

		if (out->len + 1 >= out->cap)
			buf_grow(out, 65536);
		n = read(fd, out->data + out->len, out->cap - out->len - 1);
		if (n == 0)
			break;
		if (n < 0) {
			int saved = errno;

			if (saved == EINTR)
				continue;
			close(fd);
			errno = saved;
			return -1;
		}
		out->len += (size_t)n;
		out->data[out->len] = '\0';
	}
	close(fd);
	return 0;
}

int read_pieces(const char *path, void (*take)(void *ctx, const void *data, size_t len), void *ctx)
{
	unsigned char chunk[65536];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	while ((n = read(fd, chunk, sizeof(chunk))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int e = errno;

			close(fd);
			errno = e;
			return -1;
		}
		take(ctx, chunk, (size_t)n);
	}
	close(fd);
	return 0;
}
