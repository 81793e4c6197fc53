/**
 * @file linemap.h
 * @brief from a line of a snippet back to the line of its chapter.
 *
 * The build compiles the files in snippets/, which carry no trace of the
 * chapter they came from. Beside each one, tangle writes a map,
 * gen/maps/PATH.map: its first line names the chapter; each later line is a
 * run, "FIRST LINE INDENT": from snippet line FIRST on, snippet lines come
 * from consecutive chapter lines starting at LINE, each with INDENT columns
 * of indentation added by the expansion, up to the next run; the last line,
 * "end N", gives the snippet's number of lines. The compiler launcher
 * (remap) uses the maps to rewrite "snippets/ch02/x.c:12:5" in diagnostics to
 * "book/02-threads.md:140:1", so editors jump to the chapter. The maps are not
 * inputs of the compilation: moving a block in its chapter changes its map,
 * not its snippet, and recompiles nothing.
 */
#ifndef TANGLE_LINEMAP_H
#define TANGLE_LINEMAP_H

#include <stddef.h>

#include "util.h"

/** Where each line of an expansion came from, line by line. */
struct line_origins {
	int *line;		/**< chapter line of output line i + 1 */
	int *indent;		/**< columns of indentation added in front of it */
	size_t n;		/**< lines */
	size_t cap;		/**< entries allocated */
};

/** Make room for at least one more origin (see line_origins_add()). */
void line_origins_grow(struct line_origins *o);

/** Append the origin of one more output line (inline: it runs per line). */
static inline void line_origins_add(struct line_origins *o, int line, int indent)
{
	if (o->n == o->cap)
		line_origins_grow(o);
	o->line[o->n] = line;
	o->indent[o->n] = indent;
	o->n++;
}

/** Release what @p o owns. */
void line_origins_free(struct line_origins *o);

/** Append to @p out the map of @p o for a snippet of @p chapter (runs, see above). */
void linemap_encode(const struct line_origins *o, const char *chapter, struct buf *out);

/**
 * The same map written piece by piece, for a snippet expanded in pieces:
 * begin, then the origins of each piece in order, then end.
 */
struct linemap_encoder {
	struct buf *out;	/**< where the map goes */
	size_t n;		/**< lines encoded so far */
	int line;		/**< origin of the last line encoded, */
	int indent;		/**< and its indentation */
};

/** Start the map of a snippet of @p chapter in @p out. */
void linemap_encode_begin(struct linemap_encoder *e, const char *chapter, struct buf *out);
/** Encode the next lines, whose origins are @p o. */
void linemap_encode_more(struct linemap_encoder *e, const struct line_origins *o);
/** End the map (its "end N" line). */
void linemap_encode_end(struct linemap_encoder *e);

/** One snippet's map. */
struct linemap {
	char *chapter;		/**< e.g. "book/02-threads.md" */
	int *lines;		/**< chapter line of snippet line i + 1 */
	int *indents;		/**< columns added in front of it */
	size_t n;	/**< number of snippet lines mapped */
};

/** Load the map at @p path. Returns 0, or -1 when it is missing or malformed. */
int linemap_load(struct linemap *m, const char *path);

/**
 * The chapter line and column of snippet line @p line, column @p col (0: no
 * column). Returns 0, or -1 when @p line is not in the map.
 */
int linemap_lookup(const struct linemap *m, long line, long col, long *cline, long *ccol);

/** Release what @p m owns. */
void linemap_free(struct linemap *m);

/** Maps loaded on demand, by snippet path. */
struct linemap_cache {
	const char *maps_dir; /**< the directory of the .map files */
	struct strlist paths; /**< snippet paths looked up so far */
	struct linemap *maps;	/**< maps[i] for paths.items[i]; chapter NULL when missing */
};

/** The map of @p snippet (relative to snippets/), or NULL when it has none. */
const struct linemap *linemap_get(struct linemap_cache *c, const char *snippet);

/** Release everything @p c holds. */
void linemap_cache_free(struct linemap_cache *c);

/**
 * Append @p text to @p out with every location "SNIPPETS/PATH:LINE[:COL]"
 * (SNIPPETS being @p snippets_dir, absolute or relative) replaced by the
 * chapter's location, and "SNIPPETS/PATH:" without a line by the chapter's
 * path. Locations without a map are left as they are.
 */
void linemap_rewrite(struct linemap_cache *c, const char *snippets_dir,
		     const char *text, size_t len, struct buf *out);

#endif
