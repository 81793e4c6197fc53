/**
 * @file expr.h
 * @brief the small expression language of inline values and claims: numbers,
 * names of values taken from runs, arithmetic and comparisons.
 *
 *     serial / threads                    a value computed from two others
 *     1 <= add_copy1 <= 1.15              a range (comparisons chain)
 *     hidden > 0 and hidden < 1           tests combine with and, or, not
 *     max(ratio1, ratio2, ratio4) < 1.3   min(), max() and abs() of numbers
 *     ch01.serial                         a value of another chapter
 *
 * Grammar, loosest first:
 *
 *     test   := and ('or' and)*
 *     and    := not ('and' not)*
 *     not    := 'not' not | cmp
 *     cmp    := sum (('<' | '<=' | '>' | '>=' | '==' | '!=') sum)*
 *     sum    := prod (('+' | '-') prod)*
 *     prod   := unary (('*' | '/') unary)*
 *     unary  := '-' unary | primary
 *     primary:= NUMBER | NAME | FUNC '(' sum (',' sum)* ')' | '(' test ')'
 *     NAME   := [A-Za-z_][A-Za-z0-9_]* ('.' [A-Za-z_][A-Za-z0-9_]*)?
 *
 * A chain "a < b < c" holds when every link does. Every number is a double;
 * a test is 1 when it holds and 0 when it does not, and a comparison with a
 * NaN (0/0) does not hold. Nothing here knows where values come from: the
 * caller resolves each name (expr_names()) and evaluates with a lookup.
 */
#ifndef TANGLE_EXPR_H
#define TANGLE_EXPR_H

#include <stdbool.h>
#include <stddef.h>

#include "util.h"

/** A parsed expression (opaque). */
struct expr;

/**
 * Parse @p text. Returns the expression, or NULL with a description of the
 * problem in @p why (a static string) and its byte offset in @p at.
 */
struct expr *expr_parse(const char *text, const char **why, size_t *at);

/** Release @p e (NULL is fine). */
void expr_free(struct expr *e);

/** Is @p e a test (a comparison, or and/or/not of tests), as a claim must be? */
bool expr_is_test(const struct expr *e);

/** Is @p e a single name, whose value can be shown as its run printed it? */
bool expr_is_name(const struct expr *e);

/** Append every distinct name @p e uses to @p names, in order of first use. */
void expr_names(const struct expr *e, struct strlist *names);

/**
 * How names are evaluated: return 0 and the number in @p value, or -1 with
 * an owned description in @p why ("value 'x' is 'abc', not a number").
 */
typedef int (*expr_lookup)(void *ctx, const char *name, double *value, char **why);

/**
 * Named values as runs print them ("0.4123", "Intel Xeon"): the usual
 * context of a lookup. A zeroed struct is empty.
 */
struct expr_values {
	struct strlist names;	/**< as the expression writes them */
	struct strlist texts;	/**< texts[i] is the value of names[i] */
};

/** Add (or replace) @p name with @p text. */
void expr_values_set(struct expr_values *v, const char *name, const char *text);

/** The text of @p name, or NULL. */
const char *expr_values_get(const struct expr_values *v, const char *name);

/** Release what @p v owns. */
void expr_values_free(struct expr_values *v);

/**
 * An expr_lookup over a struct expr_values (@p ctx): a text is a number
 * when strtod() reads all of it but blanks.
 */
int expr_values_lookup(void *ctx, const char *name, double *value, char **why);

/**
 * Evaluate @p e. Returns 0 with the result in @p value, or -1 with an owned
 * description of why it cannot be evaluated in @p why.
 */
int expr_eval(const struct expr *e, expr_lookup lookup, void *ctx, double *value, char **why);

/**
 * Explain the value of @p e for a reader, appending to @p out the value of
 * each side of its comparisons that is not a plain number, then of each
 * name: "serial / threads = 0.98 (serial = 0.41, threads = 0.42)". The
 * sides are shown as written in @p text, the source @p e was parsed from.
 */
void expr_explain(const struct expr *e, const char *text, expr_lookup lookup, void *ctx,
		  struct buf *out);

/**
 * What is wrong with @p fmt as the format of an inline value, or NULL. A
 * format is "%d" (rounded to an integer), "%f", "%g" or "%e" with an optional
 * precision of one digit ("%.2f"), or "%s": the text as the run printed it,
 * for a single name only.
 */
const char *expr_format_problem(const char *fmt);

/** Append @p value formatted by @p fmt (which expr_format_problem() accepts, not "%s"). */
void expr_format(struct buf *out, const char *fmt, double value);

/** A number for a reader: "%.3g", with no exponent for ordinary magnitudes. */
void expr_number(struct buf *out, double value);

#endif
