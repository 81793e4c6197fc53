/**
 * @file linemap.h
 * @brief from a line of a snippet back to the line of its chapter.
 *
 * The build compiles the files in snippets/, which carry no trace of the
 * chapter they came from. Beside each one, tangle writes a map,
 * gen/maps/PATH.map: its first line names the chapter; then, for the
 * snippet's line k, line k+1 of the map holds "LINE INDENT", the chapter line
 * and the indentation the expansion put in front of it. The compiler launcher
 * (remap) uses the maps to rewrite "snippets/ch02/x.c:12:5" in diagnostics to
 * "book/02-threads.md:140:1", so editors jump to the chapter. The maps are not
 * inputs of the compilation: moving a block in its chapter changes its map,
 * not its snippet, and recompiles nothing.
 */
#ifndef TANGLE_LINEMAP_H
#define TANGLE_LINEMAP_H

#include <stddef.h>

#include "util.h"

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
