/* exercise.c - see exercise.h. */
#include "exercise.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "attr.h"

/* A fenced div of a chapter's prose: its lines, and the exercise of a solution. */
struct div {
	int open, close;	/* lines; close is 0 while open */
	int col;		/* of its exercise= attribute */
	char *exercise;		/* a solution's exercise, or NULL: another div */
};

/* The number of a ":::" fence at @p p (of @p len bytes), or 0 when it is none. */
static size_t colons(const char *p, size_t len)
{
	size_t n = 0;

	while (n < len && p[n] == ':')
		n++;
	return n >= 3 ? n : 0;
}

/*
 * The fenced divs of @p c's prose, the lines of its code blocks skipped:
 * into @p divs (@p n). A solution div nested in another, or left open, is
 * an error.
 */
static void scan_divs(const struct chapter *c, struct div **divs, size_t *n, struct diag *d)
{
	const char *text = c->text ? c->text : "";
	size_t pos = 0, bi = 0, *stack = NULL, depth = 0;
	struct arena mem = {0};
	int line = 0;

	*divs = NULL;
	*n = 0;
	while (pos < c->text_len) {
		const char *nl = memchr(text + pos, '\n', c->text_len - pos);
		size_t end = nl ? (size_t)(nl - text) : c->text_len, len = end - pos, k, rest;
		const char *p = text + pos;

		line++;
		pos = end + 1;
		while (bi < c->nblocks && c->blocks[bi].close_line < line)
			bi++;
		if (bi < c->nblocks && c->blocks[bi].line <= line)
			continue;	/* a line of a code block */
		if (!(k = colons(p, len)))
			continue;
		rest = k;
		while (rest < len && (p[rest] == ' ' || p[rest] == '\t'))
			rest++;
		if (rest == len || p[rest] == ':') {
			/* A closing fence: the innermost open div ends. */
			if (depth) {
				struct div *dv = &(*divs)[stack[--depth]];

				dv->close = line;
			}
			continue;
		}
		*divs = xrealloc(*divs, (*n + 1) * sizeof(**divs));
		(*divs)[*n] = (struct div){line, 0, 0, NULL};
		if (p[rest] == '{') {
			struct attrs a = {0};
			size_t close = rest;

			while (close < len && p[close] != '}')
				close++;
			if (close < len &&
			    attrs_parse(&a, &mem, p + rest, close - rest + 1, c->path, line, (int)rest + 1, d) == 0 &&
			    attrs_has_class(&a, "solution")) {
				const char *ex = attrs_get(&a, "exercise");

				if (!ex)
					diag_error(d, c->path, line, (int)rest + 1,
						   "a solution names its exercise: ::: {.solution exercise=N.M}");
				else
					(*divs)[*n].exercise = xstrdup(ex);
				(*divs)[*n].col = ex ? attrs_col(&a, "exercise") : (int)rest + 1;
				for (size_t i = 0; i < depth; i++)
					if ((*divs)[stack[i]].exercise)
						diag_error(d, c->path, line, (int)rest + 1,
							   "a solution inside another solution (opened at line %d)",
							   (*divs)[stack[i]].open);
			}
		}
		stack = xrealloc(stack, (depth + 1) * sizeof(*stack));
		stack[depth++] = (*n)++;
	}
	for (size_t i = 0; i < *n; i++)
		if ((*divs)[i].exercise && !(*divs)[i].close)
			diag_error(d, c->path, (*divs)[i].open, 1,
				   "the solution of exercise %s is never closed (a line ':::')", (*divs)[i].exercise);
	free(stack);
	arena_free(&mem);
}

/* The solution div holding line @p line, or -1. */
static long div_at(const struct div *divs, size_t n, int line)
{
	for (size_t i = 0; i < n; i++)
		if (divs[i].exercise && divs[i].open < line && line < divs[i].close)
			return (long)i;
	return -1;
}

/* Is @p id "N.M", with N the chapter's number @p chapter_no and M from 1, no leading zeros? */
static bool good_id(const char *id, long chapter_no)
{
	char *end;
	long n, m;

	if (!isdigit((unsigned char)id[0]) || id[0] == '0')
		return false;
	n = strtol(id, &end, 10);
	if (*end != '.' || !isdigit((unsigned char)end[1]) || end[1] == '0')
		return false;
	m = strtol(end + 1, &end, 10);
	return !*end && n == chapter_no && m >= 1 && m < 1000;
}

char *exercise_answer_path(const char *starter)
{
	return xstrdup(starts_with(starter, "exercises/") ? starter + 10 : starter);
}

