/**
 * @file weave.h
 * @brief from a chapter and its runs' captures to the Markdown that pandoc
 * renders.
 *
 * Prose passes through untouched. A root or chunk block gets a label (its
 * name, "defined here", and links to where it is used) and a list of the
 * chunks it uses, linked to their definitions. A run block becomes its
 * command, the captured output (in a fenced block, so pandoc escapes it), and
 * a line of small print: exit status, time, provenance (with the first
 * digits of the run record's digest, which the provenance test looks for),
 * and what the build checked. An output that the capture limit cut says so,
 * and how much was dropped. Captured text is made safe first: invalid UTF-8 and control
 * characters are replaced, long outputs are shortened with a marker.
 *
 * An inline value or claim of the prose (quote.h) becomes what its runs'
 * records say: the value, linked to its run, or a claim's mark or note,
 * each element carrying data-run and data-digest (the runs' ids and their
 * records' digests, space-separated when there are several) and
 * data-state (shown, held, noted, unmeasured), which the provenance test
 * checks. A claim that must hold and does not is an error at its line. The
 * chapter ends with the list of what it quoted, for the printed book, where
 * no link can be followed (the screen hides it).
 */
#ifndef TANGLE_WEAVE_H
#define TANGLE_WEAVE_H

#include <stdbool.h>

#include "book.h"
#include "diag.h"
#include "runrecord.h"
#include "util.h"

/** Lines of output shown before and after the marker of a shortened output. */
enum { WEAVE_HEAD_LINES = 80, WEAVE_TAIL_LINES = 40 };

/** One run's capture, as read from build/out. */
struct capture_file {
	const char *id;	/**< the run id (not owned) */
	bool loaded;		/**< both files were read, and they belong together */
	struct buf text;	/**< ID.txt */
	struct run_record rec;	/**< ID.json */
	char *stale;		/**< why the record is not of the current code, or NULL */
};

/** A run of another chapter whose values the chapter quotes. */
struct quoted_run {
	const char *id;		/**< its id (not owned) */
	char *slug;		/**< its chapter's slug, for links */
	char *tag;		/**< its chapter's tag, as names write it ("ch01") */
	struct strlist values;	/**< the names its value rows define */
	struct capture_file cap;	/**< its record and output */
};

/** The book a woven chapter is for: its links and line lengths differ. */
enum weave_style {
	/** The HTML pages: links between pages, to snippets/, the code reference, the raw outputs. */
	WEAVE_SCREEN,
	/**
	 * A chapter's print page, laid out on its own and joined into the PDF:
	 * a link to another chapter is "book:ID" (ID as that chapter's print
	 * page prefixes it, "ch03-sec-pipes"), which tangle/pdfbook.py turns
	 * into a link inside the joined PDF; nothing links into the build
	 * tree; lines longer than WEAVE_PRINT_COLUMNS are wrapped, and the
	 * wrapped part starts with WEAVE_WRAP_MARK.
	 */
	WEAVE_PRINT,
	/** A chapter of the EPUB, one document: links between chapters are "#ID"; nothing links into the build tree. */
	WEAVE_EPUB,
};

/** The columns of code the print page's column holds (tangle/../book/assets/print.css: 7.6pt mono in 164 mm). */
enum { WEAVE_PRINT_COLUMNS = 96 };
/**
 * The columns of an output the HTML page's column holds at desktop width
 * (book/assets/book.css: 13.6 px DejaVu Sans Mono, 7.04 px a column, in
 * 867 px: 123; render.browser checks that no block scrolls at 1280 px).
 * Code is not wrapped there: the reader copies it.
 */
enum { WEAVE_SCREEN_COLUMNS = 120 };
/** What starts the rest of a wrapped line (on paper, and in an output on screen). */
#define WEAVE_WRAP_MARK "\xe2\x86\xaa "

/** Where the woven chapter's links point. */
struct weave_links {
	const char *snippets_url;	/**< URL of snippets/ from the page, e.g. "../../snippets" */
	const char *outputs_url;	/**< URL of build/out from the page, e.g. "../out" */
	const char *reference_url;	/**< URL of the programs' Doxygen pages, or NULL */
	/**
	 * The repository's absolute path, or NULL: "ROOT/" in an output is
	 * shown as nothing, so that the book reads the same wherever it was
	 * built (a path the program printed is shown relative to the root).
	 */
	const char *root;
	enum weave_style style;		/**< which book */
	/**
	 * Print and EPUB: the URL of the published book (its snippets/ and
	 * docs/ beside), for the file headings' links; NULL: they are shown
	 * as text, and the reference is left out.
	 */
	const char *base_url;
	/** The chapter's number and the targets of its references (xref.h); NULL: the book's own. */
	const struct xref_table *xrefs;
};

/**
 * Weave the only chapter of @p b into @p md, with @p caps[i] the capture of
 * the i-th run of the chapter and @p quoted (@p nquoted) the runs of other
 * chapters its prose quotes. Returns 0 or -1 after reporting to @p d.
 */
int weave_chapter(const struct book *b, const struct capture_file *caps,
		  const struct quoted_run *quoted, size_t nquoted,
		  const struct weave_links *links, struct buf *md, struct diag *d);

/** Append @p s to @p b with Markdown punctuation backslash-escaped. */
void md_escape(struct buf *b, const char *s);

/**
 * Append @p text to @p b made safe to show: invalid UTF-8 and control
 * characters (other than tab and newline) become U+FFFD, and a text longer
 * than WEAVE_HEAD_LINES + WEAVE_TAIL_LINES lines keeps its head and tail
 * around a line saying how many lines are not shown.
 */
void sanitize_output(struct buf *b, const char *text, size_t len);

/**
 * Doxygen's page name for the file @p path of snippets/ ("ch02/mp_vs_mt.c" ->
 * "mp__vs__mt_8c.html"): it is made from the base name, which tangle keeps
 * unique in the book.
 */
char *doxygen_page(const char *path);

/** The anchor of a block in its chapter's page ("ch02-runner", "ch02-file-ch02-barrier-c"). */
char *block_anchor(const struct chapter *c, const struct block *blk);

#endif
