/**
 * @file xref.h
 * @brief numbered chapters, sections and figures, and the prose's
 * references to them.
 *
 * Numbers follow the book's order: the n-th chapter is Chapter n, its
 * second-level headings are Sections n.1, n.2, ..., its third-level ones
 * n.m.1, ..., and its plots are Figures n.1, n.2, ... A heading with the
 * class .unnumbered (or "-") and every heading below the third level are
 * not numbered. Every format shows the same numbers: weave writes them
 * into the headings and captions it passes to pandoc.
 *
 * Labels name what a reference points at, and each has one form:
 *
 *   ch-SLUG    a chapter, from its file name (book/03-processes.md: ch-processes);
 *   sec-NAME   a heading that says so: "## Pipes {#sec-pipes}";
 *   fig-NAME   a plot block with name=NAME.
 *
 * The prose writes a reference as an '@' before the label ("as \@ch-processes
 * shows", "\@sec-pipes's reader", "see \@fig-pingpong"), and the book shows
 * "Chapter 3", "Section 3.2", "Figure 4.1", linked to the target. A
 * reference is an '@' that no letter, digit, '_', '\\' or '@' precedes,
 * then a known prefix and a name of letters, digits, '-' and '_' (not
 * ending in '-'); it counts in prose only, not in code, inline or fenced.
 * A reference to no label is an error at its line and column, with the
 * nearest label; two targets with one label are an error at the second.
 * A number typed by hand where a reference belongs ("Chapter 3",
 * "Sections 2.1", "Figure 4.1" in prose) is an error at its line too.
 *
 * The table of a chapter's numbers (gen/xrefs/SLUG.xref) passes from
 * tangle, which sees the whole book, to weave, which renders one chapter;
 * this module writes and reads it. It holds the chapter's number and the
 * targets of the labels the chapter references, and nothing else, so it
 * changes (and the page is woven again) exactly when what the page shows
 * of other chapters' numbers changes.
 */
#ifndef TANGLE_XREF_H
#define TANGLE_XREF_H

#include <stdbool.h>
#include <stddef.h>

#include "chapter.h"
#include "diag.h"
#include "util.h"

/** What a label names. */
enum xref_kind {
	XREF_CHAPTER,	/**< "Chapter 3" */
	XREF_SECTION,	/**< "Section 3.2" */
	XREF_FIGURE,	/**< "Figure 4.1" */
};

/** A heading of a chapter's prose. */
struct heading {
	int line;		/**< its line */
	int level;		/**< 1 to 6: the number of '#' */
	size_t start;		/**< offset of its first '#' */
	size_t text;		/**< offset of its text (after the '#'s and blanks) */
	size_t text_end;	/**< offset just past its text (before the attributes and blanks) */
	size_t end;		/**< offset of the end of its line (its newline, or the end of the text) */
	char *title;		/**< the text, as written */
	char *attrs;		/**< the attribute block's inside ("#sec-x .cls"), or NULL */
	char *label;		/**< its sec- label, or NULL */
	char *id;		/**< its id in the page: the id it gives, or one made from its title */
	bool numbered;		/**< has a number */
	unsigned num[3];	/**< the chapter's, section's and subsection's counters when numbered */
};

/** A reference of the prose. */
struct xref_use {
	int line;		/**< the line of its '@' */
	int col;		/**< the column of its '@' */
	size_t start;		/**< the offset of its '@' */
	size_t end;		/**< the offset just past its label */
	char *label;		/**< the label it names */
};

/** The headings and references of one chapter. */
struct xref_chapter {
	struct heading *headings;	/**< in order */
	size_t nheadings;		/**< number of headings */
	struct xref_use *uses;		/**< in order */
	size_t nuses;			/**< number of references */
};

/**
 * Find the headings and references of the prose of @p c (outside its
 * fenced blocks) into @p x. Malformed heading attributes, a title with an
 * id, a sec- label on an unnumbered heading are errors. Returns 0 or -1.
 */
int xref_scan(const struct chapter *c, struct xref_chapter *x, struct diag *d);

/** Release what @p x owns. */
void xref_chapter_free(struct xref_chapter *x);

/** "2.3" for heading @p h of Chapter @p chapter, into @p out (nothing when unnumbered). */
void heading_number(const struct heading *h, unsigned chapter, struct buf *out);

/** A label's target, as the table holds it. */
struct xref_target {
	char *label;		/**< "sec-pipes" */
	enum xref_kind kind;	/**< what it is */
	char *number;		/**< "3.2" */
	char *slug;		/**< its chapter's page, "03-processes" */
	char *tag;		/**< its chapter's tag, "ch03" (ids in print pages carry it) */
	char *anchor;		/**< its id in that page ("sec-pipes", "ch04-pingpong"); "" for a chapter */
};

/** A chapter's table: its number and the targets of the labels it references. */
struct xref_table {
	unsigned chapter;		/**< its number, from 1 */
	struct xref_target *targets;	/**< sorted by label, no repeats */
	size_t ntargets;		/**< number of targets */
};

/** Add a copy of @p t to @p tab, keeping it sorted; false when the label is there already. */
bool xref_table_add(struct xref_table *tab, const struct xref_target *t);

/** The target of @p label in @p tab, or NULL. */
const struct xref_target *xref_table_find(const struct xref_table *tab, const char *label);

/** Append @p tab in the file's format to @p out. */
void xref_table_write(const struct xref_table *tab, struct buf *out);

/** Parse @p len bytes of @p text into @p tab; 0, or -1 (with the bad line in *@p bad) when they are no table. */
int xref_table_parse(const char *text, size_t len, struct xref_table *tab, int *bad);

/** Read the table file @p path; 0, or -1 (errno is EINVAL when it does not parse). */
int xref_table_load(const char *path, struct xref_table *tab);

/** Release what @p tab owns. */
void xref_table_free(struct xref_table *tab);

/**
 * @p text with each reference it holds as its number reads, unlinked
 * ("Chapter 1"), for where no link can go (the front page's summaries);
 * a reference @p tab has no target for stays as written. Newly allocated.
 */
char *xref_plain(const char *text, const struct xref_table *tab);

/** "Chapter", "Section", "Figure". */
const char *xref_kind_name(enum xref_kind k);

#endif
