/**
 * @file util.h
 * @brief memory, growable buffers and string helpers for the toolchain.
 *
 * Allocation failures are not recoverable in a command-line tool that holds a
 * book in memory, so the x* allocators print a message and exit(1), as git's
 * do. Everything else reports errors to its caller.
 */
#ifndef TANGLE_UTIL_H
#define TANGLE_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

/** Allocate @p size bytes or exit with "out of memory". Never returns NULL. */
void *xmalloc(size_t size);
/** Zeroed allocation of @p n elements of @p size bytes; exits on failure or overflow. */
void *xcalloc(size_t n, size_t size);
/** Resize @p ptr to @p size bytes; exits on failure. */
void *xrealloc(void *ptr, size_t size);
/** Copy of the NUL-terminated string @p s. */
char *xstrdup(const char *s);
/** Copy of the first @p n bytes of @p s, NUL-terminated. */
char *xstrndup(const char *s, size_t n);
/** printf into a freshly allocated string. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/**
 * A growable byte buffer. data is always NUL-terminated (so it can be used
 * as a C string when it holds text) and len never counts that terminator.
 * A zeroed struct buf is a valid empty buffer.
 */
struct buf {
	char *data;	/**< the bytes, NUL-terminated; NULL while empty */
	size_t len;	/**< bytes used, without the NUL */
	size_t cap;	/**< bytes allocated */
};

/** Make sure at least @p extra more bytes fit without reallocation. */
void buf_grow(struct buf *b, size_t extra);
/** Append @p n bytes. */
void buf_add(struct buf *b, const void *data, size_t n);
/** Append a NUL-terminated string. */
void buf_puts(struct buf *b, const char *s);
/** Append one byte. */
void buf_putc(struct buf *b, char c);
/** Append formatted text. */
void buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/** va_list form of buf_printf. */
void buf_vprintf(struct buf *b, const char *fmt, va_list ap);
/** Forget the contents, keep the storage. */
void buf_reset(struct buf *b);
/** Release the storage; the buffer is empty and reusable afterwards. */
void buf_free(struct buf *b);
/** Give the caller the NUL-terminated contents; the buffer becomes empty. */
char *buf_detach(struct buf *b);

/** A growable array of owned strings. A zeroed struct strlist is empty. */
struct strlist {
	char **items;	/**< the strings */
	size_t len;	/**< number of strings */
	size_t cap;	/**< slots allocated */
};

/** Append a copy of @p s. */
void strlist_add(struct strlist *l, const char *s);
/** Append @p s, taking ownership of it. */
void strlist_take(struct strlist *l, char *s);
/** True when an item equal to @p s is present. */
bool strlist_has(const struct strlist *l, const char *s);
/** Add the words of [@p p, @p end), separated by blanks (' '), to @p l. */
void strlist_split(struct strlist *l, const char *p, const char *end);
/** Free every item and the array. */
void strlist_free(struct strlist *l);

/**
 * A map from strings to numbers (indices, mostly), by open addressing: what
 * the book looks names up in, so that a book of many roots, runs or files
 * costs time linear in their number. Keys are not copied: they must outlive
 * the map. A zeroed struct strmap is empty.
 */
struct strmap {
	struct strmap_slot *slots; /**< cap slots; a NULL key is empty */
	size_t cap;		/**< a power of two, or 0 */
	size_t len;		/**< keys present */
};

/** One slot of a struct strmap. */
struct strmap_slot {
	const char *key;	/**< the key, or NULL */
	size_t hash;		/**< of the key */
	size_t value;		/**< its value */
};

/**
 * Map @p key to @p value unless it is present already. Returns true when it
 * was added; false when present, with its value in *old (when not NULL).
 */
bool strmap_put(struct strmap *m, const char *key, size_t value, size_t *old);
/** The value of @p key, to read or change, or NULL; valid until the next strmap_put(). */
size_t *strmap_ref(struct strmap *m, const char *key);
/** True when @p key is present, with its value in *value (when not NULL). */
bool strmap_get(const struct strmap *m, const char *key, size_t *value);
/** Release the slots (not the keys). */
void strmap_free(struct strmap *m);

/**
 * Memory handed out in small pieces and released all at once: the many
 * little strings of a parsed chapter cost no malloc each. A zeroed struct
 * arena is empty.
 */
struct arena {
	struct arena_block *blocks;	/**< the blocks, newest first */
	char *next;			/**< free space in the newest block */
	size_t left;			/**< bytes of it */
};

/** @p n bytes, aligned like a pointer (and so like size_t); exits when out of memory. */
void *arena_alloc(struct arena *a, size_t n);
/** Copy of the first @p n bytes of @p s, NUL-terminated, in @p a. */
char *arena_strndup(struct arena *a, const char *s, size_t n);
/** Make every piece of @p from a piece of @p into; @p from is left empty. */
void arena_absorb(struct arena *into, struct arena *from);
/** Release every piece of @p a; it is empty and reusable afterwards. */
void arena_free(struct arena *a);

/** True when @p s starts with @p prefix. */
bool starts_with(const char *s, const char *prefix);
/** True when @p s ends with @p suffix. */
bool ends_with(const char *s, const char *suffix);
/**
 * Length of the valid UTF-8 sequence starting at @p s (at most @p n bytes):
 * 1 to 4, or 0 when the bytes there are not valid UTF-8 (overlong forms,
 * surrogates and values past U+10FFFF are invalid).
 */
size_t utf8_sequence(const unsigned char *s, size_t n);

/** Levenshtein distance between two strings (used for "did you mean"). */
size_t edit_distance(const char *a, const char *b);

/**
 * Read the whole file at @p path into @p out (replacing its contents).
 * Returns 0, or -1 with errno set.
 */
int read_file(const char *path, struct buf *out);

/**
 * Read the file at @p path piece by piece, giving each piece to @p take
 * (with @p ctx): for digests of files of any size. 0, or -1 with errno set.
 */
int read_pieces(const char *path, void (*take)(void *ctx, const void *data, size_t len), void *ctx);

#endif
