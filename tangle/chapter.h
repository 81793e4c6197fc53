/**
 * @file chapter.h
 * @brief one chapter of the book, split into its fenced code blocks.
 *
 * A chapter is a file book/NN-slug.md. Only fences at the margin (at most
 * three spaces of indentation, as CommonMark allows) are blocks; a fence
 * opened with N backticks or tildes is closed by a line of at least N of the
 * same character. A block is classified by its attributes:
 *
 *   {... file=PATH}   a root: its expansion becomes snippets/PATH
 *   {... \#name}      a named chunk, scoped to this chapter
 *   {... .run}        a run block: a command and what its output must show
 *   {... .plot}       a figure: a gnuplot script over a run's table output
 *   anything else     prose, shown and never compiled
 */
#ifndef TANGLE_CHAPTER_H
#define TANGLE_CHAPTER_H

#include <stddef.h>

#include "attr.h"
#include "diag.h"
#include "util.h"

/** What a fenced block is for. */
enum block_kind {
	BLOCK_PROSE,	/**< shown only */
	BLOCK_ROOT,	/**< file=PATH: becomes a file in snippets/ */
	BLOCK_CHUNK,	/**< \#name: expanded where referenced */
	BLOCK_RUN,	/**< .run: a command run by the build */
	BLOCK_PLOT,	/**< .plot: a figure drawn from a run's output */
};

/** One line of a block body: a view into the chapter text. */
struct line {
	const char *text;	/**< not NUL-terminated */
	unsigned len;		/**< without the newline */
	int lineno;		/**< 1-based line in the chapter */
	unsigned ref_len;	/**< a reference line: the length of the name it names; else 0 */
	unsigned target;	/**< the chunk it names, as 1 + its index in the book; 0 until resolved */
};

/** The indentation of the reference line @p l: the blanks before its "<<". */
static inline unsigned line_indent(const struct line *l)
{
	unsigned i = 0;

	while (l->text[i] == ' ' || l->text[i] == '\t')
		i++;
	return i;
}

/** The name the reference line @p l names (line_indent() + 2 bytes in; ref_len long). */
static inline const char *line_ref_name(const struct line *l)
{
	return l->text + line_indent(l) + 2;
}

/** A fenced code block: 64 bytes, as a generated chapter holds millions. */
struct block {
	enum block_kind kind; /**< what the block is for */
	int line;		/**< line of the opening fence */
	int col;		/**< column of the opening fence */
	int info_col;		/**< column where the info string starts */
	const struct attrs *attrs; /**< parsed attributes (empty for "```c"), in the chapter's arena */
	const char *lang;	/**< "```c" language word, or NULL */
	const char *name;	/**< root path or chunk name (points into attrs) */
	int name_col;		/**< column of the name's attribute */
	unsigned chunk;		/**< a chunk's part: 1 + the chunk's index in the book; 0 until indexed */
	struct line *lines;	/**< the body, without the fences (a slice of the chapter's lines) */
	unsigned nlines;	/**< number of body lines */
	int close_line;		/**< line of the closing fence */
};

/** A parsed chapter. */
struct chapter {
	char *path;		/**< as given, e.g. "book/02-threads.md" */
	char *slug;		/**< "02-threads" */
	char *tag;		/**< "ch02" */
	char *title;		/**< text of the first "# " heading, or NULL */
	int title_line;	/**< line of the title heading */
	char *summary;		/**< the first paragraph after the title, or NULL */
	const char *text;	/**< the whole file, not NUL-terminated; lines point into it */
	size_t text_len;	/**< its length */
	struct buf storage;	/**< owns text when it was read or copied */
	size_t mapped;		/**< bytes of the file mapped at text, or 0 */
	struct block *blocks; /**< the fenced blocks, in order */
	size_t nblocks;	/**< number of blocks */
	size_t blocks_cap;	/**< blocks allocated */
	struct line *lines;	/**< the lines of every block body, in order; blocks point into it */
	size_t nlines;		/**< number of those lines */
	struct line *tail_lines; /**< those of the blocks of the second half, when a large chapter was parsed in halves */
	size_t ntail_lines;	/**< number of those lines */
	struct arena mem;	/**< the blocks' attributes and language words */
};

/**
 * Load and parse the chapter at @p path. Errors are reported to @p d with
 * their line and column; returns 0 or -1. On -1 the chapter may be partly
 * filled and must still be released with chapter_free(). A chapter of
 * 1 MiB or more is checked on a second thread while it is parsed (from
 * 32 MiB on, parsed in two halves); the threads end before this returns.
 */
int chapter_load(struct chapter *c, const char *path, struct diag *d);

/** Parse @p len bytes of @p text as if read from @p path (for tests). */
int chapter_parse(struct chapter *c, const char *path, const char *text,
		  size_t len, struct diag *d);

/**
 * Derive "02-threads" and "ch02" from a path ending in NN-slug.md.
 * Returns 0, or -1 when the name does not have that shape.
 */
int chapter_names(const char *path, char **slug, char **tag);

/** Release everything @p c owns. */
void chapter_free(struct chapter *c);

/**
 * The chunk-name syntax, one rule for definitions and references: a name is
 * ASCII letters, digits, '-', '_', '.' and ':', whatever the locale. Returns
 * the offset of the first byte of @p name (@p len bytes) outside it, or
 * @p len when there is none. A definition "#name" whose name breaks the rule
 * is refused at that byte (chapter_parse()), since "<<name>>" would not be a
 * reference but text: a non-ASCII name is never silently left unreferenced.
 */
size_t chunk_name_problem(const char *name, size_t len);

/**
 * If @p l is a reference line ("<<name>>" alone, after blanks, the name
 * following chunk_name_problem()'s rule), store the
 * name's span and the indentation width and return 1; otherwise 0. Scans the
 * text; chapter_parse() stores the answer in the lines of every block
 * (ref_len; line_indent() and line_ref_name() give the rest), where the
 * passes over the web read it.
 */
int line_reference(const struct line *l, const char **name, size_t *name_len,
		   size_t *indent);

#endif
