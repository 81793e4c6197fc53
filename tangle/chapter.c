/* chapter.c - see chapter.h. */
#define _DEFAULT_SOURCE		/* MAP_POPULATE */
#include "chapter.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/*
 * The chapter is read line by line, once. Only the lines of block bodies are
 * kept (a chapter is mostly prose, which no later pass reads by line); they
 * go to one array, and each block is a slice of it.
 */
struct cursor {
	const char *text;
	size_t len;
	size_t pos;		/* start of the next line */
	int lineno;		/* its number */
};

static bool next_line(struct cursor *cur, struct line *l)
{
	const char *nl;
	size_t end;

	if (cur->pos >= cur->len)
		return false;
	nl = memchr(cur->text + cur->pos, '\n', cur->len - cur->pos);
	end = nl ? (size_t)(nl - cur->text) : cur->len;
	*l = (struct line){cur->text + cur->pos, (unsigned)(end - cur->pos), cur->lineno++, 0, 0};
	cur->pos = end + 1;
	return true;
}

struct lines {
	struct line *v;
	size_t n;
	size_t cap;
};

/*
 * The next free line of ls, to be filled in place (copying a whole struct
 * just written field by field costs a stall per line) and then counted.
 */
static struct line *next_slot(struct lines *ls)
{
	if (ls->n == ls->cap) {
		ls->cap = ls->cap ? ls->cap * 2 : 256;
		ls->v = xrealloc(ls->v, ls->cap * sizeof(*ls->v));
	}
	return &ls->v[ls->n];
}

/*
 * Length of the prefix of text made of whole 64-byte blocks of ASCII with no
 * NUL and no carriage return: nothing there needs a closer look. A chapter
 * is mostly such blocks, and the loop below is one the compiler turns into
 * vector instructions.
 */
static size_t plain_prefix(const char *text, size_t len)
{
	const unsigned char *p = (const unsigned char *)text;
	size_t at = 0;

	for (; at + 64 <= len; at += 64) {
		unsigned char any = 0, odd = 0;

		for (size_t i = 0; i < 64; i++) {
			any |= p[at + i];
			odd |= (p[at + i] == 0) | (p[at + i] == '\r');
		}
		if ((any & 0x80) || odd)
			break;
	}
	return at;
}

/* Offset of the first byte that is not UTF-8 text (a NUL, a byte outside a valid sequence), or len. */
static size_t first_bad_byte(const char *text, size_t len, size_t from)
{
	size_t i = from;

	while (i < len) {
		unsigned char c = (unsigned char)text[i];
		size_t n;

		if (c == 0)
			return i;
		n = c < 0x80 ? 1 : utf8_sequence((const unsigned char *)text + i, len - i);
		if (n == 0)
			return i;
		i += n;
	}
	return len;
}

/* Offset of the first carriage return that ends a line, or len. */
static size_t first_crlf(const char *text, size_t len, size_t from)
{
	const char *cr = text + from;

	while ((cr = memchr(cr, '\r', len - (size_t)(cr - text)))) {
		size_t at = (size_t)(cr - text);

		if (at + 1 == len || text[at + 1] == '\n')
			return at;
		cr++;
	}
	return len;
}

/* Line number of offset at, and the offset where that line starts. */
static int line_of(const char *text, size_t at, size_t *line_start)
{
	const char *p = text, *nl;
	int lineno = 1;

	while ((nl = memchr(p, '\n', at - (size_t)(p - text)))) {
		p = nl + 1;
		lineno++;
	}
	*line_start = (size_t)(p - text);
	return lineno;
}

/* Where a chapter's text breaks the rules: offsets, len when there is none. */
struct text_check {
	const char *text;
	size_t len;
	size_t bad;		/* the first byte that is not UTF-8 text */
	size_t crlf;		/* the first carriage return ending a line */
};

static void *find_text_problems(void *arg)
{
	struct text_check *t = arg;
	size_t plain = plain_prefix(t->text, t->len);

	t->bad = first_bad_byte(t->text, t->len, plain);
	t->crlf = first_crlf(t->text, t->len, plain);
	return NULL;
}

/*
 * A chapter is UTF-8 text with LF line endings. The first offence is
 * reported (a bad byte before a CRLF on the same line); returns 0 or -1.
 */
