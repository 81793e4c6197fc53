/**
 * @file book.h
 * @brief the whole book as a web of chunks: roots, named chunks, the
 * references between them, and the run blocks.
 *
 * Invariants after a successful book_load():
 *   - every reference names a chunk of its own chapter;
 *   - the references form no cycle, nest at most 1000 deep, and every chunk
 *     is reachable from a root;
 *   - every root path is a clean relative path inside snippets/, no path is
 *     defined twice, no two files share a base name (Doxygen names its pages
 *     by them), no two programs or variants share a name and no program
 *     takes a name of the build (program_name_problem());
 *   - every run block parses, its command can be resolved (command.h), and
 *     it names only programs and files the book defines (a program with
 *     variants="tsan" also defines PROGRAM-tsan); a script it runs names
 *     only such programs, and they are the run's too;
 *   - a root's variants are known sanitizer builds (tsan, asan);
 *   - every inline value and claim of the prose parses, and each name it
 *     uses is a value ("value NAME" row) of a run of its chapter, or of the
 *     chapter its tag names ("ch01.serial"); value names are unique in their
 *     chapter, and (whole book) every value is quoted or tested by a claim;
 *   - every exercise has its starting file, its checks and its solution
 *     (exercise.h says how they are written and what holds of them).
 *   - every label (xref.h) names one target, and (whole book) every
 *     reference of the prose names a label.
 */
#ifndef TANGLE_BOOK_H
#define TANGLE_BOOK_H

#include <stdbool.h>
#include <stddef.h>

#include "chapter.h"
#include "linemap.h"
#include "quote.h"
#include "runspec.h"
#include "util.h"
#include "xref.h"

/** All the blocks of one chapter that define one chunk name, in order. */
struct chunk {
	struct chapter *chapter; /**< the chapter the name belongs to */
	const char *name; /**< the chunk name (points into the first part) */
	size_t name_len;	/**< strlen(name) */
	size_t hash;		/**< of chapter and name, for the index */
	struct block **parts; /**< the defining blocks, in chapter order (a slice of the book's) */
	size_t nparts;	/**< number of parts */
	bool reached;		/**< reachable from some root */
};

/** A slot of the chunk index: a chunk's number and part of its hash. */
struct chunk_slot {
	unsigned tag;		/**< the high bits of the chunk's hash */
	unsigned chunk;		/**< 1 + its index in the book's chunks; 0: empty */
};

/** A file root: one file of snippets/. */
struct root {
	struct chapter *chapter; /**< the chapter that defines the file */
	struct block *block; /**< the defining block */
	const char *path;	/**< relative to snippets/ */
	char *program;		/**< program name (file stem) for a .c outside common/, else NULL */
	struct strlist variants;/**< variants="tsan asan": also built as PROGRAM-tsan, ... */
};

/** A run block with its parsed spec and its book-wide unique id. */
struct run {
	struct chapter *chapter; /**< the chapter of the run block */
	struct block *block; /**< the run block */
	struct runspec spec; /**< its parsed command and expectations */
	char *id;		/**< "ch02-barrier", "ch02-barrier-2", "ch04-deadlock" */
};

/**
 * A figure: the rows of a run's output that match @c data, plotted by the
 * gnuplot script in the block's body.
 *
 *     ```{.gnuplot .plot run=data_parallel-2 data="^ +[0-9]+ " caption="..."}
 *     set xlabel "threads"
 *     plot DATA using 1:2 with linespoints title "add"
 *     ```
 *
 * run= names a run of the same chapter, by its id with or without the
 * chapter's tag; the script reads the rows as DATA and may use the whole
 * capture as OUTPUT; it must not set the terminal or the output.
 */
struct plot {
	struct chapter *chapter; /**< the chapter of the plot block */
	struct block *block; /**< the plot block */
	char *id;		/**< "ch01-plot-1", or "ch01-NAME" with name=NAME */
	const struct run *run;	/**< the run whose output it plots */
	const char *data;	/**< the rows' extended regex */
	const char *caption; /**< the figure caption */
};

/**
 * An exercise (exercise.h): a starting file the reader copies, the runs
 * that check an answer (the reference solution's, in the book), and the
 * solution, inside a ::: {.solution exercise=N.M} div of the chapter.
 */
struct exercise {
	struct chapter *chapter; /**< the chapter that sets it */
	char *id;		/**< "2.3": the chapter's number, then the exercise's */
	size_t starter;		/**< its starting file, an index in the book's roots */
	size_t solution;	/**< its solution's program, an index in the book's roots */
	int div_line;		/**< the solution div's opening line */
	int div_end;		/**< and its closing line */
	struct strlist runs;	/**< the ids of its checks, in chapter order */
};

