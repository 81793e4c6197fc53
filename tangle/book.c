/* book.c - see book.h. */
#include "book.h"

#include "command.h"
#include "exercise.h"
#include "prose.h"

#include <ctype.h>
#include <limits.h>
#include <regex.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

const char *snippet_path_problem(const char *path)
{
	const char *p = path;

	if (!*path)
		return "the path is empty";
	if (path[0] == '/')
		return "an absolute path leaves snippets/";
	for (const char *s = path; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '.' && *s != '_' && *s != '-' && *s != '/')
			return "a snippet path uses only letters, digits, '.', '_', '-' and '/'";
	while (*p) {
		size_t n = strcspn(p, "/");

		if (n == 0)
			return "the path has an empty component ('//' or a trailing '/')";
		if (n == 2 && !memcmp(p, "..", 2))
			return "'..' leaves snippets/";
		if (n == 1 && p[0] == '.')
			return "the path has a '.' component";
		p += n;
		if (*p == '/') {
			p++;
			if (!*p)
				return "the path has an empty component ('//' or a trailing '/')";
		}
	}
	return NULL;
}

/*
 * Chunks are found through an open-addressing hash table of indices into
 * b->chunks, keyed by chapter and name: a book of many chunks must not make
 * every reference a linear search.
 */
static size_t chunk_hash(const struct chapter *c, const char *name, size_t len)
{
	size_t h = (size_t)(uintptr_t)c * 0x9e3779b97f4a7c15u;

	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)name[i]) * 0x100000001b3u;
	return h;
}

/* Ask for the cache line holding p before it is needed (a hint; GCC and Clang). */
static inline void prefetch(const void *p)
{
#if defined(__GNUC__)
	__builtin_prefetch(p);
#else
	(void)p;
#endif
}

/* Lookups in the index go in batches of this many (see struct ref_batch). */
enum { BATCH = 16 };

static unsigned hash_tag(size_t hash)
{
	return (unsigned)(hash >> 32);
}

/* Insert chunk idx; the table has room (it is sized before indexing). */
static void index_chunk(struct book *b, size_t idx)
{
	size_t mask = b->index_cap - 1, h = b->chunks[idx].hash & mask;

	while (b->index[h].chunk)
		h = (h + 1) & mask;
	b->index[h] = (struct chunk_slot){hash_tag(b->chunks[idx].hash), (unsigned)idx + 1};
}

/*
 * The chunk of c named name, with that hash. A slot whose tag differs is
 * passed over without reading its chunk: with many chunks, most probes
 * would otherwise miss the cache twice (the chunk, then its name).
 */
static struct chunk *find_chunk(const struct book *b, const struct chapter *c,
				const char *name, size_t len, size_t hash)
{
	size_t mask = b->index_cap - 1;
	unsigned tag = hash_tag(hash);

	if (!b->index_cap)
		return NULL;
	for (size_t h = hash & mask; b->index[h].chunk; h = (h + 1) & mask) {
		struct chunk *k;

		if (b->index[h].tag != tag)
			continue;
		k = &b->chunks[b->index[h].chunk - 1];
		if (k->hash == hash && k->chapter == c && k->name_len == len &&
		    !memcmp(k->name, name, len))
			return k;
	}
	return NULL;
}

const struct chunk *book_chunk(const struct book *b, const struct chapter *c,
			       const char *name, size_t len)
{
	return find_chunk(b, c, name, len, chunk_hash(c, name, len));
}

/* Count blk as a part of its chunk, which is new when none has its name. */
static void add_part(struct book *b, struct chapter *c, struct block *blk, size_t len, size_t hash)
{
	struct chunk *k = find_chunk(b, c, blk->name, len, hash);

	if (!k) {
		k = &b->chunks[b->nchunks++];
		k->chapter = c;
		k->name = blk->name;
		k->name_len = len;
		k->hash = hash;
		index_chunk(b, b->nchunks - 1);
	}
	k->nparts++;
	blk->chunk = (unsigned)(k - b->chunks) + 1;
}

/*
 * Index every chunk and gather its parts. The table is sized once from the
 * number of chunk blocks, so it stays at most half full; the parts of all
 * chunks share one array, counted first (blk->chunk remembers each block's
 * chunk) and then filled in chapter order.
 */