static int report_text_problems(const char *path, const struct text_check *t, struct diag *d)
{
	const char *text = t->text;
	size_t len = t->len, bad = t->bad, crlf = t->crlf, start;
	int lineno;

	if (bad == len && crlf == len)
		return 0;
	if (bad < len && (crlf == len || line_of(text, bad, &start) <= line_of(text, crlf, &start))) {
		lineno = line_of(text, bad, &start);
		if (text[bad] == '\0')
			diag_error(d, path, lineno, (int)(bad - start) + 1,
				   "NUL byte in the chapter; a chapter is text");
		else
			diag_error(d, path, lineno, (int)(bad - start) + 1,
				   "invalid UTF-8 (byte 0x%02x); chapters are UTF-8 text",
				   (unsigned char)text[bad]);
	} else {
		lineno = line_of(text, crlf, &start);
		diag_error(d, path, lineno, (int)(crlf - start) + 1,
			   "CRLF line ending; chapters use LF line endings (try: sed -i 's/\\r$//' %s)",
			   path);
	}
	return -1;
}

/* Columns are 1-based byte offsets; a line may be indented up to 3 spaces. */
static size_t fence_indent(const struct line *l)
{
	size_t i = 0;

	while (i < l->len && i < 4 && l->text[i] == ' ')
		i++;
	return i;
}

/* Length of a run of c at the start of s[0..len). */
static size_t run_of(const char *s, size_t len, char c)
{
	size_t n = 0;

	while (n < len && s[n] == c)
		n++;
	return n;
}

/* True when l opens a fence; fills its character, length and info string. */
static int is_opening_fence(const struct line *l, char *fch, size_t *flen,
			    size_t *info, size_t *indent)
{
	size_t i = fence_indent(l), n;

	if (i > 3 || i >= l->len || (l->text[i] != '`' && l->text[i] != '~'))
		return 0;
	n = run_of(l->text + i, l->len - i, l->text[i]);
	if (n < 3)
		return 0;
	/* A backtick fence's info string may not contain a backtick. */
	if (l->text[i] == '`' && memchr(l->text + i + n, '`', l->len - i - n))
		return 0;
	*fch = l->text[i];
	*flen = n;
	*indent = i;
	*info = i + n;
	return 1;
}

static int is_closing_fence(const struct line *l, char fch, size_t flen)
{
	size_t i = fence_indent(l), n;

	if (i > 3)
		return 0;
	n = run_of(l->text + i, l->len - i, fch);
	if (n < flen)
		return 0;
	for (i += n; i < l->len; i++)
		if (l->text[i] != ' ' && l->text[i] != '\t')
			return 0;
	return 1;
}

static void trim(const char **s, size_t *len)
{
	while (*len && isspace((unsigned char)**s)) {
		(*s)++;
		(*len)--;
	}
	while (*len && isspace((unsigned char)(*s)[*len - 1]))
		(*len)--;
}

/* The attributes of a block opened without any ("```c"). */
static const struct attrs no_attrs;

static void classify(struct block *b, const char *path, struct diag *d)
{
	const char *file = attrs_get(b->attrs, "file");
	bool run = attrs_has_class(b->attrs, "run");
	bool plot = attrs_has_class(b->attrs, "plot");

	b->kind = BLOCK_PROSE;
	if (plot && (run || file || b->attrs->id)) {
		diag_error(d, path, b->line, b->info_col,
			   "a plot block is only a plot: no file=, #id or .run");
	} else if (plot) {
		b->kind = BLOCK_PLOT;
	} else if (file && b->attrs->id) {
		diag_error(d, path, b->line, b->attrs->id_col,
			   "a block is either a file root (file=) or a named chunk (#%s), not both",
			   b->attrs->id);
	} else if (run && (file || b->attrs->id)) {
		diag_error(d, path, b->line, file ? attrs_col(b->attrs, "file") : b->attrs->id_col,
			   "a run block cannot also be a %s", file ? "file root" : "named chunk");
	} else if (file) {
		b->kind = BLOCK_ROOT;
		b->name = file;
		b->name_col = attrs_col(b->attrs, "file");
		if (!*file)
			diag_error(d, path, b->line, b->name_col, "empty file name");
	} else if (b->attrs->id) {
		size_t len = strlen(b->attrs->id), bad = chunk_name_problem(b->attrs->id, len);

		b->kind = BLOCK_CHUNK;
		b->name = b->attrs->id;
		b->name_col = b->attrs->id_col;
		if (bad < len) {
			const unsigned char *at = (const unsigned char *)b->attrs->id + bad;
			size_t n = *at < 0x80 ? 1 : utf8_sequence(at, len - bad);

			diag_error(d, path, b->line, b->name_col + 1 + (int)bad,
				   "'%.*s' cannot be part of a chunk name, so <<%s>> would be text, not a reference "
				   "(a chunk name is ASCII letters, digits, '-', '_', '.' and ':')",
				   (int)(n ? n : 1), (const char *)at, b->attrs->id);
		}
	} else if (run) {
		b->kind = BLOCK_RUN;
	}
}

