/**
 * @file tangled.h
 * @brief snippets/.tangled: every file tangle wrote under snippets/, with a
 * digest of what it wrote. tangle reads it to tell a chapter's edit (the
 * file is as tangle left it, the book now says otherwise: write it again)
 * from a hand edit of a snippet (the file is not as tangle left it: report
 * it, never overwrite it), and to remove exactly the files it wrote that no
 * chapter defines any more, whatever their extension. It is committed with
 * snippets/, so a fresh clone knows this too.
 *
 *     # tangle's record of the files it wrote here (see tangle/tangled.h)
 *     3f9a2c1b4d5e6f70  ch01/tasks.c
 *
 * The digest is tangled_hash(), 64 bits as 16 hexadecimal digits: tangle
 * takes it of every file it expands, so it must cost little beside the
 * expansion (a cryptographic hash would halve tangle's throughput on a large
 * book, measured with make bench); it detects edits, not forgeries.
 */
#ifndef TANGLE_TANGLED_H
#define TANGLE_TANGLED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util.h"

/** The file's name in snippets/. */
#define TANGLED_NAME ".tangled"

/** A digest in progress (see tangled_hash()). */
struct tangled_hash {
	uint64_t lane[4];	/**< four independent lanes, 8 bytes each per step */
	uint64_t bytes;		/**< bytes so far */
	unsigned char tail[32];	/**< a partial step */
	size_t fill;		/**< bytes of it in use */
};

/** Start a digest. */
void tangled_hash_init(struct tangled_hash *h);
/** Add @p len bytes. */
void tangled_hash_update(struct tangled_hash *h, const void *data, size_t len);
/** The digest of what was added. */
uint64_t tangled_hash_final(const struct tangled_hash *h);
/** The digest of @p len bytes at @p data. */
uint64_t tangled_hash(const void *data, size_t len);
/** The digest of the file @p path; 0 with errno set when it cannot be read. */
int tangled_hash_file(const char *path, uint64_t *digest);

/** The record: paths relative to snippets/, each with its digest. */
struct tangled {
	struct strlist paths;	/**< in the order they were set (the file is sorted) */
	uint64_t *digests;	/**< digests[i] is of paths.items[i] */
	struct strmap index;	/**< path -> i */
};

/**
 * Read the record at @p path (DIR/.tangled, or a copy in another file) into
 * @p t. A missing file is an empty record (a tree tangled before the record
 * existed); 0, or -1 when it cannot be read or does not parse (a line
 * number in @p bad_line, 0 for a read error).
 */
int tangled_load(const char *path, struct tangled *t, int *bad_line);

/** The digest recorded for @p path; false when it has none. */
bool tangled_get(const struct tangled *t, const char *path, uint64_t *digest);

/** Set the digest of @p path, adding it when it is new. */
void tangled_set(struct tangled *t, const char *path, uint64_t digest);

/** Append the file's text for @p t to @p out, sorted by path. */
void tangled_write(const struct tangled *t, struct buf *out);

/** Release what @p t owns. */
void tangled_free(struct tangled *t);

#endif
