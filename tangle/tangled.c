/* tangled.c - see tangled.h. */
#include "tangled.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/*
 * The digest: four lanes, each taking every fourth 8-byte word as
 * lane = rotl(lane + word * P2, 31) * P1, then the lanes, the length and
 * the last partial step folded and mixed. Constants are odd 64-bit primes.
 */
static const uint64_t P1 = 0x9e3779b185ebca87u, P2 = 0xc2b2ae3d27d4eb4fu, P3 = 0x165667b19e3779f9u;

static uint64_t rotl(uint64_t x, unsigned r)
{
	return (x << r) | (x >> (64 - r));
}

static uint64_t load64(const unsigned char *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return v;
}

static uint64_t round64(uint64_t lane, uint64_t word)
{
	return rotl(lane + word * P2, 31) * P1;
}

void tangled_hash_init(struct tangled_hash *h)
{
	h->lane[0] = P1 + P2;
	h->lane[1] = P2;
	h->lane[2] = 0;
	h->lane[3] = 0 - P1;
	h->bytes = 0;
	h->fill = 0;
}

void tangled_hash_update(struct tangled_hash *h, const void *data, size_t len)
{
	const unsigned char *p = data;
	uint64_t a = h->lane[0], b = h->lane[1], c = h->lane[2], d = h->lane[3];

	h->bytes += len;
	if (h->fill) {
		size_t n = 32 - h->fill < len ? 32 - h->fill : len;

		memcpy(h->tail + h->fill, p, n);
		h->fill += n;
		p += n;
		len -= n;
		if (h->fill < 32)
			return;
		a = round64(a, load64(h->tail));
		b = round64(b, load64(h->tail + 8));
		c = round64(c, load64(h->tail + 16));
		d = round64(d, load64(h->tail + 24));
		h->fill = 0;
	}
	for (; len >= 32; p += 32, len -= 32) {
		a = round64(a, load64(p));
		b = round64(b, load64(p + 8));
		c = round64(c, load64(p + 16));
		d = round64(d, load64(p + 24));
	}
	h->lane[0] = a, h->lane[1] = b, h->lane[2] = c, h->lane[3] = d;
	memcpy(h->tail, p, len);
	h->fill = len;
}

uint64_t tangled_hash_final(const struct tangled_hash *h)
{
	uint64_t x = rotl(h->lane[0], 1) + rotl(h->lane[1], 7) + rotl(h->lane[2], 12) +
		     rotl(h->lane[3], 18) + h->bytes * P3;

	for (size_t i = 0; i < h->fill; i++)
		x = rotl(x ^ (h->tail[i] * P3), 11) * P1;
	x ^= x >> 33;
	x *= P2;
	x ^= x >> 29;
	x *= P3;
	return x ^ (x >> 32);
}

uint64_t tangled_hash(const void *data, size_t len)
{
	struct tangled_hash h;

	tangled_hash_init(&h);
	tangled_hash_update(&h, data, len);
	return tangled_hash_final(&h);
}

static void feed(void *h, const void *data, size_t len)
{
	tangled_hash_update(h, data, len);
}

int tangled_hash_file(const char *path, uint64_t *digest)
{
	struct tangled_hash h;

	tangled_hash_init(&h);
	if (read_pieces(path, feed, &h) < 0)
		return -1;
	*digest = tangled_hash_final(&h);
	return 0;
}

int tangled_load(const char *path, struct tangled *t, int *bad_line)
{
	struct buf text = {0};
	int line = 0, rc = 0;

	memset(t, 0, sizeof(*t));
	*bad_line = 0;
	if (read_file(path, &text) < 0)
		return errno == ENOENT ? 0 : -1;
	for (const char *p = text.data ? text.data : ""; *p && rc == 0;) {
		const char *nl = strchr(p, '\n'), *end = nl ? nl : p + strlen(p);
		char *stop;
		uint64_t digest;

		line++;
		if (*p != '#' && end > p) {
			digest = strtoull(p, &stop, 16);
			if (stop != p + 16 || end - stop < 3 || stop[0] != ' ' || stop[1] != ' ') {
				*bad_line = line;
				rc = -1;
			} else {
				char *file = xstrndup(stop + 2, (size_t)(end - stop - 2));

				tangled_set(t, file, digest);
				free(file);
			}
		}
		p = nl ? nl + 1 : end;
	}
	buf_free(&text);
	if (rc < 0)
		tangled_free(t);
	return rc;
}

bool tangled_get(const struct tangled *t, const char *path, uint64_t *digest)
{
	size_t i;

	if (!strmap_get(&t->index, path, &i))
		return false;
	*digest = t->digests[i];
	return true;
}

void tangled_set(struct tangled *t, const char *path, uint64_t digest)
{
	size_t i;

	if (strmap_get(&t->index, path, &i)) {
		t->digests[i] = digest;
		return;
	}
	strlist_add(&t->paths, path);
	t->digests = xrealloc(t->digests, t->paths.len * sizeof(*t->digests));
	t->digests[t->paths.len - 1] = digest;
	strmap_put(&t->index, t->paths.items[t->paths.len - 1], t->paths.len - 1, NULL);
}

static const struct tangled *sorting;

static int by_path(const void *a, const void *b)
{
	return strcmp(sorting->paths.items[*(const size_t *)a], sorting->paths.items[*(const size_t *)b]);
}

void tangled_write(const struct tangled *t, struct buf *out)
{
	size_t *order = xcalloc(t->paths.len + 1, sizeof(*order));

	for (size_t i = 0; i < t->paths.len; i++)
		order[i] = i;
	sorting = t;
	qsort(order, t->paths.len, sizeof(*order), by_path);
	buf_puts(out, "# tangle's record of the files it wrote here (see tangle/tangled.h); do not edit\n");
	for (size_t i = 0; i < t->paths.len; i++)
		buf_printf(out, "%016" PRIx64 "  %s\n", t->digests[order[i]], t->paths.items[order[i]]);
	free(order);
}

void tangled_free(struct tangled *t)
{
	strlist_free(&t->paths);
	free(t->digests);
	strmap_free(&t->index);
	memset(t, 0, sizeof(*t));
}