/* The next block of c, zeroed, to be filled in place and then counted. */
static struct block *next_block(struct chapter *c)
{
	if (c->nblocks == c->blocks_cap) {
		c->blocks_cap = c->blocks_cap ? 2 * c->blocks_cap : 64;
		c->blocks = xrealloc(c->blocks, c->blocks_cap * sizeof(*c->blocks));
	}
	memset(&c->blocks[c->nblocks], 0, sizeof(*c->blocks));
	return &c->blocks[c->nblocks];
}

/*
 * Title: the first "# " heading outside fences, the line l; summary: the
 * paragraph after it, read from a copy of the cursor that is past l.
 */
static void find_title(struct chapter *c, const struct line *l, struct cursor after)
{
	const char *s = l->text + 2;
	size_t n = l->len - 2;
	struct buf para = {0};
	struct line next;
	bool more;

	trim(&s, &n);
	c->title = xstrndup(s, n);
	c->title_line = l->lineno;
	while ((more = next_line(&after, &next)) && next.len == 0)
		;
	for (; more && next.len > 0; more = next_line(&after, &next)) {
		if (next.text[0] == '#' || next.text[0] == '`' || next.text[0] == '~' ||
		    next.text[0] == ':' || next.text[0] == '<')
			break;
		if (para.len)
			buf_putc(&para, ' ');
		s = next.text;
		n = next.len;
		trim(&s, &n);
		buf_add(&para, s, n);
	}
	c->summary = para.len ? buf_detach(&para) : NULL;
	buf_free(&para);
}

int chapter_names(const char *path, char **slug, char **tag)
{
	const char *base = strrchr(path, '/');
	size_t n;

	base = base ? base + 1 : path;
	n = strlen(base);
	if (n < 7 || !ends_with(base, ".md") || !isdigit((unsigned char)base[0]) ||
	    !isdigit((unsigned char)base[1]) || base[2] != '-')
		return -1;
	*slug = xstrndup(base, n - 3);
	*tag = xasprintf("ch%c%c", base[0], base[1]);
	return 0;
}

/*
 * The blocks of c->text, already filled and checked (or being checked), from
 * offset from (the start of line lineno) on, stopping at the first line that
 * starts at or past until outside every block. Returns where it stopped.
 */