static struct exercise *find_exercise(struct book *b, const struct chapter *c, const char *id)
{
	for (size_t i = 0; i < b->nexercises; i++)
		if (b->exercises[i].chapter == c && !strcmp(b->exercises[i].id, id))
			return &b->exercises[i];
	return NULL;
}

/* The starting files of chapter @p c: new exercises. */
static void index_starters(struct book *b, struct chapter *c, long chapter_no, struct diag *d)
{
	for (size_t i = 0; i < b->nroots; i++) {
		struct root *r = &b->roots[i];
		const char *id = attrs_get(r->block->attrs, "exercise");
		int col = attrs_col(r->block->attrs, "exercise");
		char *dir = xasprintf("exercises/%s/", c->tag);
		struct exercise *e;

		if (r->chapter != c) {
			free(dir);
			continue;
		}
		if (!starts_with(r->path, "exercises/")) {
			if (id)
				diag_error(d, c->path, r->block->line, col,
					   "exercise= belongs on an exercise's starting file, a file under %s", dir);
		} else if (!id) {
			diag_error(d, c->path, r->block->line, r->block->name_col,
				   "a file under exercises/ is an exercise's starting file: say which, exercise=%ld.M",
				   chapter_no);
		} else if (!starts_with(r->path, dir) || strchr(r->path + strlen(dir), '/') ||
			   !ends_with(r->path, ".c")) {
			diag_error(d, c->path, r->block->line, r->block->name_col,
				   "the starting file of an exercise of this chapter is a C file %sNAME.c, not '%s'",
				   dir, r->path);
		} else if (!good_id(id, chapter_no)) {
			diag_error(d, c->path, r->block->line, col,
				   "an exercise of this chapter is numbered %ld.M (M = 1, 2, ...), not '%s'",
				   chapter_no, id);
		} else if ((e = find_exercise(b, c, id))) {
			diag_error(d, c->path, r->block->line, col, "exercise %s has a second starting file", id);
			diag_note(d, c->path, b->roots[e->starter].block->line, 0, "the first is here");
		} else {
			b->exercises = xrealloc(b->exercises, (b->nexercises + 1) * sizeof(*b->exercises));
			e = &b->exercises[b->nexercises++];
			memset(e, 0, sizeof(*e));
			e->chapter = c;
			e->id = xstrdup(id);
			e->starter = i;
			e->solution = (size_t)-1;
		}
		free(dir);
	}
}

/* The solution of each exercise: its div and the program in it. */
static void index_solutions(struct book *b, struct chapter *c, const struct div *divs, size_t ndivs,
			    struct diag *d)
{
	for (size_t i = 0; i < ndivs; i++) {
		const struct div *dv = &divs[i];
		struct exercise *e;
		char *path;
		size_t root;

		if (!dv->exercise || !dv->close)
			continue;
		if (!(e = find_exercise(b, c, dv->exercise))) {
			diag_error(d, c->path, dv->open, dv->col,
				   "a solution of exercise %s, which has no starting file in this chapter", dv->exercise);
			continue;
		}
		if (e->div_line) {
			diag_error(d, c->path, dv->open, dv->col, "exercise %s has a second solution", e->id);
			diag_note(d, c->path, e->div_line, 0, "the first is here");
			continue;
		}
		e->div_line = dv->open;
		e->div_end = dv->close;
		path = exercise_answer_path(b->roots[e->starter].path);
		if (!strmap_get(&b->paths, path, &root) || b->roots[root].chapter != c ||
		    div_at(divs, ndivs, b->roots[root].block->line) != (long)i)
			diag_error(d, c->path, dv->open, dv->col,
				   "the solution of exercise %s holds its program, the file %s", e->id, path);
		else
			e->solution = root;
		free(path);
	}
}

