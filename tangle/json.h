/**
 * @file json.h
 * @brief the flat JSON objects the toolchain writes and reads: one object
 * of string, number, boolean and null members, and objects of such members
 * one level deep, read flat ("inputs": {"a": "x"} is the key "inputs.a").
 * Enough for a run's record (build/out/ID.json, runrecord.h) and no more.
 */
#ifndef TANGLE_JSON_H
#define TANGLE_JSON_H

#include <stdbool.h>

#include "util.h"

/** Append @p s to @p b as a JSON string literal (with quotes). */
void json_string(struct buf *b, const char *s);

/** A parsed object, read flat: keys[i] maps to values[i] (NULL for null). */
struct json_flat {
	struct strlist keys; /**< member names, in the order written */
	struct strlist values;	/**< strings unescaped; numbers and booleans as written */
};

/** Parse @p text; returns 0, or -1 when it is not a flat JSON object. */
int json_flat_parse(struct json_flat *j, const char *text);

/** Value of @p key, or NULL when absent or null. */
const char *json_flat_get(const struct json_flat *j, const char *key);

/** Release what @p j owns. */
void json_flat_free(struct json_flat *j);

#endif