static size_t parse_blocks(struct chapter *c, const char *path, size_t from, int lineno,
			   size_t until, struct diag *d)
{
	struct cursor cur = {c->text, c->text_len, from, lineno};
	struct lines body = {0};
	size_t *first = NULL, first_cap = 0;	/* per block: index of its first line in body */
	struct line l;

	while (cur.pos < until && next_line(&cur, &l)) {
		struct block *b;
		struct line bl;
		size_t flen, info, indent, start = body.n;
		const char *is;
		size_t ilen;
		bool closed = false;
		char fch;

		if (!is_opening_fence(&l, &fch, &flen, &info, &indent)) {
			if (!c->title && l.len > 2 && l.text[0] == '#' && l.text[1] == ' ')
				find_title(c, &l, cur);
			continue;
		}
		b = next_block(c);
		b->line = l.lineno;
		b->col = (int)indent + 1;
		is = l.text + info;
		ilen = l.len - info;
		while (ilen && (*is == ' ' || *is == '\t')) {
			is++;
			ilen--;
		}
		b->info_col = (int)(is - l.text) + 1;
		trim(&is, &ilen);
		b->attrs = &no_attrs;
		if (ilen && is[0] == '{') {
			struct attrs *a = arena_alloc(&c->mem, sizeof(*a));

			attrs_parse(a, &c->mem, is, ilen, path, l.lineno, b->info_col, d);
			b->attrs = a;
		} else if (ilen) {
			size_t word = 0;

			while (word < ilen && is[word] != ' ' && is[word] != '\t')
				word++;
			b->lang = arena_strndup(&c->mem, is, word);
		}
		while (next_line(&cur, &bl)) {
			const char *name, *text = bl.text;
			size_t nlen, ind, len = bl.len;
			struct line *body_line;

			if (is_closing_fence(&bl, fch, flen)) {
				closed = true;
				break;
			}
			/* Strip the fence's indentation from the body, as CommonMark does. */
			for (size_t s = 0; s < indent && len && text[0] == ' '; s++) {
				text++;
				len--;
			}
			body_line = next_slot(&body);
			body_line->text = text;
			body_line->len = (unsigned)len;
			body_line->lineno = bl.lineno;
			body_line->target = 0;
			body_line->ref_len = line_reference(body_line, &name, &nlen, &ind) ? (unsigned)nlen : 0;
			body.n++;
		}
		if (!closed) {
			diag_error(d, path, b->line, b->col,
				   "unclosed code fence: no closing %.*s before the end of the chapter",
				   (int)flen, l.text + indent);
			body.n = start;
			break;
		}
		if (body.n - start > UINT_MAX) {
			diag_error(d, path, b->line, b->col, "a block of more than %u lines", UINT_MAX);
			break;
		}
		b->nlines = (unsigned)(body.n - start);
		b->close_line = bl.lineno;
		classify(b, path, d);
		c->nblocks++;
		if (first_cap < c->blocks_cap) {
			first_cap = c->blocks_cap;
			first = xrealloc(first, first_cap * sizeof(*first));
		}
		first[c->nblocks - 1] = start;
	}
	/* The array is complete: the blocks' slices of it can be made. */
	c->lines = body.v;
	c->nlines = body.n;
	for (size_t i = 0; i < c->nblocks; i++)
		c->blocks[i].lines = c->blocks[i].nlines ? c->lines + first[i] : NULL;
	free(first);
	return cur.pos < c->text_len ? cur.pos : c->text_len;
}

/*
 * A large chapter is read on two threads. From PARALLEL_AT on, the second
 * thread checks the text while the first parses it; from HALVES_AT on,
 * each parses a half, after checking the text of that half. The second
 * half starts at a line that opens a block ("```{"), on the guess that it
 * is outside every block; the first half's parse confirms it (it stops
 * exactly there) or refutes it (a block runs past that line: the chapter
 * is then parsed again, whole). What the threads report is held until both
 * are done, then given in order, the first half's first; or, when the
 * chapter is not text, only that.
 */
enum { PARALLEL_AT = 1 << 20 };

/*
 * Splitting pays from about here (measured on generated chapters: at 10 MB
 * a split parse took 21.5 ms against 20.4 unsplit; at 100 MB, 217 against 234).
 */
enum { HALVES_AT = 32 << 20 };

struct half {
	struct chapter *c;		/* the chapter, or the second half's own */
	const char *path;
	size_t from, until;		/* it parses the lines from from until until, */
	int lineno;			/* numbering them from this (0: count first) */
	size_t check_from, check_to;	/* and checks this range of the text */
	struct text_check check;
	size_t stop;			/* where its parse stopped */
	struct diag d;			/* its reports, held in held */
	FILE *f;
	char *held;
	size_t held_len;
};

/* Newlines in text, 64 bytes at a time (a loop the compiler vectorises). */
static size_t count_lines(const char *text, size_t len)
{
	size_t n = 0, i = 0;

	for (; i + 64 <= len; i += 64) {
		unsigned char k = 0;

		for (size_t j = 0; j < 64; j++)
			k += text[i + j] == '\n';
		n += k;
	}
	for (; i < len; i++)
		n += text[i] == '\n';
	return n;
}

static void *parse_half(void *arg)
{
	struct half *h = arg;

	h->check = (struct text_check){h->c->text + h->check_from, h->check_to - h->check_from, 0, 0};
	find_text_problems(&h->check);
	if (!h->lineno)
		h->lineno = 1 + (int)count_lines(h->c->text, h->from);
	h->stop = h->from;
	if (h->from < h->until)
		h->stop = parse_blocks(h->c, h->path, h->from, h->lineno, h->until, &h->d);
	return NULL;
}

