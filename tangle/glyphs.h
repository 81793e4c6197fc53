/**
 * @file glyphs.h
 * @brief which characters the fonts of this machine can draw, so that a
 * chapter that uses one no font has fails the build where it uses it,
 * instead of printing a blank in the PDF (WeasyPrint falls back through
 * every font fontconfig knows, so what no installed font covers is what
 * would come out blank).
 *
 * The coverage is fontconfig's: the build writes `fc-list --format
 * '%{charset}\\n'` to gen/fonts.charset (tangle/lit.cmake), one font a line,
 * each a list of hexadecimal code points and ranges ("20-7e a0-17f 2010");
 * this module reads it into the union of its ranges, and writes a coverage
 * back in the same form (one line) for its tests.
 */
#ifndef TANGLE_GLYPHS_H
#define TANGLE_GLYPHS_H

#include <stdbool.h>
#include <stddef.h>

#include "util.h"

/** Code points first to last, both included. */
struct glyph_range {
	unsigned long first;	/**< the first code point */
	unsigned long last;	/**< the last one */
};

/** A set of code points: sorted, disjoint, non-adjacent ranges. */
struct glyphs {
	struct glyph_range *ranges; /**< the ranges */
	size_t n;	/**< number of ranges */
};

/** Read @p text (fc-list's charsets, one font a line) into @p g; 0, or -1 when it is not one. */
int glyphs_parse(const char *text, size_t len, struct glyphs *g);

/** Append @p g in fc-list's form, on one line, to @p out. */
void glyphs_write(const struct glyphs *g, struct buf *out);

/** Does some font draw the code point @p cp? */
bool glyphs_cover(const struct glyphs *g, unsigned long cp);

/** Characters that draw nothing and need no glyph: controls, joiners, variation selectors. */
bool glyph_invisible(unsigned long cp);

/**
 * The first character of @p len bytes of UTF-8 at @p text that @p g does
 * not cover (and that is not invisible): its offset, with the code point in
 * *@p cp; or (size_t)-1 when there is none. Invalid UTF-8 is skipped.
 */
size_t glyphs_first_missing(const struct glyphs *g, const char *text, size_t len, unsigned long *cp);

/** Release what @p g owns. */
void glyphs_free(struct glyphs *g);

#endif