/** The parsed book. */
struct book {
	struct chapter *chapters; /**< the chapters, in book order */
	size_t nchapters; /**< number of chapters */
	struct chunk *chunks; /**< every named chunk of every chapter */
	size_t nchunks;	/**< number of chunks */
	struct block **parts;	/**< every chunk's parts, chunk after chunk */
	struct chunk_slot *index; /**< hash table of chunks (see book_chunk()) */
	size_t index_cap;	/**< its size, a power of two, or 0 */
	struct root *roots; /**< every file root */
	size_t nroots;	/**< number of roots */
	struct run *runs; /**< every run block, in book order */
	size_t nruns;	/**< number of runs */
	struct plot *plots; /**< every plot block, in book order */
	size_t nplots;	/**< number of plots */
	struct quote *quotes; /**< every inline value and claim, in book order (quote.h) */
	size_t nquotes;	/**< number of quotes */
	struct strmap paths;	/**< root path -> index in roots */
	struct strmap programs;	/**< program or variant name -> index in roots */
	struct strlist variant_names; /**< "PROGRAM-tsan", ...: the keys of programs that no root holds */
	struct strmap run_ids;	/**< run id -> index in runs */
	struct exercise *exercises; /**< every exercise, in book order */
	size_t nexercises;	/**< number of exercises */
	struct xref_chapter *xrefs; /**< each chapter's headings and references (nchapters of them) */
	struct xref_table labels; /**< every label of these chapters, numbered in the order given */
};

/** How much book_load() checks. */
enum book_scope {
	BOOK_WHOLE,	/**< the complete book: programs named by runs must exist */
	BOOK_PARTIAL,	/**< some chapters only (weave): skip cross-chapter checks; a quote's
			     name of another chapter stays unresolved (its run NULL) */
};

/**
 * Parse the chapters at @p paths (in book order) and check the invariants
 * above, reporting every violation to @p d. Returns 0 or -1; on -1 the book
 * must still be released with book_free().
 */
int book_load(struct book *b, char *const *paths, size_t npaths,
	      enum book_scope scope, struct diag *d);

/**
 * Like book_load(), with the chapters' texts given in memory: @p texts[i]
 * holds @p lens[i] bytes read as if from @p paths[i].
 */
int book_parse(struct book *b, const char *const *paths, const char *const *texts,
	       const size_t *lens, size_t n, enum book_scope scope, struct diag *d);

/** Release everything @p b owns. */
void book_free(struct book *b);

/**
 * The run of @p b that defines the value @p name ("serial" of chapter @p c,
 * or "ch01.serial"), or NULL.
 */
const struct run *book_value_run(const struct book *b, const struct chapter *c, const char *name);

/**
 * The table weave reads for chapter @p ci (xref.h): its number and the
 * targets of the labels it references, into @p out.
 */
void book_xref_table(const struct book *b, size_t ci, struct xref_table *out);

/** The chunk @p name of chapter @p c, or NULL. */
const struct chunk *book_chunk(const struct book *b, const struct chapter *c,
			       const char *name, size_t len);

/**
 * Expand @p r into @p text (the file's contents, without the generated-file
 * header). When @p map is not NULL, it gets one entry per line of @p text:
 * the chapter line it came from and how many columns of indentation the
 * expansion put in front of it (see linemap.h).
 */
void book_expand(const struct book *b, const struct root *r,
		 struct buf *text, struct line_origins *map);

/**
 * Where an expansion goes, for a file too large to hold whole: lines are
 * appended to @c text (and their origins to @c map, when not NULL) as with
 * book_expand(), and whenever @c text holds @c flush_at bytes or more, at
 * the end of a line, @c flush is called to take them (it may empty @c text
 * and @c map). A non-zero return from @c flush stops the expansion.
 */
struct expand_sink {
	struct buf *text;		/**< the lines expanded and not yet taken */
	struct line_origins *map;	/**< their origins, or NULL */
	size_t flush_at;		/**< when to call flush */
	int (*flush)(struct expand_sink *s); /**< takes what text holds; 0 to go on */
};

/**
 * Expand @p r into @p s. Returns 0, or the first non-zero value that
 * s->flush returned. The caller flushes what is left at the end.
 */
int book_expand_into(const struct book *b, const struct root *r, struct expand_sink *s);

/**
 * Check that @p path is a clean relative path (no "..", no absolute path, no
 * empty or "." component, only [A-Za-z0-9._/-]). Returns NULL when it is,
 * else a description of what is wrong.
 */
const char *snippet_path_problem(const char *path);

/**
 * Why @p name (a file stem) cannot name a program, or NULL: it must not be
 * a target of the build (Ninja aliases a binary by its name, so a program
 * "test" would clash with CMake's test target).
 */
const char *program_name_problem(const char *name);

/** Append the reserved names and prefixes ("prog_*") to @p names. */
void book_reserved_names(struct strlist *names);

#endif
