/**
 * @file tangle.h
 * @brief from a loaded book to the files the build needs.
 *
 * tangle_book() produces, in memory:
 *   - snippets: snippets/PATH for every root, clean C with one header line;
 *     the build compiles these very files;
 *   - line maps: gen/maps/PATH.map, which chapter line each line of the
 *     snippet came from, so that compiler diagnostics can be reported at
 *     book/NN-slug.md:LINE (see linemap.h). Kept apart from the code so that
 *     prose moving a block does not recompile it;
 *   - run specs: gen/runs/ID.run (the run block's attributes and body, what
 *     the run tool needs) and gen/runs/ID.loc (where it is in the chapter:
 *     kept apart so that moving a block does not re-run its program);
 *   - gen/manifest.cmake: the programs, their libraries and the runs, as
 *     calls to the lit_* functions of the CMake build;
 *   - gen/plots/ID.plot and ID.loc: a figure's run, rows and gnuplot script;
 *   - gen/programs.tsv: "name<TAB>kind" per program, for `make run`.
 * Nothing is written here: the snippets go to the caller's writer as they
 * are expanded (a generated book's snippet may be larger than memory should
 * hold twice), the rest is returned in memory, and the tangle command
 * decides what to write.
 */
#ifndef TANGLE_TANGLE_H
#define TANGLE_TANGLE_H

#include "book.h"
#include "util.h"

/** One file to produce: a path relative to its area and its bytes. */
struct output {
	char *path;	/**< path relative to the area (snippets/ or gen/) */
	struct buf data; /**< the bytes to write */
};

/** A set of files to produce. */
struct outputs {
	struct output *v; /**< the files */
	size_t n;	/**< number of files */
};

/** Everything one tangle of the book produces. */
struct tangle_result {
	struct outputs snippets;	/**< relative to snippets/ */
	struct outputs gen;		/**< relative to the build's gen/ */
};

/**
 * Where tangle_book() sends the snippets as it expands them, piece by piece,
 * so that no large file is held whole: begin(PATH) (relative to snippets/),
 * write() any number of times, end(). Each returns 0, or -1 to stop the
 * tangle; the writer reports its own errors.
 */
struct snippet_writer {
	int (*begin)(struct snippet_writer *w, const char *path); /**< a new file */
	int (*write)(struct snippet_writer *w, const char *data, size_t len); /**< its next bytes */
	int (*end)(struct snippet_writer *w); /**< the file is complete */
};

/**
 * Expand every root and describe every program and run of @p b. With a
 * writer @p w the snippets go to it, and out->snippets holds their paths
 * with no bytes; with NULL, out->snippets holds their bytes too. Returns 0,
 * or -1 when the writer stopped the tangle (@p out is then still released
 * with tangle_result_free()).
 */
int tangle_book(const struct book *b, struct snippet_writer *w, struct tangle_result *out);

/** Release everything @p t owns. */
void tangle_result_free(struct tangle_result *t);

/**
 * The snippet of root @p r exactly as tangle_book() writes it (header
 * included), appended to @p text, with the chapter line each of its lines
 * came from appended to @p origins: for reports and for carrying an edit
 * back into its chapter (untangle.h).
 */
void tangle_snippet(const struct book *b, const struct root *r, struct buf *text,
		    struct line_origins *origins);

/**
 * The header line for a generated file (with its newline), chosen by the
 * file's extension, or NULL for a file type that takes no header (data).
 */
char *snippet_header(const char *path, const char *chapter_path);

/** True when @p text starts with a header snippet_header() could write. */
bool has_snippet_header(const char *text, size_t len);

#endif