/*
 * Where to split a chapter of len bytes: the start of the first line at or
 * after the middle that opens "```{" or "~~~{", or len for no split.
 */
static size_t split_point(const char *text, size_t len)
{
	const char *p;

	if (len < HALVES_AT)
		return len;
	p = memchr(text + len / 2, '\n', len - len / 2);
	for (; p && (size_t)(p - text) + 5 <= len; p = memchr(p + 1, '\n', len - (size_t)(p + 1 - text)))
		if ((!memcmp(p + 1, "```{", 4) || !memcmp(p + 1, "~~~{", 4)))
			return (size_t)(p + 1 - text);
	return len;
}

/* Release what a parse filled in, keeping the text and the names. */
static void forget_blocks(struct chapter *c)
{
	arena_free(&c->mem);
	free(c->blocks);
	free(c->lines);
	free(c->tail_lines);
	free(c->title);
	free(c->summary);
	c->blocks = NULL;
	c->nblocks = c->blocks_cap = 0;
	c->lines = c->tail_lines = NULL;
	c->nlines = c->ntail_lines = 0;
	c->title = c->summary = NULL;
	c->title_line = 0;
}

/* The second half's blocks, lines and strings become the chapter's; the caller frees the rest. */
static void join_halves(struct chapter *c, struct chapter *tail)
{
	if (tail->nblocks) {
		c->blocks = xrealloc(c->blocks, (c->nblocks + tail->nblocks) * sizeof(*c->blocks));
		memcpy(c->blocks + c->nblocks, tail->blocks, tail->nblocks * sizeof(*c->blocks));
		c->nblocks += tail->nblocks;
		c->blocks_cap = c->nblocks;
	}
	c->tail_lines = tail->lines;
	c->ntail_lines = tail->nlines;
	tail->lines = NULL;
	arena_absorb(&c->mem, &tail->mem);
	if (!c->title && tail->title) {
		c->title = tail->title;
		c->title_line = tail->title_line;
		c->summary = tail->summary;
		tail->title = tail->summary = NULL;
	}
}

/* Offset of the first problem of either half's check, or len. */
static size_t first_of(size_t in_a, const struct half *a, size_t in_b, const struct half *b, size_t len)
{
	if (in_a < a->check.len)
		return a->check_from + in_a;
	if (in_b < b->check.len)
		return b->check_from + in_b;
	return len;
}

/* Returns 0 or -1 as parse_text(), or 1 when no second thread could help. */
static int parse_in_halves(struct chapter *c, const char *path, struct diag *d)
{
	size_t len = c->text_len, split = split_point(c->text, len);
	struct chapter tail;
	struct half a, b;
	struct text_check all;
	pthread_t thread;
	int rc = 0;

	memset(&tail, 0, sizeof(tail));
	tail.text = c->text;
	tail.text_len = len;
	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	a.c = c;
	b.c = &tail;
	a.path = b.path = path;
	a.from = 0;
	a.until = b.from = split;
	b.until = len;
	a.lineno = 1;		/* b counts its own */
	a.check_from = 0;
	/* Without a split, the second thread checks the whole text and parses nothing. */
	a.check_to = b.check_from = split < len ? split : 0;
	b.check_to = len;
	a.f = open_memstream(&a.held, &a.held_len);
	b.f = open_memstream(&b.held, &b.held_len);
	diag_init(&a.d, a.f);
	diag_init(&b.d, b.f);
	if (!a.f || !b.f || pthread_create(&thread, NULL, parse_half, &b) != 0) {
		if (a.f)
			fclose(a.f);
		if (b.f)
			fclose(b.f);
		free(a.held);
		free(b.held);
		return 1;
	}
	parse_half(&a);
	pthread_join(thread, NULL);
	fclose(a.f);
	fclose(b.f);
	all = (struct text_check){c->text, len, first_of(a.check.bad, &a, b.check.bad, &b, len),
				  first_of(a.check.crlf, &a, b.check.crlf, &b, len)};
	if (report_text_problems(path, &all, d) < 0) {
		rc = -1;
	} else if (split < len && a.stop != split) {
		/* A block runs past the guessed line: parse again, whole. */
		int errors = d->errors;

		forget_blocks(c);
		parse_blocks(c, path, 0, 1, len, d);
		rc = d->errors == errors ? 0 : -1;
	} else {
		fwrite(a.held, 1, a.held_len, d->stream);
		fwrite(b.held, 1, b.held_len, d->stream);
		d->errors += a.d.errors + b.d.errors;
		join_halves(c, &tail);
		rc = a.d.errors + b.d.errors ? -1 : 0;
	}
	forget_blocks(&tail);
	free(a.held);
	free(b.held);
	return rc;
}

