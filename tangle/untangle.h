/**
 * @file untangle.h
 * @brief carrying a hand edit of a snippet back into its chapter, byte for
 * byte, when the edit falls inside one block.
 *
 * The edited file is compared with the expansion of its root line by line:
 * the lines before the first difference and after the last one are the
 * same, and what lies between (the edit) must come from consecutive lines
 * of one block of the chapter, at one indentation (a pure insertion goes
 * between two consecutive lines of one block, or after the last line of the
 * file's last block). The edit's lines, without that indentation, replace
 * the block's lines. The caller then tangles the edited chapter again and
 * keeps the edit only when the root expands to the edited file exactly and
 * nothing else changes.
 */
#ifndef TANGLE_UNTANGLE_H
#define TANGLE_UNTANGLE_H

#include "book.h"
#include "diag.h"
#include "util.h"

/** Chapter lines [first, first + count) of one chapter replaced by @c lines. */
struct chapter_edit {
	const struct chapter *chapter; /**< the chapter to edit */
	int first;		/**< first line replaced, or the line an insertion goes before */
	int count;		/**< lines replaced; 0 for an insertion */
	struct buf lines;	/**< the new lines, each ending with '\n' */
	const char *snippet;	/**< the snippet the edit comes from, for messages */
};

/**
 * The edit that turns the expansion of @p r into @p edited (@p len bytes,
 * the file in snippets/). Returns 1 with @p e filled, 0 when the file is
 * already the expansion, -1 when the edit cannot be carried back (reported
 * to @p d, at the snippet's line and the chapter's).
 */
int untangle_root(const struct book *b, const struct root *r, const char *edited, size_t len,
		  struct chapter_edit *e, struct diag *d);

/**
 * Apply the @p n edits @p e to the text of their chapter @p c, into @p out.
 * Edits of one chapter must not overlap; -1 (reported to @p d) when they do.
 */
int untangle_apply(const struct chapter *c, const struct chapter_edit *e, size_t n, struct buf *out,
		   struct diag *d);

#endif
