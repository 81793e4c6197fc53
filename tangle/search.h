/**
 * @file search.h
 * @brief the book's full-text search: what each chapter gives it, and the
 * index file the pages load.
 *
 * weave writes, beside each chapter's Markdown, its search records
 * (md/SLUG.search): the chapter's slug and the SHA-256 of its text, then
 * one record per section (the text before the first numbered heading, and
 * each heading's part): its page anchor, number, title and text. The text
 * is the prose, the code of the program blocks and the commands of the run
 * blocks; it holds no output and no quoted value, which only the pages show
 * with their provenance. The format, one record a line, tab-separated (no
 * field holds a tab or newline):
 *
 *     chapter	SLUG	DIGEST	TITLE
 *     section	ANCHOR	NUMBER	TITLE	TEXT
 *
 * `weave search` joins the records of every chapter into the index the
 * pages load with a script element (so that it works from file:// too):
 *
 *     window.BOOK_SEARCH = {"chapters": [{"slug": ..., "digest": ...}, ...],
 *       "docs": [{"u": "SLUG.html#ANCHOR", "n": NUMBER, "t": TITLE,
 *                 "c": CHAPTER TITLE, "x": TEXT}, ...]};
 *
 * The matching is lunr.js's (Debian's libjs-lunr), in book.js. The
 * provenance test reads the chapters' digests back (search_index_digests())
 * to prove the index is of the current chapters.
 */
#ifndef TANGLE_SEARCH_H
#define TANGLE_SEARCH_H

#include <stddef.h>

#include "book.h"
#include "util.h"
#include "xref.h"

/** One section's record. */
struct search_section {
	char *anchor;	/**< its id in the page ("" for the chapter's start) */
	char *number;	/**< "2.3", or "" */
	char *title;	/**< its heading, as plain text */
	char *text;	/**< its words, on one line */
};

/** One chapter's records. */
struct search_chapter {
	char *slug;			/**< "02-threads" */
	char *digest;			/**< SHA-256 of the chapter's text, hex */
	char *title;			/**< the chapter's title */
	struct search_section *sections; /**< in order */
	size_t nsections;		/**< number of sections */
};

/**
 * The records of the only chapter of @p b (as weave loads it), its numbers
 * from @p xrefs, into @p out.
 */
void search_collect(const struct book *b, const struct xref_table *xrefs, struct search_chapter *out);

/** Append @p c in the records' format to @p out. */
void search_chapter_write(const struct search_chapter *c, struct buf *out);

/** Parse @p len bytes of @p text into @p c; 0, or -1 when they are no records. */
int search_chapter_parse(const char *text, size_t len, struct search_chapter *c);

/** Append the index of @p n chapters (the script above) to @p out. */
void search_index_write(const struct search_chapter *c, size_t n, struct buf *out);

/**
 * The chapters an index names, with their digests: "SLUG DIGEST" items of
 * @p out, in order. Returns 0, or -1 when @p text is no index.
 */
int search_index_digests(const char *text, struct strlist *out);

/** Release what @p c owns. */
void search_chapter_free(struct search_chapter *c);

#endif