static int index_chunks(struct book *b, struct diag *d)
{
	size_t nblocks = 0, cap = 64, at = 0;

	for (size_t ci = 0; ci < b->nchapters; ci++)
		for (size_t i = 0; i < b->chapters[ci].nblocks; i++)
			nblocks += b->chapters[ci].blocks[i].kind == BLOCK_CHUNK;
	if (nblocks >= UINT_MAX / 2) {
		diag_error(d, b->chapters[0].path, 0, 0, "%zu named blocks; a book holds fewer than %u",
			   nblocks, UINT_MAX / 2);
		return -1;
	}
	while (cap < 2 * nblocks + 2)
		cap *= 2;
	b->index = xcalloc(cap, sizeof(*b->index));
	b->index_cap = cap;
	b->chunks = xcalloc(nblocks + 1, sizeof(*b->chunks));
	for (size_t ci = 0; ci < b->nchapters; ci++) {
		struct chapter *c = &b->chapters[ci];
		struct block *batch[BATCH];
		size_t len[BATCH], hash[BATCH], n = 0;

		/* A batch of names is hashed and their slots asked for, then indexed. */
		for (size_t i = 0; i <= c->nblocks; i++) {
			struct block *blk = i < c->nblocks ? &c->blocks[i] : NULL;

			if (blk && blk->kind == BLOCK_CHUNK) {
				batch[n] = blk;
				len[n] = strlen(blk->name);
				hash[n] = chunk_hash(c, blk->name, len[n]);
				prefetch(&b->index[hash[n] & (cap - 1)]);
				n++;
			}
			if (n < BATCH && blk)
				continue;
			for (size_t q = 0; q < n; q++)
				add_part(b, c, batch[q], len[q], hash[q]);
			n = 0;
		}
	}
	b->parts = xcalloc(nblocks + 1, sizeof(*b->parts));
	for (size_t i = 0; i < b->nchunks; i++) {
		b->chunks[i].parts = b->parts + at;
		at += b->chunks[i].nparts;
		b->chunks[i].nparts = 0;
	}
	for (size_t ci = 0; ci < b->nchapters; ci++) {
		for (size_t i = 0; i < b->chapters[ci].nblocks; i++) {
			struct block *blk = &b->chapters[ci].blocks[i];
			struct chunk *k;

			if (blk->kind != BLOCK_CHUNK)
				continue;
			k = &b->chunks[blk->chunk - 1];
			k->parts[k->nparts++] = blk;
		}
	}
	return 0;
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

/*
 * The stem of a program: "ch02/barrier.c" -> "barrier"; NULL for others,
 * and for an exercise's starting file (exercise.h), built only as a
 * reader's answer.
 */
static char *program_of(const char *path)
{
	const char *base = strrchr(path, '/');

	if (!ends_with(path, ".c") || starts_with(path, "common/") || starts_with(path, "exercises/"))
		return NULL;
	base = base ? base + 1 : path;
	return xstrndup(base, strlen(base) - 2);
}

/* variants="tsan asan": sanitizer builds of a program, beside the plain one. */
static void read_variants(struct root *r, const struct chapter *c, struct diag *d)
{
	const char *v = attrs_get(r->block->attrs, "variants");
	int col = attrs_col(r->block->attrs, "variants");

	if (!v)
		return;
	if (!r->program) {
		diag_error(d, c->path, r->block->line, col,
			   "variants= belongs on a program (a .c file outside common/)");
		return;
	}
	while (*v) {
		size_t n;

		while (*v == ' ')
			v++;
		n = strcspn(v, " ");
		if (!n)
			break;
		if ((n == 4 && !memcmp(v, "tsan", 4)) || (n == 4 && !memcmp(v, "asan", 4)))
			strlist_take(&r->variants, xstrndup(v, n));
		else
			diag_error(d, c->path, r->block->line, col,
				   "unknown variant '%.*s' (known: tsan, asan)", (int)n, v);
		v += n;
	}
}

/*
 * Names a program's binary must not take: Ninja aliases every executable by
 * its file name beside the build's own targets, so "test" or "tangle" would
 * be a second rule for the same name and leave build.ninja unloadable.
 * These are CMake's targets and the toolchain's and tests' ones; the
 * prefixes are the build's (prog_NAME is a program's target). The test
 * tangle.reserved-names checks this list against a configured build.
 */
static const char *const reserved_names[] = {
	"all", "clean", "help", "test", "install", "package", "package_source", "edit_cache",
	"rebuild_cache", "list_install_components", "html", "pdf", "docs", "tangle", "weave",
	"run", "remap", "plot", "provenance", "exercise", "instructor", "serve", "epub", "unit-tests", "leakcheck", "lit",
};
static const char *const reserved_prefixes[] = {"prog_", "lit_", "cmake_", "CMakeFiles"};

const char *program_name_problem(const char *name)
{
	for (size_t i = 0; i < sizeof(reserved_names) / sizeof(reserved_names[0]); i++)
		if (!strcmp(name, reserved_names[i]))
			return "it is the name of a target of the build";
	for (size_t i = 0; i < sizeof(reserved_prefixes) / sizeof(reserved_prefixes[0]); i++)
		if (starts_with(name, reserved_prefixes[i]))
			return "names starting with prog_, lit_, cmake_ or CMakeFiles belong to the build";
	if (!isalpha((unsigned char)name[0]) && name[0] != '_')
		return "a program name starts with a letter or '_'";
	for (const char *p = name; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '_' && *p != '-')
			return "a program name is letters, digits, '_' and '-'";
	return NULL;
}

void book_reserved_names(struct strlist *names)
{
	for (size_t i = 0; i < sizeof(reserved_names) / sizeof(reserved_names[0]); i++)
		strlist_add(names, reserved_names[i]);
	for (size_t i = 0; i < sizeof(reserved_prefixes) / sizeof(reserved_prefixes[0]); i++) {
		char *p = xasprintf("%s*", reserved_prefixes[i]);

		strlist_take(names, p);
	}
}

/* Report that @p blk's file clashes with the root @p o. */
static void clash(struct diag *d, const struct chapter *c, const struct block *blk,
		  const struct root *o, const char *what)
{
	diag_error(d, c->path, blk->line, blk->name_col, "%s", what);
	diag_note(d, o->chapter->path, o->block->line, o->block->name_col, "'%s' defined here", o->path);
}

static void index_roots(struct book *b, struct diag *d)
{
	struct strmap bases = {0};

	for (size_t ci = 0; ci < b->nchapters; ci++) {
		struct chapter *c = &b->chapters[ci];

		for (size_t i = 0; i < c->nblocks; i++) {
			struct block *blk = &c->blocks[i];
			const char *problem;
			char *prog, *what;
			struct root *r;
			size_t other, at = b->nroots;

			if (blk->kind != BLOCK_ROOT)
				continue;
			problem = snippet_path_problem(blk->name);
			if (problem) {
				diag_error(d, c->path, blk->line, blk->name_col,
					   "bad file path '%s': %s", blk->name, problem);
				continue;
			}
			if (!strmap_put(&b->paths, blk->name, at, &other)) {
				diag_error(d, c->path, blk->line, blk->name_col,
					   "file '%s' is defined twice", blk->name);
				diag_note(d, b->roots[other].chapter->path, b->roots[other].block->line,
					  b->roots[other].block->name_col, "first defined here");
				continue;
			}
			prog = program_of(blk->name);
			if (prog && (problem = program_name_problem(prog)))
				diag_error(d, c->path, blk->line, blk->name_col,
					   "program name '%s' cannot be used: %s (build/bin/%s)", prog, problem, prog);
			if (prog && !strmap_put(&b->programs, prog, at, &other)) {
				what = xasprintf("program name '%s' is already used by '%s'; programs are named by their file stem, unique in the book",
						 prog, b->roots[other].path);
				clash(d, c, blk, &b->roots[other], what);
				free(what);
			} else if (!starts_with(blk->name, "exercises/") &&	/* a starting file has its */
				   !strmap_put(&bases, base_name(blk->name), at, &other)) { /* solution's name */
				what = xasprintf("file name '%s' is already used by '%s'; file names are unique in the book (the code reference is named by them)",
						 base_name(blk->name), b->roots[other].path);
				clash(d, c, blk, &b->roots[other], what);
				free(what);
			}
			b->roots = xrealloc(b->roots, (b->nroots + 1) * sizeof(*b->roots));
			r = &b->roots[b->nroots++];
			memset(r, 0, sizeof(*r));
			r->chapter = c;
			r->block = blk;
			r->path = blk->name;
			r->program = prog;
			read_variants(r, c, d);
		}
	}
	strmap_free(&bases);
	/* Programs and their variants share build/bin/: every name once. */
	for (size_t i = 0; i < b->nroots; i++) {
		struct root *r = &b->roots[i];

		for (size_t k = 0; r->program && k < r->variants.len; k++) {
			char *name = xasprintf("%s-%s", r->program, r->variants.items[k]);
			size_t other;

			strlist_take(&b->variant_names, name);
			if (!strmap_put(&b->programs, name, i, &other) && other != i) {
				char *what = xasprintf("the variant build/bin/%s of '%s' has the name of the program of '%s'",
						       name, r->path, b->roots[other].path);

				clash(d, r->chapter, r->block, &b->roots[other], what);
				free(what);
			}
		}
	}
}

/* The nearest chunk name in the same chapter, for "did you mean". */
static const char *nearest(const struct book *b, const struct chapter *c, const char *name)
{
	const char *best = NULL;
	size_t best_d = (size_t)-1, limit = strlen(name) / 3 + 2;

	for (size_t i = 0; i < b->nchunks; i++) {
		size_t dist;

		if (b->chunks[i].chapter != c)
			continue;
		dist = edit_distance(name, b->chunks[i].name);
		if (dist < best_d) {
			best_d = dist;
			best = b->chunks[i].name;
		}
	}
	return best_d <= limit ? best : NULL;
}

static void report_undefined(const struct book *b, const struct chapter *c,
			     const struct line *l, struct diag *d)
{
	char *s = xstrndup(line_ref_name(l), l->ref_len);
	const char *hint = nearest(b, c, s);
	int col = (int)line_indent(l) + 1;

	if (hint)
		diag_error(d, c->path, l->lineno, col, "undefined chunk '%s'; did you mean '%s'?", s, hint);
	else
		diag_error(d, c->path, l->lineno, col,
			   "undefined chunk '%s' (no chunk of %s has a similar name)", s, c->path);
	free(s);
}

/*
 * References waiting to be resolved, a batch at a time: their names are
 * hashed and their index slots, then their chunks, asked for first, so that
 * the cache misses of a large book's lookups overlap instead of following
 * one another.
 */

struct ref_batch {
	struct line *line[BATCH];
	size_t hash[BATCH];
	size_t n;
};

static void resolve_batch(const struct book *b, const struct chapter *c, struct ref_batch *q,
			  struct diag *d)
{
	size_t mask = b->index_cap - 1;

	for (size_t i = 0; i < q->n; i++) {
		const struct chunk_slot *s = &b->index[q->hash[i] & mask];

		if (s->chunk)
			prefetch(&b->chunks[s->chunk - 1]);
	}
	for (size_t i = 0; i < q->n; i++) {
		struct line *l = q->line[i];
		const struct chunk *target = find_chunk(b, c, line_ref_name(l), l->ref_len, q->hash[i]);

		/* Resolved once here; the later passes read l->target. */
		if (target)
			l->target = (unsigned)(target - b->chunks) + 1;
		else
			report_undefined(b, c, l, d);
	}
	q->n = 0;
}

static void check_references(struct book *b, struct diag *d)
{
	struct ref_batch q;

	for (size_t ci = 0; ci < b->nchapters; ci++) {
		struct chapter *c = &b->chapters[ci];

		q.n = 0;
		for (size_t i = 0; i < c->nblocks; i++) {
			struct block *blk = &c->blocks[i];

			if (blk->kind != BLOCK_ROOT && blk->kind != BLOCK_CHUNK)
				continue;
			for (size_t k = 0; k < blk->nlines; k++) {
				struct line *l = &blk->lines[k];

				if (!l->ref_len)
					continue;
				q.line[q.n] = l;
				q.hash[q.n] = chunk_hash(c, line_ref_name(l), l->ref_len);
				prefetch(&b->index[q.hash[q.n] & (b->index_cap - 1)]);
				if (++q.n == BATCH)
					resolve_batch(b, c, &q, d);
			}
		}
		resolve_batch(b, c, &q, d);
	}
}

/*
 * Depth-first walk over references with the usual three colours: a chunk is
 * unvisited, on the current path, or done. Meeting a chunk that is on the
 * path is a cycle; the path from it is the cycle to report.
 */
enum colour { UNVISITED, ON_PATH, DONE };

/* Deeper than any book needs, shallow enough for the recursive expansion. */
enum { MAX_NESTING = 1000 };

struct walk {
	struct book *b;
	struct diag *d;
	enum colour *colour;		/* per chunk, indexed like b->chunks */
	const struct chunk **path;
	size_t depth;
	size_t cap;
	bool too_deep;			/* reported once; the walk stops */
};

static void walk_block(struct walk *w, struct chapter *c, const struct block *blk);

static void walk_chunk(struct walk *w, struct chapter *c, const struct chunk *k,
		       const struct line *ref)
{
	size_t idx = (size_t)(k - w->b->chunks);

	if (w->colour[idx] == DONE || w->too_deep)
		return;
	if (w->colour[idx] == ON_PATH) {
		struct buf cycle = {0};
		size_t i = 0;

		while (w->path[i] != k)
			i++;
		for (; i < w->depth; i++)
			buf_printf(&cycle, "%s -> ", w->path[i]->name);
		buf_puts(&cycle, k->name);
		diag_error(w->d, c->path, ref->lineno, (int)line_indent(ref) + 1,
			   "reference cycle: %s", cycle.data);
		buf_free(&cycle);
		return;
	}
	if (w->depth >= MAX_NESTING) {
		diag_error(w->d, c->path, ref->lineno, (int)line_indent(ref) + 1,
			   "references nested more than %d deep (through '%s'); is this a generated chapter?",
			   MAX_NESTING, k->name);
		w->too_deep = true;
		return;
	}
	w->colour[idx] = ON_PATH;
	if (w->depth == w->cap) {
		w->cap = w->cap ? w->cap * 2 : 16;
		w->path = xrealloc(w->path, w->cap * sizeof(*w->path));
	}
	w->path[w->depth++] = k;
	for (size_t p = 0; p < k->nparts; p++)
		walk_block(w, c, k->parts[p]);
	w->depth--;
	w->colour[idx] = DONE;
}

static void walk_block(struct walk *w, struct chapter *c, const struct block *blk)
{
	for (size_t i = 0; i < blk->nlines; i++) {
		const struct line *l = &blk->lines[i];
		const struct chunk *k;

		if (!l->target)
			continue;
		k = &w->b->chunks[l->target - 1];
		walk_chunk(w, c, k, l);
	}
}

static void check_reachability(struct book *b, struct diag *d)
{
	struct walk w = {b, d, xcalloc(b->nchunks + 1, sizeof(enum colour)), NULL, 0, 0, false};

	for (size_t i = 0; i < b->nroots; i++)
		walk_block(&w, b->roots[i].chapter, b->roots[i].block);
	for (size_t i = 0; i < b->nchunks; i++)
		b->chunks[i].reached = w.colour[i] == DONE;
	/* Chunks no root reaches: report cycles among them, else "never used". */
	for (size_t i = 0; i < b->nchunks && !w.too_deep; i++) {
		const struct block *first = b->chunks[i].parts[0];
		int errors = d->errors;

		if (b->chunks[i].reached || w.colour[i] == DONE)
			continue;
		w.colour[i] = ON_PATH;
		w.path = w.path ? w.path : xmalloc(16 * sizeof(*w.path));
		w.cap = w.cap ? w.cap : 16;
		w.path[0] = &b->chunks[i];
		w.depth = 1;
		for (size_t p = 0; p < b->chunks[i].nparts; p++)
			walk_block(&w, b->chunks[i].chapter, b->chunks[i].parts[p]);
		w.depth = 0;
		w.colour[i] = DONE;
		if (d->errors == errors)
			diag_error(d, b->chunks[i].chapter->path, first->line, first->name_col,
				   "chunk '%s' is defined but never used", b->chunks[i].name);
	}
	free(w.colour);
	free(w.path);
}

static bool has_program(const struct book *b, const char *name)
{
	return strmap_get(&b->programs, name, NULL);
}

static const char *nearest_program(const struct book *b, const char *name)
{
	const char *best = NULL;
	size_t best_d = (size_t)-1, limit = strlen(name) / 3 + 2;

	for (size_t i = 0; i < b->nroots; i++) {
		size_t dist;

		if (!b->roots[i].program)
			continue;
		dist = edit_distance(name, b->roots[i].program);
		if (dist < best_d) {
			best_d = dist;
			best = b->roots[i].program;
		}
	}
	return best_d <= limit ? best : NULL;
}

/* What each script of the book uses (command.h), read once per root. */
struct scripts {
	struct strlist *programs;	/* per root */
	struct strlist *files;		/* per root */
	bool *read;			/* per root */
};

static void read_script(const struct book *b, struct scripts *sc, size_t root)
{
	if (!sc->read[root]) {
		struct buf text = {0};

		book_expand(b, &b->roots[root], &text, NULL);
		script_uses(text.data ? text.data : "", text.len, &sc->programs[root], &sc->files[root]);
		buf_free(&text);
		sc->read[root] = true;
	}
}

static void unknown_program(const struct book *b, const struct run *r, const char *name,
			    const char *via, struct diag *d)
{
	const char *hint = nearest_program(b, name);

	diag_error(d, r->chapter->path, r->spec.command_line, 3,
		   "%s runs build/bin/%s, but no chapter defines a program '%s'%s%s%s", via, name, name,
		   hint ? "; did you mean '" : " (a file root ending in .c)", hint ? hint : "",
		   hint ? "'?" : "");
}

/*
 * Complete what @p r uses with the whole book in view: the words that may
 * name a program or file after a cd, the files (which must be the book's),
 * and the programs the scripts among them run.
 */
static void resolve_uses(struct book *b, struct run *r, struct scripts *sc, struct diag *d)
{
	struct runspec *s = &r->spec;
	size_t root, named;

	for (size_t k = 0; k < s->maybe_programs.len; k++)
		if (has_program(b, s->maybe_programs.items[k]) &&
		    !strlist_has(&s->programs, s->maybe_programs.items[k]))
			strlist_add(&s->programs, s->maybe_programs.items[k]);
	for (size_t k = 0; k < s->maybe_files.len; k++)
		if (strmap_get(&b->paths, s->maybe_files.items[k] + 9, NULL) &&
		    !strlist_has(&s->files, s->maybe_files.items[k]))
			strlist_add(&s->files, s->maybe_files.items[k]);
	for (size_t k = 0; k < s->programs.len; k++)
		if (!has_program(b, s->programs.items[k]))
			unknown_program(b, r, s->programs.items[k], "the command", d);
	named = s->files.len;	/* the command's own; the rest come from scripts */
	/* The files, and the files and programs the scripts among them name, in turn. */
	for (size_t k = 0; k < s->files.len; k++) {
		const char *file = s->files.items[k];
		char *via;

		if (!strmap_get(&b->paths, file + 9, &root)) {
			if (k < named)
				diag_error(d, r->chapter->path, r->spec.command_line, 3,
					   "the command uses %s, but no chapter tangles that file (a run uses the book's files only)",
					   file);
			continue;
		}
		read_script(b, sc, root);
		via = xasprintf("the script %s", file);
		for (size_t j = 0; j < sc->programs[root].len; j++) {
			const char *prog = sc->programs[root].items[j];

			if (!has_program(b, prog))
				unknown_program(b, r, prog, via, d);
			else if (!strlist_has(&s->programs, prog))
				strlist_add(&s->programs, prog);
		}
		for (size_t j = 0; j < sc->files[root].len; j++) {
			const char *used = sc->files[root].items[j];

			if (!strmap_get(&b->paths, used + 9, NULL))
				diag_error(d, r->chapter->path, r->spec.command_line, 3,
					   "%s uses %s, but no chapter tangles that file", via, used);
			else if (!strlist_has(&s->files, used))
				strlist_add(&s->files, used);
		}
		free(via);
	}
}

static void index_runs(struct book *b, enum book_scope scope, struct diag *d)
{
	struct scripts sc = {xcalloc(b->nroots + 1, sizeof(struct strlist)),
			     xcalloc(b->nroots + 1, sizeof(struct strlist)),
			     xcalloc(b->nroots + 1, sizeof(bool))};

	for (size_t ci = 0; ci < b->nchapters; ci++) {
		struct chapter *c = &b->chapters[ci];
		size_t unnamed = 0;
		struct strmap bases = {0};	/* an automatic id's base -> runs that took it */
		struct strlist base_keys = {0};

		for (size_t i = 0; i < c->nblocks; i++) {
			struct block *blk = &c->blocks[i];
			struct run *r;
			size_t other;

			if (blk->kind != BLOCK_RUN)
				continue;
			b->runs = xrealloc(b->runs, (b->nruns + 1) * sizeof(*b->runs));
			r = &b->runs[b->nruns++];
			memset(r, 0, sizeof(*r));
			r->chapter = c;
			r->block = blk;
			if (runspec_parse(&r->spec, blk->attrs, blk->lines, blk->nlines, c->path,
					  blk->line, d) < 0) {
				r->id = xasprintf("%s-invalid-%zu", c->tag, ++unnamed);
				continue;
			}
			/* The id follows from the command as written, whatever the book holds. */
			if (r->spec.name) {
				r->id = xasprintf("%s-%s", c->tag, r->spec.name);
			} else {
				char *base = xasprintf("%s-%s", c->tag,
						       r->spec.programs.len ? r->spec.programs.items[0] : "run");
				size_t *same = strmap_ref(&bases, base);

				if (same) {
					r->id = xasprintf("%s-%zu", base, ++*same);
					free(base);
				} else {
					strmap_put(&bases, base, 1, NULL);
					strlist_take(&base_keys, base);
					r->id = xstrdup(base);
				}
			}
			if (!strmap_put(&b->run_ids, r->id, b->nruns - 1, &other)) {
				diag_error(d, c->path, blk->line, attrs_col(blk->attrs, "name"),
					   "run name '%s' is already used", r->id);
				diag_note(d, b->runs[other].chapter->path, b->runs[other].block->line, 0,
					  "the other run is here");
			}
			if (scope == BOOK_WHOLE)
				resolve_uses(b, r, &sc, d);
		}
		strmap_free(&bases);
		strlist_free(&base_keys);
	}
	for (size_t i = 0; i < b->nroots; i++) {
		strlist_free(&sc.programs[i]);
		strlist_free(&sc.files[i]);
	}
	free(sc.programs);
	free(sc.files);
	free(sc.read);
}

/*
 * A plot script that sets the terminal or the output. The build gives every
 * figure its terminal (SVG) and its output (the figure's file), so a script
 * that changes either draws nowhere the book looks, or somewhere it must not
 * write. What gnuplot 5.4 really accepts (measured with gnuplot-nox):
 *
 *  - commands are case-sensitive words, [A-Za-z_][A-Za-z0-9_]*; "set" may be
 *    shortened to "se", "unset" to "uns" or "unse" ("s", "un" are errors);
 *  - the option "terminal" to any prefix from "t" ("set t svg"; "termopt" is
 *    termoption, which changes the terminal's options only, and is allowed);
 *    "output" to any prefix from "o"; "set terminal" alone lists the
 *    terminals and "set terminal push" saves the current one, changing
 *    nothing; "set terminal pop" restores the one saved last (with no push,
 *    gnuplot's startup terminal);
 *  - "unset terminal" returns to the default terminal (GNUTERM's), "unset
 *    output" to standard output; "set noterminal", "set nooutput" (any such
 *    prefixes, no blank after "no") are the same; "set for [..] OPTION" and
 *    "unset for [..] OPTION" iterate;
 *  - a command starts a line or follows ';', '{', '}', "else", the condition
 *    of "if (...)" or "while (...)", or "do for [...]";
 *  - strings are '...' ('' stands for ') and "..." (backslash escapes); '#'
 *    outside them comments out the rest of the line; a line ending in '\'
 *    goes on with the next (the comment too); "$name << END" opens a data
 *    block whose lines, up to END, are data.
 *
 * Everything else is allowed: "set table", "set print", "set termoption",
 * "set title". A command built at run time (eval, load, call, a @macro) is
 * not seen here.
 */
struct gp_line {
	struct buf text;	/* one logical line, continuations joined */
	int *lineno;		/* per byte: chapter line */
	int *col;		/* per byte: chapter column */
	size_t cap;		/* bytes lineno and col hold */
};

static void gp_add(struct gp_line *g, const char *text, size_t len, int lineno, int col)
{
	if (g->text.len + len > g->cap) {
		g->cap = 2 * (g->text.len + len) + 16;
		g->lineno = xrealloc(g->lineno, g->cap * sizeof(*g->lineno));
		g->col = xrealloc(g->col, g->cap * sizeof(*g->col));
	}
	for (size_t i = 0; i < len; i++) {
		g->lineno[g->text.len + i] = lineno;
		g->col[g->text.len + i] = col + (int)i;
	}
	buf_add(&g->text, text, len);
}

/* True when @p w (@p n bytes) is @p word shortened to at least @p min bytes. */
static bool gp_abbrev(const char *w, size_t n, const char *word, size_t min)
{
	return n >= min && n <= strlen(word) && !memcmp(w, word, n);
}

static bool gp_word_char(char ch, bool first)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || ch == '_' ||
	       (!first && ch >= '0' && ch <= '9');
}

