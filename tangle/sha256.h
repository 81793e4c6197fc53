/**
 * @file sha256.h
 * @brief SHA-256 (FIPS 180-4), for provenance: what a run was made from is
 * recorded by the content of its inputs, never by their times.
 *
 * Digests are shown as 64 lower-case hexadecimal digits, as sha256sum(1)
 * prints them, so a reader can check one by hand.
 */
#ifndef TANGLE_SHA256_H
#define TANGLE_SHA256_H

#include <stddef.h>
#include <stdint.h>

/** Hexadecimal digits of a digest, and the NUL after them. */
enum { SHA256_HEX = 65 };

/** A hash in progress. */
struct sha256 {
	uint32_t h[8];			/**< the chaining state */
	uint64_t bytes;			/**< message length so far */
	unsigned char block[64];	/**< the partial block */
	size_t fill;			/**< bytes of it in use */
};

/** Start a new hash. */
void sha256_init(struct sha256 *s);

/** Add @p len bytes at @p data to the message. */
void sha256_update(struct sha256 *s, const void *data, size_t len);

/** Finish the hash and write its digest to @p hex; @p s is then spent. */
void sha256_final_hex(struct sha256 *s, char hex[SHA256_HEX]);

/** The digest of @p len bytes at @p data. */
void sha256_hex(const void *data, size_t len, char hex[SHA256_HEX]);

/**
 * The digest of the file at @p path, read in pieces (a binary or a snippet
 * of any size). Returns 0, or -1 with errno set when it cannot be read.
 */
int sha256_file(const char *path, char hex[SHA256_HEX]);

#endif
