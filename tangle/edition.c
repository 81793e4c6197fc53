/* edition.c - see edition.h. */
#include "edition.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* A fenced code block being read: the fence's character and length, 0 when outside. */
struct fence {
	char ch;
	size_t n;
};

/* The run of @p ch at @p p (of @p len bytes) after at most three blanks; 0 when none. */
static size_t fence_run(const char *p, size_t len, char ch, size_t *at)
{
	size_t i = 0, n = 0;

	while (i < len && i < 3 && p[i] == ' ')
		i++;
	while (i + n < len && p[i + n] == ch)
		n++;
	*at = i + n;
	return n;
}

/* Is the line @p p (@p len bytes) code: a fence, or inside a fenced block? Updates @p f. */
static bool code_line(const char *p, size_t len, struct fence *f)
{
	size_t at, n;

	if (f->n) {
		n = fence_run(p, len, f->ch, &at);
		if (n >= f->n) {
			while (at < len && (p[at] == ' ' || p[at] == '\t'))
				at++;
			if (at == len)
				f->n = 0;
		}
		return true;
	}
	for (int k = 0; k < 2; k++) {
		char ch = k ? '~' : '`';

		if ((n = fence_run(p, len, ch, &at)) >= 3) {
			f->ch = ch;
			f->n = n;
			return true;
		}
	}
	return false;
}

/* The number of colons opening the line, when a div fence (three or more); else 0. */
static size_t div_fence(const char *p, size_t len, bool *closing)
{
	size_t n = 0, i;

	while (n < len && p[n] == ':')
		n++;
	if (n < 3)
		return 0;
	i = n;
	while (i < len && (p[i] == ' ' || p[i] == '\t'))
		i++;
	*closing = i == len || p[i] == ':';
	return n;
}

/* The value of exercise= in the attributes of the div line @p p, or NULL. */
static char *exercise_of(const char *p, size_t len)
{
	const char *end = p + len;

	for (const char *q = p; q + 9 <= end; q++) {
		size_t n;

		if (memcmp(q, "exercise=", 9) || (q > p && q[-1] != ' ' && q[-1] != '{'))
			continue;
		q += 9;
		if (q < end && (*q == '"' || *q == '\'')) {
			char quote = *q++;

			for (n = 0; q + n < end && q[n] != quote; n++)
				;
		} else {
			for (n = 0; q + n < end && q[n] != ' ' && q[n] != '}'; n++)
				;
		}
		return xstrndup(q, n);
	}
	return NULL;
}

static bool has_solution_class(const char *p, size_t len)
{
	const char *end = p + len;

	for (const char *q = p; q + 9 <= end; q++)
		if (!memcmp(q, ".solution", 9) && (q + 9 == end || q[9] == ' ' || q[9] == '}') &&
		    (q == p || q[-1] == ' ' || q[-1] == '{'))
			return true;
	return false;
}

char *dfn_id(const char *term, size_t n)
{
	struct buf b = {0};
	bool dash = false;

	buf_puts(&b, "dfn-");
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)term[i];

		if (c == '\'')
			continue;	/* "Amdahl's law": dfn-amdahls-law */
		if (isalnum(c) || c >= 0x80) {
			if (dash)
				buf_putc(&b, '-');
			dash = false;
			buf_putc(&b, (char)tolower(c));
		} else if (b.len > 4) {
			dash = true;
		}
	}
	return buf_detach(&b);
}

/*
 * The definitions on one line of prose: for each "[TERM]{.dfn}" outside
 * inline code, call @p take with the term's span and the offset of its '['
 * and of its "{.dfn}".
 */
static void line_dfns(const char *p, size_t len,
		      void (*take)(void *ctx, size_t open, size_t close), void *ctx)
{
	size_t i = 0, last_open = (size_t)-1;

	while (i < len) {
		if (p[i] == '`') {
			size_t run = 0, k;

			while (i + run < len && p[i + run] == '`')
				run++;
			/* Skip to the closing run of the same length, if any. */
			for (k = i + run; k < len; k++) {
				size_t r = 0;

				while (k + r < len && p[k + r] == '`')
					r++;
				if (r == run)
					break;
				k += r ? r - 1 : 0;
			}
			i = k < len ? k + run : i + run;
			continue;
		}
		if (p[i] == '[')
			last_open = i;
		else if (p[i] == ']' && i + 7 <= len && !memcmp(p + i + 1, "{.dfn}", 6) &&
			 last_open != (size_t)-1) {
			take(ctx, last_open, i);
			last_open = (size_t)-1;
			i += 7;
			continue;
		}
		i++;
	}
}

struct scan_ctx {
	const char *line;
	int lineno;
	struct dfn **out;
	size_t *n;
};

static void take_scan(void *ctx, size_t open, size_t close)
{
	struct scan_ctx *s = ctx;
	struct dfn *d;

	*s->out = xrealloc(*s->out, (*s->n + 1) * sizeof(**s->out));
	d = &(*s->out)[(*s->n)++];
	d->term = xstrndup(s->line + open + 1, close - open - 1);
	d->line = s->lineno;
	d->col = (int)open + 1;
}

void dfn_scan(const char *text, size_t len, struct dfn **out, size_t *n)
{
	struct fence f = {0, 0};
	int lineno = 0;

	*out = NULL;
	*n = 0;
	for (size_t pos = 0; pos < len;) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t end = nl ? (size_t)(nl - text) : len;
		struct scan_ctx s = {text + pos, ++lineno, out, n};

		if (!code_line(text + pos, end - pos, &f))
			line_dfns(text + pos, end - pos, take_scan, &s);
		pos = end + 1;
	}
}