/*
 * Parse c->text, already filled; c is otherwise empty. The text is checked
 * first, so that nothing else is reported about a chapter that is not text
 * (a large chapter is checked and parsed in halves, see parse_in_halves()).
 */
static int parse_text(struct chapter *c, const char *path, struct diag *d)
{
	struct text_check t = {c->text, c->text_len, 0, 0};
	int errors = d->errors, rc;

	c->path = xstrdup(path);
	if (chapter_names(path, &c->slug, &c->tag) < 0) {
		diag_error(d, path, 0, 0, "a chapter's file name must be NN-slug.md (e.g. 02-threads.md)");
		return -1;
	}
	if (t.len >= PARALLEL_AT && (rc = parse_in_halves(c, path, d)) != 1)
		return rc;
	find_text_problems(&t);
	if (report_text_problems(path, &t, d) < 0)
		return -1;
	parse_blocks(c, path, 0, 1, c->text_len, d);
	return d->errors == errors ? 0 : -1;
}

int chapter_parse(struct chapter *c, const char *path, const char *text,
		  size_t len, struct diag *d)
{
	memset(c, 0, sizeof(*c));
	buf_add(&c->storage, text, len);
	c->text = c->storage.data;
	c->text_len = len;
	return parse_text(c, path, d);
}

/* Chapters from this size on are mapped (measured: below it, reading is as fast). */
enum { MAP_AT_LEAST = 64 * 1024 };

int chapter_load(struct chapter *c, const char *path, struct diag *d)
{
	int fd;
	struct stat st;

	memset(c, 0, sizeof(*c));
	/*
	 * A large chapter is mapped, its pages filled in at once, rather than
	 * copied into memory of our own; a small one (or anything that cannot
	 * be mapped) is read.
	 */
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size >= MAP_AT_LEAST) {
		void *m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);

		if (m != MAP_FAILED) {
			c->text = m;
			c->text_len = c->mapped = (size_t)st.st_size;
		}
	}
	if (fd >= 0)
		close(fd);
	if (!c->mapped) {
		if (read_file(path, &c->storage) < 0) {
			diag_error(d, path, 0, 0, "cannot read: %s", strerror(errno));
			c->path = xstrdup(path);
			return -1;
		}
		buf_grow(&c->storage, 0);	/* lines point into it: never NULL */
		c->text = c->storage.data;
		c->text_len = c->storage.len;
	}
	return parse_text(c, path, d);
}

void chapter_free(struct chapter *c)
{
	forget_blocks(c);
	free(c->path);
	free(c->slug);
	free(c->tag);
	if (c->mapped)
		munmap((void *)c->text, c->mapped);
	buf_free(&c->storage);
	memset(c, 0, sizeof(*c));
}

/* ASCII tests, not <ctype.h>: the rule must not change with the locale. */
static bool chunk_name_char(unsigned char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
	       ch == '-' || ch == '_' || ch == '.' || ch == ':';
}

size_t chunk_name_problem(const char *name, size_t len)
{
	size_t i = 0;

	while (i < len && chunk_name_char((unsigned char)name[i]))
		i++;
	return i;
}

int line_reference(const struct line *l, const char **name, size_t *name_len,
		   size_t *indent)
{
	size_t i = 0, end = l->len, start;

	while (i < end && (l->text[i] == ' ' || l->text[i] == '\t'))
		i++;
	while (end > i && (l->text[end - 1] == ' ' || l->text[end - 1] == '\t'))
		end--;
	if (end - i < 5 || memcmp(l->text + i, "<<", 2) || memcmp(l->text + end - 2, ">>", 2))
		return 0;
	start = i + 2;
	if (chunk_name_problem(l->text + start, end - 2 - start) < end - 2 - start)
		return 0;
	*name = l->text + start;
	*name_len = end - 2 - start;
	*indent = i;
	return 1;
}