/* A token of a logical line: a word, a string, or one other character. */
struct gp_token {
	size_t at, len;
	bool word;
};

/* The token at or after *pos, or false at the end of the line or at a comment. */
static bool gp_next(const struct buf *t, size_t *pos, struct gp_token *tok)
{
	size_t i = *pos;

	while (i < t->len && (t->data[i] == ' ' || t->data[i] == '\t'))
		i++;
	if (i == t->len || t->data[i] == '#') {
		*pos = t->len;
		return false;
	}
	tok->at = i;
	tok->word = gp_word_char(t->data[i], true);
	if (tok->word) {
		while (++i < t->len && gp_word_char(t->data[i], false))
			;
	} else if (t->data[i] == '"' || t->data[i] == '\'' || t->data[i] == '`') {
		char q = t->data[i];

		for (i++; i < t->len; i++) {
			if (q == '\'' && t->data[i] == q && i + 1 < t->len && t->data[i + 1] == q)
				i++;
			else if (q != '\'' && t->data[i] == '\\' && i + 1 < t->len)
				i++;
			else if (t->data[i] == q)
				break;
		}
		i += i < t->len;
	} else {
		i++;
	}
	tok->len = i - tok->at;
	*pos = i;
	return true;
}

static bool gp_is(const struct buf *t, const struct gp_token *tok, const char *s)
{
	return tok->len == strlen(s) && !memcmp(t->data + tok->at, s, tok->len);
}