/* The checks of each exercise, and what no solution may hold. */
static void index_checks(struct book *b, struct chapter *c, const struct div *divs, size_t ndivs,
			 struct diag *d)
{
	for (size_t i = 0; i < b->nruns; i++) {
		const struct run *r = &b->runs[i];
		const char *id = r->spec.exercise;
		long in = r->chapter == c ? div_at(divs, ndivs, r->block->line) : -1;
		struct exercise *e;

		if (r->chapter != c)
			continue;
		if (in >= 0)
			diag_error(d, c->path, r->block->line, r->block->col,
				   "a run inside the solution of exercise %s: the student edition leaves solutions "
				   "out, so put the exercise's checks before its solution", divs[in].exercise);
		if (!id)
			continue;
		if (!(e = find_exercise(b, c, id))) {
			diag_error(d, c->path, r->block->line, attrs_col(r->block->attrs, "exercise"),
				   "a check of exercise %s, which has no starting file in this chapter", id);
			continue;
		}
		strlist_add(&e->runs, r->id);
		if (e->solution == (size_t)-1)
			continue;
		if (!r->spec.programs.len)
			diag_error(d, c->path, r->spec.command_line, 0,
				   "a check of exercise %s runs the answer, build/bin/%s", id,
				   b->roots[e->solution].program);
		for (size_t k = 0; k < r->spec.programs.len; k++) {
			const char *p = r->spec.programs.items[k], *own = b->roots[e->solution].program;
			size_t n = strlen(own);

			if (strcmp(p, own) && !(starts_with(p, own) && p[n] == '-' &&
						strlist_has(&b->roots[e->solution].variants, p + n + 1)))
				diag_error(d, c->path, r->spec.command_line, 0,
					   "a check of exercise %s runs build/bin/%s; it runs only the answer, "
					   "build/bin/%s (or a variant of it)", id, p, own);
		}
	}
	for (size_t i = 0; i < b->nquotes; i++) {
		long in = b->quotes[i].chapter == c ? div_at(divs, ndivs, b->quotes[i].line) : -1;

		if (in >= 0)
			diag_error(d, c->path, b->quotes[i].line, b->quotes[i].col,
				   "a value or claim inside the solution of exercise %s: the student edition "
				   "leaves solutions out, and the book shows every value", divs[in].exercise);
	}
	for (size_t i = 0; i < b->nplots; i++) {
		long in = b->plots[i].chapter == c ? div_at(divs, ndivs, b->plots[i].block->line) : -1;

		if (in >= 0)
			diag_error(d, c->path, b->plots[i].block->line, b->plots[i].block->col,
				   "a figure inside the solution of exercise %s: the student edition leaves "
				   "solutions out", divs[in].exercise);
	}
}

/* A solution's chunks are its own: no reference crosses a solution's edge. */
static void check_solution_chunks(const struct book *b, const struct chapter *c, const struct div *divs,
				  size_t ndivs, struct diag *d)
{
	for (size_t i = 0; i < c->nblocks; i++) {
		const struct block *blk = &c->blocks[i];
		long here;

		if (blk->kind != BLOCK_ROOT && blk->kind != BLOCK_CHUNK)
			continue;
		here = div_at(divs, ndivs, blk->line);
		for (size_t k = 0; k < blk->nlines; k++) {
			const struct line *l = &blk->lines[k];
			const struct chunk *ch;

			if (!l->target)
				continue;
			ch = &b->chunks[l->target - 1];
			for (size_t p = 0; p < ch->nparts; p++) {
				if (div_at(divs, ndivs, ch->parts[p]->line) == here)
					continue;
				if (here >= 0)
					diag_error(d, c->path, l->lineno, (int)line_indent(l) + 1,
						   "the solution of exercise %s uses the chunk '%s' from outside it: a "
						   "solution's chunks are its own (the student edition leaves it out)",
						   divs[here].exercise, ch->name);
				else
					diag_error(d, c->path, l->lineno, (int)line_indent(l) + 1,
						   "'%s' is defined inside a solution, which the student edition leaves "
						   "out: only that solution may use it", ch->name);
				break;
			}
		}
	}
}

void book_index_exercises(struct book *b, struct diag *d)
{
	for (size_t ci = 0; ci < b->nchapters; ci++) {
		struct chapter *c = &b->chapters[ci];
		struct div *divs;
		size_t ndivs;
		long chapter_no = c->tag ? strtol(c->tag + 2, NULL, 10) : 0;

		scan_divs(c, &divs, &ndivs, d);
		index_starters(b, c, chapter_no, d);
		index_solutions(b, c, divs, ndivs, d);
		index_checks(b, c, divs, ndivs, d);
		check_solution_chunks(b, c, divs, ndivs, d);
		for (size_t i = 0; i < b->nexercises; i++) {
			struct exercise *e = &b->exercises[i];

			if (e->chapter != c)
				continue;
			if (!e->div_line)
				diag_error(d, c->path, b->roots[e->starter].block->line, 0,
					   "exercise %s has no solution: ::: {.solution exercise=%s} holding %s", e->id,
					   e->id, b->roots[e->starter].path + 10);
			if (!e->runs.len)
				diag_error(d, c->path, b->roots[e->starter].block->line, 0,
					   "exercise %s has no check: a run block with exercise=%s", e->id, e->id);
		}
		for (size_t i = 0; i < ndivs; i++)
			free(divs[i].exercise);
		free(divs);
	}
}

void book_free_exercises(struct book *b)
{
	for (size_t i = 0; i < b->nexercises; i++) {
		free(b->exercises[i].id);
		strlist_free(&b->exercises[i].runs);
	}
	free(b->exercises);
	b->exercises = NULL;
	b->nexercises = 0;
}