void dfns_free(struct dfn *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i].term);
	free(v);
}

/* A line of prose for the student edition: each definition gets its id. */
struct id_ctx {
	const char *line;
	size_t done;	/* bytes of the line copied so far */
	struct buf *out;
};

static void take_id(void *ctx, size_t open, size_t close)
{
	struct id_ctx *x = ctx;
	char *id = dfn_id(x->line + open + 1, close - open - 1);

	buf_add(x->out, x->line + x->done, close + 1 - x->done);
	buf_printf(x->out, "{.dfn #%s}", id);
	x->done = close + 7;
	free(id);
}

static void put_prose_line(struct buf *out, const char *p, size_t len)
{
	struct id_ctx x = {p, 0, out};

	line_dfns(p, len, take_id, &x);
	buf_add(out, p + x.done, len - x.done);
}

/* The ids defined in @p text (attributes "{... #id ...}" of prose lines) into @p ids. */
static void ids_defined(const char *text, size_t len, struct strlist *ids)
{
	struct fence f = {0, 0};

	for (size_t pos = 0; pos < len;) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t end = nl ? (size_t)(nl - text) : len;
		const char *p = text + pos;

		if (!code_line(p, end - pos, &f)) {
			bool in_attrs = false;

			for (size_t i = 0; i < end - pos; i++) {
				if (p[i] == '{')
					in_attrs = true;
				else if (p[i] == '}')
					in_attrs = false;
				else if (in_attrs && p[i] == '#' && i && (p[i - 1] == ' ' || p[i - 1] == '{')) {
					size_t k = i + 1;

					while (k < end - pos && p[k] != ' ' && p[k] != '}')
						k++;
					strlist_take(ids, xstrndup(p + i + 1, k - i - 1));
				}
			}
		}
		pos = end + 1;
	}
}

/* A solution's body for the appendix: its links to the rest of the chapter lead to the chapter's page. */
static void put_solution(struct buf *out, const char *body, size_t len, const char *slug)
{
	struct strlist ids = {0};
	struct fence f = {0, 0};

	ids_defined(body, len, &ids);
	for (size_t pos = 0; pos < len;) {
		const char *nl = memchr(body + pos, '\n', len - pos);
		size_t end = nl ? (size_t)(nl - body) : len, from = pos;

		if (!code_line(body + pos, end - pos, &f)) {
			for (size_t i = pos; i + 3 <= end; i++) {
				size_t k = i + 3;
				char *id;

				if (memcmp(body + i, "](#", 3))
					continue;
				while (k < end && body[k] != ')')
					k++;
				id = xstrndup(body + i + 3, k - i - 3);
				if (!strlist_has(&ids, id)) {
					buf_add(out, body + from, i + 2 - from);
					buf_printf(out, "%s.html", slug);
					from = i + 2;
				}
				free(id);
			}
		}
		buf_add(out, body + from, end - from);
		buf_putc(out, '\n');
		pos = end + 1;
	}
	strlist_free(&ids);
}

size_t edition_split(const char *md, size_t len, const char *slug, struct buf *student,
		     struct buf *solutions)
{
	struct fence f = {0, 0};
	struct strlist stack = {0};	/* per open div: "S" for a solution, "" for another */
	struct buf body = {0};
	char *exercise = NULL;
	size_t depth_at = 0, found = 0;	/* the solution's depth in the stack, while in one */
	bool in_solution = false;

	for (size_t pos = 0; pos < len;) {
		const char *nl = memchr(md + pos, '\n', len - pos);
		size_t end = nl ? (size_t)(nl - md) : len, n = end - pos;
		const char *p = md + pos;
		bool closing = false, code = code_line(p, n, &f);

		pos = end + 1;
		if (!code && div_fence(p, n, &closing)) {
			if (closing && stack.len) {
				free(stack.items[--stack.len]);
				if (in_solution && stack.len == depth_at) {
					/* The solution ends: it goes to the appendix. */
					buf_printf(solutions, "\n### Exercise %s {#solution-%s}\n\n"
						   "[The exercise, in its chapter](%s.html#exercise-%s){.solution-back}\n\n",
						   exercise ? exercise : "?", exercise ? exercise : "x", slug,
						   exercise ? exercise : "x");
					put_solution(solutions, body.data ? body.data : "", body.len, slug);
					buf_reset(&body);
					free(exercise);
					exercise = NULL;
					in_solution = false;
					found++;
					continue;
				}
			} else if (!closing) {
				if (!in_solution && has_solution_class(p, n)) {
					in_solution = true;
					depth_at = stack.len;
					exercise = exercise_of(p, n);
					strlist_add(&stack, "S");
					continue;
				}
				strlist_add(&stack, "");
			}
		}
		if (in_solution) {
			buf_add(&body, p, n);
			buf_putc(&body, '\n');
		} else if (code) {
			buf_add(student, p, n);
			buf_putc(student, '\n');
		} else {
			put_prose_line(student, p, n);
			buf_putc(student, '\n');
		}
	}
	if (in_solution) {
		/* Never closed (tangle refuses that in a chapter): kept out of the student edition. */
		free(exercise);
	}
	if (len && md[len - 1] != '\n' && student->len && student->data[student->len - 1] == '\n' && !in_solution) {
		student->len--;
		student->data[student->len] = '\0';
	}
	buf_free(&body);
	strlist_free(&stack);
	return found;
}