/* Skip a balanced group opened by the token just read (@p open), e.g. "(...)". */
static void gp_skip_group(const struct buf *t, size_t *pos, char open, char close)
{
	struct gp_token tok;
	int depth = 1;

	while (depth > 0 && gp_next(t, pos, &tok)) {
		if (!tok.word && tok.len == 1 && t->data[tok.at] == open)
			depth++;
		else if (!tok.word && tok.len == 1 && t->data[tok.at] == close)
			depth--;
	}
}

/* Report each command of the logical line @p g that sets the terminal or the output. */
static void gp_check_line(const struct gp_line *g, const char *path, struct diag *d)
{
	const struct buf *t = &g->text;
	struct gp_token tok, cmd;
	size_t pos = 0;
	bool at_start = true;

	while (gp_next(t, &pos, &tok)) {
		const char *w = t->data + tok.at, *what = NULL;
		bool unset, iterated = false;
		size_t end;

		if (!tok.word && tok.len == 1 && (*w == ';' || *w == '{' || *w == '}')) {
			at_start = true;
			continue;
		}
		if (!at_start)
			continue;
		if (gp_is(t, &tok, "if") || gp_is(t, &tok, "while")) {
			size_t after = pos;

			if (gp_next(t, &after, &tok) && !tok.word && t->data[tok.at] == '(') {
				pos = after;
				gp_skip_group(t, &pos, '(', ')');
			}
			continue;
		}
		if (gp_is(t, &tok, "else"))
			continue;
		if (gp_is(t, &tok, "do")) {
			size_t after = pos;

			if (gp_next(t, &after, &tok) && gp_is(t, &tok, "for") &&
			    gp_next(t, &after, &tok) && t->data[tok.at] == '[') {
				pos = after;
				gp_skip_group(t, &pos, '[', ']');
			}
			continue;
		}
		at_start = false;
		if (!tok.word)
			continue;
		unset = gp_abbrev(w, tok.len, "unset", 3);
		if (!unset && !gp_abbrev(w, tok.len, "set", 2))
			continue;
		cmd = tok;
		for (;;) {
			size_t after = pos;

			if (!gp_next(t, &after, &tok) || !gp_is(t, &tok, "for"))
				break;
			if (!gp_next(t, &after, &tok) || t->data[tok.at] != '[')
				break;
			pos = after;
			gp_skip_group(t, &pos, '[', ']');
			iterated = true;
		}
		if (!gp_next(t, &pos, &tok) || !tok.word)
			continue;
		end = tok.at + tok.len;
		w = t->data + tok.at;
		if (!unset && !iterated && tok.len > 2 && !memcmp(w, "no", 2) &&
		    (gp_abbrev(w + 2, tok.len - 2, "terminal", 1) || gp_abbrev(w + 2, tok.len - 2, "output", 1))) {
			unset = true;
			w += 2;
			tok.len -= 2;
		}
		if (gp_abbrev(w, tok.len, "terminal", 1) && !unset) {
			size_t after = pos;
			struct gp_token arg;

			/* "set terminal" alone lists the terminals; "... push" saves the current one. */
			if (gp_next(t, &after, &arg) && !gp_is(t, &arg, "push") &&
			    (arg.word || arg.len != 1 || (t->data[arg.at] != ';' && t->data[arg.at] != '}')))
				what = "sets the terminal";
		} else if (gp_abbrev(w, tok.len, "terminal", 1)) {
			what = "returns to the default terminal";
		}
		if (gp_abbrev(w, tok.len, "output", 1))
			what = unset ? "returns the output to standard output" : "sets the output";
		if (what)
			diag_error(d, path, g->lineno[cmd.at], g->col[cmd.at],
				   "'%.*s' %s: a plot is drawn by the build, as SVG into its figure's file, "
				   "so its script sets neither the terminal nor the output",
				   (int)(end - cmd.at),
				   t->data + cmd.at, what);
	}
}