const char *answer_path_problem(const char *path)
{
	if (path[0] != '/')
		return "it is not absolute";
	for (const char *p = path; *p; p++)
		if (isspace((unsigned char)*p) || strchr("\"';$\\()#", *p) || (unsigned char)*p < 0x20)
			return "it holds a blank, a quote or one of ; $ \\ ( ) #, which the build cannot pass on";
	return NULL;
}

static void put_words(struct buf *b, const char *key, const struct strlist *l)
{
	if (!l->len)
		return;
	buf_printf(b, " %s", key);
	for (size_t i = 0; i < l->len; i++)
		buf_printf(b, " %s", l->items[i]);
}

void answers_write(const struct answers *a, struct buf *out)
{
	buf_puts(out, "# Generated by the exercise command; do not edit. Format: tangle/exercise.h.\n");
	buf_printf(out, "lit_answers(%s", a->root);
	put_words(out, "SOURCES", &a->common_sources);
	put_words(out, "LIBS", &a->common_libs);
	buf_puts(out, ")\n");
	for (size_t i = 0; i < a->n; i++) {
		const struct answer *x = &a->v[i];

		buf_printf(out, "lit_answer(%s EXERCISE %s SOURCE %s", x->program, x->exercise, x->source);
		put_words(out, "LIBS", &x->libs);
		put_words(out, "VARIANTS", &x->variants);
		buf_puts(out, ")\n");
	}
}

static bool answers_key(const char *w)
{
	return !strcmp(w, "SOURCES") || !strcmp(w, "LIBS") || !strcmp(w, "EXERCISE") ||
	       !strcmp(w, "SOURCE") || !strcmp(w, "VARIANTS");
}

/* The words after @p key in @p w (from index 2), into @p out; the count found, -1 when absent. */
static long words_after(const struct strlist *w, const char *key, struct strlist *out)
{
	for (size_t i = 2; i < w->len; i++) {
		size_t start = i + 1;

		if (strcmp(w->items[i], key))
			continue;
		for (i++; i < w->len && !answers_key(w->items[i]); i++)
			strlist_add(out, w->items[i]);
		return (long)(i - start);
	}
	return -1;
}

static char *one_word(const struct strlist *w, const char *key)
{
	struct strlist v = {0};
	char *s = NULL;

	if (words_after(w, key, &v) == 1)
		s = xstrdup(v.items[0]);
	strlist_free(&v);
	return s;
}

static int answers_line(struct answers *a, const char *line, size_t len)
{
	const char *open = memchr(line, '(', len);
	struct strlist w = {0};
	int rc = -1;

	if (!open || len < 3 || line[len - 1] != ')')
		return -1;
	strlist_take(&w, xstrndup(line, (size_t)(open - line)));
	strlist_split(&w, open + 1, line + len - 1);
	if (w.len >= 2 && !strcmp(w.items[0], "lit_answers") && !a->root) {
		a->root = xstrdup(w.items[1]);
		words_after(&w, "SOURCES", &a->common_sources);
		words_after(&w, "LIBS", &a->common_libs);
		rc = 0;
	} else if (w.len >= 2 && !strcmp(w.items[0], "lit_answer")) {
		struct answer *x;

		a->v = xrealloc(a->v, (a->n + 1) * sizeof(*a->v));
		x = &a->v[a->n++];
		memset(x, 0, sizeof(*x));
		x->program = xstrdup(w.items[1]);
		x->exercise = one_word(&w, "EXERCISE");
		x->source = one_word(&w, "SOURCE");
		words_after(&w, "LIBS", &x->libs);
		words_after(&w, "VARIANTS", &x->variants);
		rc = x->exercise && x->source ? 0 : -1;
	}
	strlist_free(&w);
	return rc;
}

int answers_parse(struct answers *a, const char *text, int *bad_line)
{
	int line = 0;

	memset(a, 0, sizeof(*a));
	*bad_line = 0;
	for (const char *p = text; *p;) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);

		line++;
		if (len && *p != '#' && answers_line(a, p, len) < 0) {
			*bad_line = line;
			return -1;
		}
		p += len + (nl ? 1 : 0);
	}
	if (!a->root) {
		*bad_line = line ? line : 1;
		return -1;
	}
	return 0;
}

void answers_free(struct answers *a)
{
	free(a->root);
	strlist_free(&a->common_sources);
	strlist_free(&a->common_libs);
	for (size_t i = 0; i < a->n; i++) {
		free(a->v[i].program);
		free(a->v[i].exercise);
		free(a->v[i].source);
		strlist_free(&a->v[i].libs);
		strlist_free(&a->v[i].variants);
	}
	free(a->v);
	memset(a, 0, sizeof(*a));
}
