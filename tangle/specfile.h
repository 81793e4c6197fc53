/**
 * @file specfile.h
 * @brief the files tangle writes for the other commands, and the only code
 * that reads them back:
 *
 *   gen/runs/ID.run    what a run needs: the programs it executes with the
 *                      snippets each is built from, the files of snippets/
 *                      it uses, and its block (attributes and body);
 *   gen/runs/ID.loc    where that block is in its chapter, and where the
 *                      prose quotes its values (for messages only);
 *   gen/plots/ID.plot  a figure: its run, the rows' regex, the script;
 *   gen/plots/ID.loc   where the plot block is.
 *
 * A location lives apart from what it locates, so that prose moving a block
 * re-runs and redraws nothing. An ID.run reads
 *
 *     program tasks ch01/tasks.c common/check.h common/check.c
 *     file snippets/ch04/hostfile
 *     block
 *     {.console .run timeout="10"}
 *     $ build/bin/tasks
 *     line: START
 *
 * with one "program" line per program (its name, then its sources relative
 * to snippets/), one "file" line per file, and after "block" the block as
 * block_spec_text() writes it, to the end of the file. A file that starts
 * with the block's '{' is a block alone, of a run that uses nothing of the
 * book (the tests write such files by hand).
 */
#ifndef TANGLE_SPECFILE_H
#define TANGLE_SPECFILE_H

#include <stddef.h>

#include "chapter.h"
#include "diag.h"
#include "runspec.h"
#include "util.h"

/** A program a run executes and the snippets it is built from. */
struct spec_program {
	char *name;		/**< as in build/bin/NAME ("racy_counter-tsan") */
	struct strlist sources;	/**< paths relative to snippets/ */
};

/** The contents of an ID.run. */
struct run_file {
	struct spec_program *programs;	/**< the programs, in the order the command names them */
	size_t nprograms;		/**< number of programs */
	struct strlist files;		/**< snippets/PATH of each file the run uses */
	struct buf block;		/**< the block, as block_spec_text() wrote it */
};

/**
 * The block as a run file holds it: its attributes on one line, with every
 * value quoted, then its body lines. The provenance of a run names this
 * text's digest as "the block".
 */
void block_spec_text(const struct block *blk, struct buf *out);

/** Append @p f, in the format above, to @p out. */
void run_file_write(const struct run_file *f, struct buf *out);

/** Parse @p len bytes of @p text into @p f; 0, or -1 when they are not a run file. */
int run_file_parse(const char *text, size_t len, struct run_file *f);

/** Read and parse the file @p path; 0, or -1 (errno is EINVAL when it does not parse). */
int run_file_load(const char *path, struct run_file *f);

/**
 * Parse the block of @p f (its attribute line, then its body) into @p r, as
 * runspec_parse() does, reporting at the lines of @p chapter that follow
 * @p fence_line. Returns 0 or -1.
 */
int run_file_spec(const struct run_file *f, const char *chapter, int fence_line, struct runspec *r,
		  struct diag *d);

/** Release what @p f owns. */
void run_file_free(struct run_file *f);

/**
 * Append the location "CHAPTER LINE\n" to @p out. A run's location may go
 * on with the places the prose quotes its values, one location_write_quote()
 * line each.
 */
void location_write(const char *chapter, int line, struct buf *out);

/** Where the prose quotes a value of a run: one line of its ID.loc. */
struct quote_site {
	char *name;	/**< the value's name, as its run defines it */
	char *chapter;	/**< "book/NN-slug.md" */
	int line;	/**< the line of the inline value or claim */
	int col;	/**< its column */
};

/** Append "quote NAME CHAPTER LINE COL\n" to @p out. */
void location_write_quote(const struct quote_site *q, struct buf *out);

/**
 * Read the location beside @p spec (its ".run" or ".plot" replaced by
 * ".loc") into a new string "CHAPTER" and @p line; -1 when it cannot be read.
 */
int location_load(const char *spec, char **chapter, int *line);

/**
 * Read the quote sites of the location beside @p spec into a new array
 * @p sites of @p n; 0, or -1 when it cannot be read or a line does not parse.
 */
int location_load_quotes(const char *spec, struct quote_site **sites, size_t *n);

/** Release @p n quote sites and the array. */
void quote_sites_free(struct quote_site *sites, size_t n);

/** The contents of an ID.plot. */
struct plot_file {
	char *run;		/**< the id of the run whose output is plotted */
	char *data;		/**< the extended regex that picks the rows */
	struct buf script;	/**< the gnuplot script, verbatim */
};

/** Append the plot file for run @p run, rows @p data and script @p blk to @p out. */
void plot_file_write(const char *run, const char *data, const struct block *blk, struct buf *out);

/** Read and parse the plot file @p path; 0, or -1 (errno EINVAL when it does not parse). */
int plot_file_load(const char *path, struct plot_file *p);

/** Release what @p p owns. */
void plot_file_free(struct plot_file *p);

#endif