/* The column, in the chapter, of byte @p off of body line @p l of @p blk. */
static int body_col(const struct block *blk, const struct line *l, size_t off)
{
	int stripped = 0;

	/* The fence's indentation was stripped from the body: count it back. */
	while (stripped < blk->col - 1 && l->text[-stripped - 1] == ' ')
		stripped++;
	return stripped + (int)off + 1;
}

/* The end marker of a data block that the logical line @p t opens ("$name << END"), or NULL. */
static char *gp_data_block(const struct buf *t)
{
	const char *p = t->data, *e = t->data + t->len;
	size_t n;

	while (p < e && (*p == ' ' || *p == '\t'))
		p++;
	if (p == e || *p != '$')
		return NULL;
	for (p++; p < e && gp_word_char(*p, false); p++)
		;
	while (p < e && (*p == ' ' || *p == '\t'))
		p++;
	if (e - p < 2 || p[0] != '<' || p[1] != '<')
		return NULL;
	for (p += 2; p < e && (*p == ' ' || *p == '\t'); p++)
		;
	n = (size_t)(e - p);
	while (n && (p[n - 1] == ' ' || p[n - 1] == '\t'))
		n--;
	return n ? xstrndup(p, n) : NULL;
}

/* Refuse, at its chapter line, each command of a plot's script that sets the terminal or the output. */
static void check_plot_script(const struct chapter *c, const struct block *blk, struct diag *d)
{
	struct gp_line g = {0};
	char *end_of_data = NULL;

	for (unsigned i = 0; i < blk->nlines; i++) {
		const struct line *l = &blk->lines[i];
		size_t len = l->len;

		if (end_of_data) {
			while (len && (l->text[len - 1] == ' ' || l->text[len - 1] == '\t'))
				len--;
			if (len == strlen(end_of_data) && !memcmp(l->text, end_of_data, len)) {
				free(end_of_data);
				end_of_data = NULL;
			}
			continue;
		}
		if (len && l->text[len - 1] == '\\' && i + 1 < blk->nlines) {
			gp_add(&g, l->text, len - 1, l->lineno, body_col(blk, l, 0));
			continue;
		}
		gp_add(&g, l->text, len, l->lineno, body_col(blk, l, 0));
		if (g.text.len) {
			end_of_data = gp_data_block(&g.text);
			if (!end_of_data)
				gp_check_line(&g, c->path, d);
		}
		g.text.len = 0;
	}
	free(end_of_data);
	buf_free(&g.text);
	free(g.lineno);
	free(g.col);
}

