/**
 * @file edition.h
 * @brief the two editions of a woven chapter, and the terms it defines.
 *
 * A chapter holds each exercise's solution where the author wrote it, in a
 * fenced div (exercise.h):
 *
 *     ::: {.solution exercise=2.1}
 *     ... the reference solution and why it works ...
 *     :::
 *
 * edition_split() takes such a div out of the woven chapter: the student
 * edition (what every page, print page, PDF and EPUB of the book is made
 * from) has none, and the solutions go to the instructor edition's
 * appendix, each under a heading that links back to its exercise (the
 * chapter's ::: {.exercise #exercise-2.1} div). Links within a solution to
 * the rest of its chapter become links to the chapter's page.
 *
 * A term the book defines is written [data race]{.dfn} where it is
 * defined; the woven chapter gives that span the id dfn-data-race
 * (dfn_id()), which the glossary and the PDF's index link to. dfn_scan()
 * finds the terms of a text, outside its code blocks.
 */
#ifndef TANGLE_EDITION_H
#define TANGLE_EDITION_H

#include <stddef.h>

#include "util.h"

/**
 * Split the woven chapter @p md (@p len bytes) of the page @p slug
 * ("02-threads"): @p student gets it without its solution divs, with an id
 * on every term's definition; @p solutions gets the solutions, each a
 * section "### Exercise N.M" (none: nothing). Returns the number of
 * solutions.
 */
size_t edition_split(const char *md, size_t len, const char *slug, struct buf *student,
		     struct buf *solutions);

/**
 * The id of the definition of @p term (@p n bytes): "dfn-" and its words in
 * lower case, joined by '-', apostrophes dropped ("Amdahl's law":
 * dfn-amdahls-law).
 */
char *dfn_id(const char *term, size_t n);

/** A term defined in a text: its words, and where. */
struct dfn {
	char *term;	/**< as written between the brackets */
	int line;	/**< 1-based */
	int col;	/**< of its '[' */
};

/**
 * The terms @p text (@p len bytes) defines, [term]{.dfn}, outside fenced
 * code blocks and inline code, in order, into a new array @p out of @p n.
 */
void dfn_scan(const char *text, size_t len, struct dfn **out, size_t *n);

/** Release @p n terms and the array. */
void dfns_free(struct dfn *v, size_t n);

#endif
