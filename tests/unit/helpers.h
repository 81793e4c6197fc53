/* helpers.h - shared by the unit tests: chapters from strings, captured diagnostics. */
#ifndef TESTS_HELPERS_H
#define TESTS_HELPERS_H

#include <stdbool.h>
#include <stddef.h>

#include "book.h"
#include "diag.h"

/** Diagnostics written to memory; text() gives what was reported so far. */
struct captured {
	struct diag d;
	char *buf;
	size_t len;
};

void captured_open(struct captured *c);
/** Everything reported so far (valid until the next call or close). */
const char *captured_text(struct captured *c);
void captured_close(struct captured *c);

/** Write @p text to @p path, or exit. */
void write_file_text(const char *path, const char *text);

/** Write @p text to TMP/book/@p name and return the path (caller frees). */
char *write_chapter(const char *name, const char *text);

/**
 * Load a book of one or two chapters given as (name, text) pairs; the second
 * may be NULL. Diagnostics go to @p c. Returns book_load()'s result.
 */
int load_book(struct book *b, struct captured *c, const char *name1, const char *text1,
	      const char *name2, const char *text2);

/** True when @p haystack contains @p needle. */
bool contains(const char *haystack, const char *needle);

#endif