/* Plots are read after the runs, which they name. */
static void index_plots(struct book *b, struct diag *d)
{
	static const char *const keys[] = {"run", "data", "caption", "name"};
	struct strmap figures = {0};
	size_t other;

	for (size_t ci = 0; ci < b->nchapters; ci++) {
		struct chapter *c = &b->chapters[ci];
		size_t count = 0;

		for (size_t i = 0; i < c->nblocks; i++) {
			struct block *blk = &c->blocks[i];
			const char *run, *name;
			struct plot *p;
			regex_t rx;
			int rc;

			if (blk->kind != BLOCK_PLOT)
				continue;
			count++;
			for (size_t k = 0; k < blk->attrs->nkvs; k++) {
				bool known = false;

				for (size_t j = 0; j < sizeof(keys) / sizeof(keys[0]); j++)
					known |= !strcmp(blk->attrs->kvs[k].key, keys[j]);
				if (!known)
					diag_error(d, c->path, blk->line, blk->attrs->kvs[k].col,
						   "unknown attribute '%s' on a plot (known: run data caption name)",
						   blk->attrs->kvs[k].key);
			}
			b->plots = xrealloc(b->plots, (b->nplots + 1) * sizeof(*b->plots));
			p = &b->plots[b->nplots++];
			memset(p, 0, sizeof(*p));
			p->chapter = c;
			p->block = blk;
			name = attrs_get(blk->attrs, "name");
			for (const char *q = name; q && *q; q++)
				if (!isalnum((unsigned char)*q) && *q != '-' && *q != '_') {
					diag_error(d, c->path, blk->line, attrs_col(blk->attrs, "name"),
						   "a figure name is letters, digits, '-' and '_', not '%s'", name);
					break;
				}
			p->id = name ? xasprintf("%s-%s", c->tag, name) : xasprintf("%s-plot-%zu", c->tag, count);
			if (!strmap_put(&figures, p->id, b->nplots - 1, &other))
				diag_error(d, c->path, blk->line, attrs_col(blk->attrs, "name"),
					   "figure name '%s' is already used (line %d); figures are named uniquely",
					   p->id, b->plots[other].block->line);
			check_plot_script(c, blk, d);
			p->data = attrs_get(blk->attrs, "data");
			p->caption = attrs_get(blk->attrs, "caption");
			run = attrs_get(blk->attrs, "run");
			if (!run || !p->data || !p->caption) {
				diag_error(d, c->path, blk->line, blk->info_col,
					   "a plot needs run=, data= and caption=");
				continue;
			}
			if (regex_problem(p->data))
				diag_error(d, c->path, blk->line, attrs_col(blk->attrs, "data"),
					   "bad regular expression '%s' in data=: %s", p->data,
					   regex_problem(p->data));
			else if ((rc = regex_compile(&rx, p->data, REG_NOSUB)) != 0)
				diag_error(d, c->path, blk->line, attrs_col(blk->attrs, "data"),
					   "bad regular expression '%s' in data=%s%s", p->data,
					   rc < 0 ? ": " : "", rc < 0 ? regex_locale_problem() : "");
			else
				regfree(&rx);
			{
				char *tagged = xasprintf("%s-%s", c->tag, run);
				size_t k;

				if ((strmap_get(&b->run_ids, tagged, &k) || strmap_get(&b->run_ids, run, &k)) &&
				    b->runs[k].chapter == c)
					p->run = &b->runs[k];
				free(tagged);
			}
			if (!p->run)
				diag_error(d, c->path, blk->line, attrs_col(blk->attrs, "run"),
					   "run=%s names no run of this chapter", run);
		}
	}
	strmap_free(&figures);
}

/* "ch01.serial" for the value @p name of chapter @p c (a name with a tag is one already). */
static char *value_key(const struct chapter *c, const char *name)
{
	return strchr(name, '.') ? xstrdup(name) : xasprintf("%s.%s", c->tag, name);
}

const struct run *book_value_run(const struct book *b, const struct chapter *c, const char *name)
{
	char *key = value_key(c, name);
	const struct run *found = NULL;

	for (size_t i = 0; i < b->nruns && !found; i++) {
		char *prefix = xasprintf("%s.", b->runs[i].chapter->tag);

		if (starts_with(key, prefix) && runspec_value(&b->runs[i].spec, key + strlen(prefix)))
			found = &b->runs[i];
		free(prefix);
	}
	free(key);
	return found;
}

/* The value of chapter @p c nearest to @p name, for "did you mean". */
static const char *nearest_value(const struct book *b, const struct chapter *c, const char *name)
{
	const char *best = NULL;
	size_t best_d = 3;

	for (size_t i = 0; i < b->nruns; i++) {
		if (b->runs[i].chapter != c)
			continue;
		for (size_t k = 0; k < b->runs[i].spec.nexpects; k++) {
			const struct expect *e = &b->runs[i].spec.expects[k];
			size_t dist;

			if (e->kind == EXPECT_VALUE && (dist = edit_distance(name, e->name)) < best_d) {
				best = e->name;
				best_d = dist;
			}
		}
	}
	return best;
}

/*
 * The inline values and claims of every chapter: found, parsed, and each
 * name resolved to the run that defines it. Value names are unique in a
 * chapter; in the whole book, every value is used.
 */
