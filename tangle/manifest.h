/**
 * @file manifest.h
 * @brief the manifest: what the book defines, as the build needs it. tangle
 * writes it with manifest_write(); CMake reads it by including it (the
 * lit_* functions of tangle/lit.cmake record each call); provenance reads
 * it back with manifest_parse(), to compare the build's idea of the book
 * with the book.
 *
 * gen/manifest.cmake holds one call per line, each argument a bare word
 * (no blank, quote, ';', '$' or '\': the book's names and paths are checked
 * to be such words before they get here):
 *
 *     lit_library(common SOURCES common/check.c ... LIBS threads m)
 *     lit_program(NAME CHAPTER SLUG SOURCE PATH [LIBS ...] [LABELS ...] [VARIANTS ...])
 *     lit_run(ID CHAPTER SLUG RANKS N TIMEOUT S SERIAL 0|1 [PROGRAMS ...] [FILES ...] [LABELS ...])
 *     lit_plot(ID CHAPTER SLUG RUN ID)
 *     lit_chapter(SLUG SOURCE book/NN-slug.md [RUNS ...] [QUOTES ...])
 *     lit_snippets(PATH...)
 *
 * and gen/programs.tsv one line per program, "NAME<TAB>KIND<TAB>PATH" (KIND:
 * mpi, uv, processes, threads or plain), which `make run` reads.
 */
#ifndef TANGLE_MANIFEST_H
#define TANGLE_MANIFEST_H

#include <stdbool.h>
#include <stddef.h>

#include "util.h"

/** A program: build/bin/NAME from snippets/SOURCE. */
struct manifest_program {
	char *name;		/**< the file stem */
	char *chapter;		/**< the slug of its chapter */
	char *source;		/**< relative to snippets/ */
	struct strlist libs;	/**< common, threads, mpi, uv, m, rt */
	struct strlist labels;	/**< threads, processes, mpi, uv */
	struct strlist variants;/**< tsan, asan */
};

/** A run block. */
struct manifest_run {
	char *id;		/**< "ch02-barrier" */
	char *chapter;		/**< the slug of its chapter */
	int ranks;		/**< processors it takes (mpiexec -n N) */
	double timeout;		/**< seconds */
	bool serial;		/**< runs alone (a .volatile timing) */
	struct strlist programs;/**< the programs it executes */
	struct strlist files;	/**< the files of snippets/ it uses */
	struct strlist labels;	/**< CTest labels */
};

/** A figure. */
struct manifest_plot {
	char *id;		/**< "ch01-plot-1" */
	char *chapter;		/**< the slug of its chapter */
	char *run;		/**< the run it plots */
};

/** A chapter. */
struct manifest_chapter {
	char *slug;		/**< "02-threads" */
	char *source;		/**< "book/02-threads.md" */
	struct strlist runs;	/**< its runs, in order */
	struct strlist quotes;	/**< the runs of other chapters whose values it quotes */
};

/** Everything the manifest says. */
struct manifest {
	struct strlist library_sources;	/**< the support library's .c files; empty when none */
	struct strlist library_libs;	/**< what it links */
	struct manifest_program *programs; /**< in book order */
	size_t nprograms;		/**< number of programs */
	struct manifest_run *runs;	/**< in book order */
	size_t nruns;			/**< number of runs */
	struct manifest_plot *plots;	/**< in book order */
	size_t nplots;			/**< number of plots */
	struct manifest_chapter *chapters; /**< in book order */
	size_t nchapters;		/**< number of chapters */
	struct strlist snippets;	/**< every file tangle writes under snippets/ */
};

/** Room for one more program (zeroed), run, plot or chapter. */
struct manifest_program *manifest_add_program(struct manifest *m);
/** See manifest_add_program(). */
struct manifest_run *manifest_add_run(struct manifest *m);
/** See manifest_add_program(). */
struct manifest_plot *manifest_add_plot(struct manifest *m);
/** See manifest_add_program(). */
struct manifest_chapter *manifest_add_chapter(struct manifest *m);

/** Append gen/manifest.cmake's text for @p m to @p out. */
void manifest_write(const struct manifest *m, struct buf *out);

/** Append gen/programs.tsv's text for @p m to @p out. */
void manifest_write_programs(const struct manifest *m, struct buf *out);

/** The KIND of programs.tsv for a program with @p labels. */
const char *manifest_program_kind(const struct strlist *labels);

/**
 * Parse the text of a gen/manifest.cmake into @p m (released with
 * manifest_free() either way). Returns 0, or -1 with the line that does not
 * parse in @p bad_line.
 */
int manifest_parse(struct manifest *m, const char *text, int *bad_line);

/** Release what @p m owns. */
void manifest_free(struct manifest *m);

#endif
