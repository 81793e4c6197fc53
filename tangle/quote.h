/**
 * @file quote.h
 * @brief values and claims in the prose: numbers quoted from the runs'
 * outputs, and statements about them that the build checks.
 *
 * A run block names what it measures with "value NAME: REGEX" rows
 * (runspec.h). The prose quotes them in inline code with pandoc attributes:
 *
 *     threads took `threads`{.value} s, `serial / threads`{.value format="%.1f"}
 *     times less than the serial run`serial / threads > 1.2`{.claim else=note}.
 *
 * `EXPR`{.value [format=FMT]} is replaced by the value of the expression
 * (expr.h) on this build's outputs: a single name as its run printed it,
 * anything else with FMT (expr_format_problem()), by default three
 * significant digits. It links to its run and carries the run's digest.
 *
 * `TEST`{.claim [else=fail|note]} states that TEST holds on this build's
 * outputs. When it holds the book shows a small mark linked to the run;
 * when it does not, the build fails at the claim (else=fail, the default),
 * or the book shows a note beside the sentence ("on this machine: ...; the
 * text assumes ...") and the build says so (else=note). Never a silent pass.
 *
 * A name is a value of a run of the same chapter ("serial") or of another
 * chapter, with that chapter's tag ("ch01.serial"). Value names are unique
 * in their chapter. Only inline code on one paragraph of prose counts, as
 * pandoc reads it: never inside a fenced block, and not across a blank line.
 */
#ifndef TANGLE_QUOTE_H
#define TANGLE_QUOTE_H

#include <stdbool.h>
#include <stddef.h>

#include "chapter.h"
#include "diag.h"
#include "expr.h"
#include "util.h"

struct run;

/** What the inline code says. */
enum quote_kind {
	QUOTE_VALUE,	/**< `EXPR`{.value}: shows a number */
	QUOTE_CLAIM,	/**< `TEST`{.claim}: states that a test holds */
};

/** An inline value or claim of a chapter's prose. */
struct quote {
	struct chapter *chapter; /**< where it is */
	enum quote_kind kind;	/**< value or claim */
	int line;		/**< line of its expression */
	int col;		/**< column of its expression */
	size_t start;		/**< offset of its opening backtick in the chapter text */
	size_t end;		/**< offset just past its closing '}' */
	char *text;		/**< the expression as written, trimmed */
	struct expr *expr;	/**< parsed */
	char *format;		/**< format=, or NULL */
	int format_line;	/**< its line (attributes may run over lines) */
	int format_col;		/**< its column */
	bool note;		/**< claim: else=note */
	struct strlist names;	/**< the names it uses, as written ("serial", "ch01.serial") */
	const struct run **runs; /**< runs[i] defines names[i]; NULL while unresolved */
	struct strlist value_names; /**< value_names[i]: names[i] as its run calls it */
};

/**
 * Find the inline values and claims of the prose of @p c, parse them and
 * append them to @p *quotes (of @p *n). Errors (a malformed expression, an
 * unknown attribute, a bad format, a claim that is no test) are reported at
 * their line and column. Names are not resolved here (book.h does).
 * Returns 0 or -1.
 */
int quotes_scan(struct chapter *c, struct quote **quotes, size_t *n, struct diag *d);

/** Release @p n quotes and the array. */
void quotes_free(struct quote *quotes, size_t n);

/** What a quote shows, from its runs' values. */
enum quote_state {
	QUOTE_SHOWN,		/**< a value, formatted */
	QUOTE_HELD,		/**< a claim that holds */
	QUOTE_NOTED,		/**< a claim that does not hold, shown as a note */
	QUOTE_UNMEASURED,	/**< a value of a run that did not run here (skip=): shown so */
	QUOTE_FAILED,		/**< cannot be shown: a claim that must hold and does not, a value that is no number */
};

/**
 * Evaluate @p q on @p values (its names as it writes them, with the texts
 * their runs recorded; a name that is missing was not measured here).
 * Returns the state; @p text gets what the reader sees: the value, or for a
 * claim the explanation ("serial / threads = 0.98 (serial = 0.41, threads =
 * 0.42); the text assumes serial / threads > 1.5"), or why it failed.
 */
enum quote_state quote_evaluate(const struct quote *q, const struct expr_values *values,
				struct buf *text);

#endif
