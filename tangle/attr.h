/**
 * @file attr.h
 * @brief pandoc attribute blocks, as they open a fenced code block:
 *
 *     {.c file=ch02/barrier.c}
 *     {.c #barrier-runner}
 *     {.console .run timeout=10 labels="slow mpi"}
 *
 * Items are separated by blanks: ".class", "#id", "key=value", with the value
 * bare (no blanks, no '}') or quoted with '"' or '\'' (a backslash escapes the
 * next character inside quotes). Keys are letters, digits, '-' and '_'.
 */
#ifndef TANGLE_ATTR_H
#define TANGLE_ATTR_H

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"
#include "util.h"

/** One key=value item with the column its key starts at. */
struct attr_kv {
	char *key;	/**< the key, without "=" */
	char *value;	/**< the value, unquoted and unescaped */
	int col;	/**< column of the key in the chapter */
};

/**
 * A parsed attribute block. A zeroed struct attrs is empty. Its strings and
 * arrays live in the arena it was parsed into.
 */
struct attrs {
	char *id;		/**< "#id" without the '#', or NULL */
	char **classes;		/**< ".class" names without the '.' */
	struct attr_kv *kvs;	/**< key=value items, in the order written */
	int id_col;		/**< column of the '#' */
	unsigned nclasses;	/**< number of classes */
	unsigned nkvs;		/**< number of kvs */
};

/**
 * Parse the attribute block @p text (which starts with '{') found at @p file
 * : @p line, column @p col, allocating in @p mem (a chapter's attributes
 * are released together, with its arena). Errors (unbalanced quote, junk
 * after '}', a key or id given twice, ...) are reported at the offending
 * column and counted in @p d; the return value is 0 on success and -1 after
 * an error.
 */
int attrs_parse(struct attrs *a, struct arena *mem, const char *text, size_t len,
		const char *file, int line, int col, struct diag *d);

/** Value of @p key, or NULL when it is absent. */
const char *attrs_get(const struct attrs *a, const char *key);
/** Column where @p key was written, or 0 when it is absent. */
int attrs_col(const struct attrs *a, const char *key);
/** True when the class @p name is present. */
bool attrs_has_class(const struct attrs *a, const char *name);

#endif