static void index_quotes(struct book *b, enum book_scope scope, struct diag *d, int errors_before)
{
	struct strmap defined = {0};	/* "ch01.serial" -> run index */
	struct strmap used = {0};
	struct strlist keys = {0}, used_keys = {0};	/* the maps' keys, which they do not own */
	int errors = d->errors;

	for (size_t i = 0; i < b->nruns; i++) {
		const struct run *r = &b->runs[i];

		for (size_t k = 0; k < r->spec.nexpects; k++) {
			const struct expect *e = &r->spec.expects[k];
			char *key;
			size_t other;

			if (e->kind != EXPECT_VALUE || !e->name)
				continue;
			key = value_key(r->chapter, e->name);
			if (!strmap_put(&defined, key, i, &other) && other != i) {
				diag_error(d, r->chapter->path, e->line, 7,
					   "value '%s' is already defined by run %s (line %d); a value's name is "
					   "unique in its chapter", e->name, b->runs[other].id,
					   runspec_value(&b->runs[other].spec, e->name)->line);
				free(key);
			} else {
				strlist_take(&keys, key);
			}
		}
		/* A claim of the block uses the values it tests. */
		for (size_t k = 0; k < r->spec.nexpects; k++) {
			const struct expect *e = &r->spec.expects[k];
			struct strlist names = {0};

			if (e->kind != EXPECT_CLAIM || !e->test)
				continue;
			expr_names(e->test, &names);
			for (size_t j = 0; j < names.len; j++) {
				char *key = value_key(r->chapter, names.items[j]);

				if (strmap_put(&used, key, 1, NULL))
					strlist_take(&used_keys, key);
				else
					free(key);
			}
			strlist_free(&names);
		}
	}
	for (size_t ci = 0; ci < b->nchapters; ci++) {
		struct chapter *c = &b->chapters[ci];
		size_t first = b->nquotes;

		if (!c->tag)
			continue;
		quotes_scan(c, &b->quotes, &b->nquotes, d);
		for (size_t qi = first; qi < b->nquotes; qi++) {
			struct quote *q = &b->quotes[qi];

			for (size_t k = 0; k < q->names.len; k++) {
				const char *name = q->names.items[k];
				char *key = value_key(c, name);
				size_t run;
				bool ours = !strchr(name, '.') || (starts_with(name, c->tag) && name[strlen(c->tag)] == '.');
				const char *hint;

				if (strmap_get(&defined, key, &run)) {
					q->runs[k] = &b->runs[run];
					if (strmap_put(&used, key, 1, NULL)) {
						strlist_take(&used_keys, key);
						key = NULL;
					}
				} else if (!ours && scope == BOOK_PARTIAL) {
					/* Another chapter's: weave is told its run. */
				} else if (ours && (hint = nearest_value(b, c, q->value_names.items[k]))) {
					diag_error(d, c->path, q->line, q->col,
						   "no run of this chapter has a value '%s'; did you mean '%s'?",
						   q->value_names.items[k], hint);
				} else if (ours) {
					diag_error(d, c->path, q->line, q->col,
						   "no run of this chapter has a value '%s' (a run block defines one with "
						   "a row 'value %s: REGEX')", q->value_names.items[k], q->value_names.items[k]);
				} else {
					int taglen = (int)(strchr(name, '.') - name);
					bool tagged = false;

					for (size_t i = 0; i < b->nchapters; i++)
						tagged |= b->chapters[i].tag && (int)strlen(b->chapters[i].tag) == taglen &&
							  !strncmp(b->chapters[i].tag, name, (size_t)taglen);
					if (tagged)
						diag_error(d, c->path, q->line, q->col,
							   "no run of the chapter tagged '%.*s' has a value '%s'", taglen, name,
							   q->value_names.items[k]);
					else
						diag_error(d, c->path, q->line, q->col,
							   "'%s' names a value of chapter '%.*s', and no chapter has that tag "
							   "(tags are ch01, ch02, ...: the chapter's number)", name, taglen, name);
				}
				free(key);
			}
		}
	}
	/* Quoted nowhere: said only of a book whose quotes all parsed and resolved. */
	if (scope == BOOK_WHOLE && d->errors == errors && errors == errors_before) {
		for (size_t i = 0; i < keys.len; i++) {
			size_t run;

			if (strmap_get(&used, keys.items[i], NULL) || !strmap_get(&defined, keys.items[i], &run))
				continue;
			const char *name = strchr(keys.items[i], '.') + 1;

			diag_error(d, b->runs[run].chapter->path, runspec_value(&b->runs[run].spec, name)->line, 7,
				   "value '%s' is never quoted: quote it in the prose (`%s`{.value}), test it "
				   "with a claim, or check its line with contains:", name, name);
		}
	}
	strmap_free(&defined);
	strmap_free(&used);
	strlist_free(&keys);
	strlist_free(&used_keys);
}

/* The nearest label to @p label, for "did you mean", or NULL. */
static const char *nearest_label(const struct book *b, const char *label)
{
	const char *best = NULL;
	size_t best_d = (size_t)-1;

	for (size_t i = 0; i < b->labels.ntargets; i++) {
		size_t dist = edit_distance(label, b->labels.targets[i].label);

		if (dist < best_d) {
			best_d = dist;
			best = b->labels.targets[i].label;
		}
	}
	return best && best_d <= strlen(label) / 2 + 1 ? best : NULL;
}

/* Add a target to the book's labels; a second one with the label is an error at @p line, @p col. */
static void add_label(struct book *b, const struct xref_target *t, const char *path, int line, int col,
		      struct diag *d)
{
	const struct xref_target *old;

	if (xref_table_add(&b->labels, t))
		return;
	old = xref_table_find(&b->labels, t->label);
	diag_error(d, path, line, col, "the label '%s' is taken already (by %s %s, in %s.md)", t->label,
		   old->kind == XREF_CHAPTER ? "chapter" : old->kind == XREF_SECTION ? "section" : "figure",
		   old->number, old->slug);
}

/*
 * Headings, figures and references (xref.h): number the chapters in the
 * order given, collect every label, and (whole book) resolve every reference.
 */
static void index_xrefs(struct book *b, enum book_scope scope, struct diag *d)
{
	b->xrefs = xcalloc(b->nchapters + 1, sizeof(*b->xrefs));
	for (size_t ci = 0; ci < b->nchapters; ci++) {
		struct chapter *c = &b->chapters[ci];
		struct xref_chapter *x = &b->xrefs[ci];
		unsigned number = (unsigned)ci + 1, figure = 0;
		struct buf num = {0};

		if (!c->tag)
			continue;
		xref_scan(c, x, d);
		for (size_t i = 0; i < x->nheadings; i++) {
			const struct heading *h = &x->headings[i];
			struct xref_target t = {NULL, XREF_SECTION, NULL, c->slug, c->tag, h->id};
			/* A chapter's anchor is its title's id, ch-SLUG, which is its label too. */
			if (!h->numbered || (h->level > 1 && !h->label))
				continue;
			buf_reset(&num);
			heading_number(h, number, &num);
			t.number = num.data;
			if (h->level == 1) {
				t.kind = XREF_CHAPTER;
				t.label = h->id;
			} else {
				t.label = h->label;
			}
			add_label(b, &t, c->path, h->line, 1, d);
		}
		for (size_t i = 0; i < b->nplots; i++) {
			const struct plot *p = &b->plots[i];
			const char *name;

			if (p->chapter != c)
				continue;
			figure++;
			if (!(name = attrs_get(p->block->attrs, "name")))
				continue;
			{
				char *label = xasprintf("fig-%s", name);
				struct xref_target t = {label, XREF_FIGURE, NULL, c->slug, c->tag, p->id};

				buf_reset(&num);
				buf_printf(&num, "%u.%u", number, figure);
				t.number = num.data;
				add_label(b, &t, c->path, p->block->line, attrs_col(p->block->attrs, "name"), d);
				free(label);
			}
		}
		buf_free(&num);
	}
	if (scope != BOOK_WHOLE)
		return;
	for (size_t ci = 0; ci < b->nchapters; ci++) {
		const struct xref_chapter *x = &b->xrefs[ci];

		for (size_t i = 0; i < x->nuses; i++) {
			const struct xref_use *u = &x->uses[i];
			const char *hint;

			if (xref_table_find(&b->labels, u->label))
				continue;
			if ((hint = nearest_label(b, u->label)))
				diag_error(d, b->chapters[ci].path, u->line, u->col,
					   "no chapter, section or figure is labelled '%s'; did you mean '%s'?",
					   u->label, hint);
			else
				diag_error(d, b->chapters[ci].path, u->line, u->col,
					   "no chapter, section or figure is labelled '%s' (a section is labelled "
					   "'## Title {#sec-NAME}', a figure by its plot's name=, a chapter is "
					   "ch-SLUG)", u->label);
		}
	}
}

void book_xref_table(const struct book *b, size_t ci, struct xref_table *out)
{
	memset(out, 0, sizeof(*out));
	out->chapter = (unsigned)ci + 1;
	for (size_t i = 0; b->xrefs && i < b->xrefs[ci].nuses; i++) {
		const struct xref_target *t = xref_table_find(&b->labels, b->xrefs[ci].uses[i].label);

		if (t)
			xref_table_add(out, t);
	}
}

/* The checks of book_load() and book_parse(), once the chapters are read. */
static int check_book(struct book *b, enum book_scope scope, struct diag *d, int errors)
{
	for (size_t i = 0; i < b->nchapters; i++) {
		if (!b->chapters[i].tag)
			continue;
		for (size_t k = 0; k < i; k++) {
			if (!b->chapters[k].tag || strcmp(b->chapters[k].tag, b->chapters[i].tag))
				continue;
			diag_error(d, b->chapters[i].path, 0, 0, "chapter number %s is also used by %s",
				   b->chapters[i].tag + 2, b->chapters[k].path);
		}
	}
	if (d->errors != errors || index_chunks(b, d) < 0)
		return -1;
	index_roots(b, d);
	check_references(b, d);
	if (d->errors == errors)
		check_reachability(b, d);
	index_runs(b, scope, d);
	index_plots(b, d);
	index_quotes(b, scope, d, errors);
	index_xrefs(b, scope, d);
	if (d->errors == errors)
		book_index_exercises(b, d);
	book_check_prose(b, scope == BOOK_WHOLE, d);
	return d->errors == errors ? 0 : -1;
}

int book_load(struct book *b, char *const *paths, size_t npaths,
	      enum book_scope scope, struct diag *d)
{
	int errors = d->errors;

	memset(b, 0, sizeof(*b));
	b->chapters = xcalloc(npaths, sizeof(*b->chapters));
	for (size_t i = 0; i < npaths; i++) {
		b->nchapters++;
		chapter_load(&b->chapters[i], paths[i], d);
	}
	return check_book(b, scope, d, errors);
}

int book_parse(struct book *b, const char *const *paths, const char *const *texts,
	       const size_t *lens, size_t n, enum book_scope scope, struct diag *d)
{
	int errors = d->errors;

	memset(b, 0, sizeof(*b));
	b->chapters = xcalloc(n, sizeof(*b->chapters));
	for (size_t i = 0; i < n; i++) {
		b->nchapters++;
		chapter_parse(&b->chapters[i], paths[i], texts[i], lens[i], d);
	}
	return check_book(b, scope, d, errors);
}

void book_free(struct book *b)
{
	book_free_exercises(b);
	free(b->parts);
	for (size_t i = 0; i < b->nroots; i++) {
		free(b->roots[i].program);
		strlist_free(&b->roots[i].variants);
	}
	strmap_free(&b->paths);
	strmap_free(&b->programs);
	strmap_free(&b->run_ids);
	strlist_free(&b->variant_names);
	for (size_t i = 0; i < b->nruns; i++) {
		runspec_free(&b->runs[i].spec);
		free(b->runs[i].id);
	}
	for (size_t i = 0; i < b->nchapters; i++)
		chapter_free(&b->chapters[i]);
	for (size_t i = 0; i < b->nplots; i++)
		free(b->plots[i].id);
	free(b->plots);
	quotes_free(b->quotes, b->nquotes);
	for (size_t i = 0; b->xrefs && i < b->nchapters; i++)
		xref_chapter_free(&b->xrefs[i]);
	free(b->xrefs);
	xref_table_free(&b->labels);
	free(b->index);
	free(b->chunks);
	free(b->roots);
	free(b->runs);
	free(b->chapters);
	memset(b, 0, sizeof(*b));
}

/* Expansion: the text, and where each of its lines came from. */
struct expansion {
	const struct book *b;
	struct expand_sink *s;
	int stop;		/* what flush returned, once non-zero */
};

static void emit(struct expansion *x, const struct line *l, const char *indent,
		 size_t indent_len)
{
	struct expand_sink *s = x->s;

	if (s->text->len + indent_len + l->len + 2 > s->text->cap)
		buf_grow(s->text, indent_len + l->len + 1);
	memcpy(s->text->data + s->text->len, indent, indent_len);
	memcpy(s->text->data + s->text->len + indent_len, l->text, l->len);
	s->text->len += indent_len + l->len + 1;
	s->text->data[s->text->len - 1] = '\n';
	s->text->data[s->text->len] = '\0';
	if (s->map)
		line_origins_add(s->map, l->lineno, (int)indent_len);
	if (s->flush && s->text->len >= s->flush_at)
		x->stop = s->flush(s);
}

static void expand_block(struct expansion *x, const struct chapter *c,
			 const struct block *blk, struct buf *indent)
{
	for (size_t i = 0; i < blk->nlines && !x->stop; i++) {
		const struct line *l = &blk->lines[i];

		if (l->target) {
			const struct chunk *k = &x->b->chunks[l->target - 1];
			size_t saved = indent->len;

			buf_add(indent, l->text, line_indent(l));
			for (size_t p = 0; p < k->nparts; p++)
				expand_block(x, c, k->parts[p], indent);
			indent->len = saved;
			indent->data[saved] = '\0';
			continue;
		}
		/* Blank lines stay blank: no trailing indentation. */
		if (l->len == 0)
			emit(x, l, "", 0);
		else
			emit(x, l, indent->data, indent->len);
	}
}

int book_expand_into(const struct book *b, const struct root *r, struct expand_sink *s)
{
	struct expansion x = {b, s, 0};
	struct buf indent = {0};

	buf_grow(&indent, 16);
	expand_block(&x, r->chapter, r->block, &indent);
	buf_free(&indent);
	return x.stop;
}

void book_expand(const struct book *b, const struct root *r,
		 struct buf *text, struct line_origins *map)
{
	struct expand_sink s = {text, map, 0, NULL};

	book_expand_into(b, r, &s);
}
