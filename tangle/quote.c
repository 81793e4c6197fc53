/* quote.c - see quote.h. */
#include "quote.h"

#include <stdlib.h>
#include <string.h>

#include "attr.h"

/* A stretch of prose between fenced blocks: [start, end) of the text, from line @c line. */
struct stretch {
	const char *text;
	size_t start, end;
	int line;
};

/* The line and column of offset @p at, counting from the stretch's start. */
static void position(const struct stretch *s, size_t at, int *line, int *col)
{
	size_t bol = s->start;

	*line = s->line;
	for (size_t i = s->start; i < at; i++)
		if (s->text[i] == '\n') {
			(*line)++;
			bol = i + 1;
		}
	*col = (int)(at - bol) + 1;
}

/* Does a blank line start at @p at (the first byte after a newline)? */
static bool blank_line(const char *t, size_t at, size_t end)
{
	while (at < end && (t[at] == ' ' || t[at] == '\t' || t[at] == '\r'))
		at++;
	return at >= end || t[at] == '\n';
}

/*
 * The closing run of exactly @p k backticks after @p from, within the
 * paragraph (no blank line crossed); its offset, or (size_t)-1.
 */
static size_t closing_run(const char *t, size_t from, size_t end, size_t k)
{
	for (size_t i = from; i < end;) {
		if (t[i] == '\n') {
			if (blank_line(t, i + 1, end))
				return (size_t)-1;
			i++;
		} else if (t[i] == '`') {
			size_t n = 0;

			while (i + n < end && t[i + n] == '`')
				n++;
			if (n == k)
				return i;
			i += n;
		} else {
			i++;
		}
	}
	return (size_t)-1;
}

/*
 * The '}' that ends the attributes opened at @p open, within the paragraph
 * (pandoc lets them run over lines), or (size_t)-1.
 */
static size_t attrs_end(const char *t, size_t open, size_t end)
{
	char quote = 0;

	for (size_t i = open + 1; i < end; i++) {
		if (t[i] == '\n' && blank_line(t, i + 1, end))
			break;
		if (quote) {
			if (t[i] == '\\' && i + 1 < end)
				i++;
			else if (t[i] == quote)
				quote = 0;
		} else if (t[i] == '"' || t[i] == '\'') {
			quote = t[i];
		} else if (t[i] == '}') {
			return i;
		}
	}
	return (size_t)-1;
}

static void add_quote(struct quote **quotes, size_t *n, const struct quote *q)
{
	*quotes = xrealloc(*quotes, (*n + 1) * sizeof(**quotes));
	(*quotes)[(*n)++] = *q;
}

/*
 * The inline code [@p open, @p close) with attributes [@p brace, @p rbrace]:
 * a quote when its classes say so, else none of ours.
 */
static void quote_free(struct quote *q);

static void take_quote(struct chapter *c, const struct stretch *s, size_t open, size_t k,
		       size_t close, size_t brace, size_t rbrace, struct quote **quotes, size_t *n,
		       struct diag *d)
{
	struct arena mem = {0};
	struct attrs a;
	struct quote q = {0};
	int line, col, brace_col, errors = d->errors;
	bool is_value, is_claim;
	size_t from = open + k, to = close, at;
	const char *why, *v;

	position(s, brace, &line, &col);
	brace_col = col;
	{
		/* Attributes over several lines are read as one: a newline is a blank. */
		char *flat = xstrndup(s->text + brace, rbrace + 1 - brace);
		int rc;

		for (char *p = flat; *p; p++)
			if (*p == '\n' || *p == '\r')
				*p = ' ';
		rc = attrs_parse(&a, &mem, flat, rbrace + 1 - brace, c->path, line, col, d);
		free(flat);
		if (rc < 0) {
			arena_free(&mem);
			return;
		}
	}
	is_value = attrs_has_class(&a, "value");
	is_claim = attrs_has_class(&a, "claim");
	if (!is_value && !is_claim) {
		arena_free(&mem);	/* inline code with other attributes: pandoc's */
		return;
	}
	if (is_value && is_claim)
		diag_error(d, c->path, line, col, "inline code is a .value or a .claim, not both");
	for (size_t i = 0; i < a.nclasses; i++)
		if (strcmp(a.classes[i], "value") && strcmp(a.classes[i], "claim"))
			diag_error(d, c->path, line, col, "unknown class '.%s' on an inline %s (known: .%s)",
				   a.classes[i], is_value ? "value" : "claim", is_value ? "value" : "claim");
	if (a.id)
		diag_error(d, c->path, line, a.id_col, "an inline %s takes no #id", is_value ? "value" : "claim");
	for (size_t i = 0; i < a.nkvs; i++) {
		int l, col2;

		position(s, brace + (size_t)(a.kvs[i].col - brace_col), &l, &col2);
		if (strcmp(a.kvs[i].key, is_value ? "format" : "else"))
			diag_error(d, c->path, l, col2,
				   "unknown attribute '%s' on an inline %s (known: %s)", a.kvs[i].key,
				   is_value ? "value" : "claim", is_value ? "format" : "else");
	}
	while (from < to && (s->text[from] == ' ' || s->text[from] == '\n'))
		from++;
	while (to > from && (s->text[to - 1] == ' ' || s->text[to - 1] == '\n'))
		to--;
	position(s, from, &line, &col);
	q.chapter = c;
	q.kind = is_value ? QUOTE_VALUE : QUOTE_CLAIM;
	q.line = line;
	q.col = col;
	q.start = open;
	q.end = rbrace + 1;
	q.text = xstrndup(s->text + from, to - from);
	/* A newline inside the code is a blank to pandoc, and to the expression. */
	for (char *p = q.text; *p; p++)
		if (*p == '\n')
			*p = ' ';
	if ((v = attrs_get(&a, "format"))) {
		q.format = xstrdup(v);
		position(s, brace + (size_t)(attrs_col(&a, "format") - brace_col), &q.format_line, &q.format_col);
	}
	if ((v = attrs_get(&a, "else"))) {
		int l, col2;

		position(s, brace + (size_t)(attrs_col(&a, "else") - brace_col), &l, &col2);
		if (!strcmp(v, "note"))
			q.note = true;
		else if (strcmp(v, "fail"))
			diag_error(d, c->path, l, col2,
				   "else= says what a claim that does not hold does: else=fail (the build "
				   "fails, the default) or else=note (the book shows a note), not '%s'", v);
	}
	arena_free(&mem);
	if (!*q.text) {
		diag_error(d, c->path, line, col, "an empty inline %s", is_value ? "value" : "claim");
	} else if (!(q.expr = expr_parse(q.text, &why, &at))) {
		diag_error(d, c->path, line, col + (int)at, "bad %s '%s': %s", is_value ? "value" : "claim",
			   q.text, why);
	} else if (is_claim && !expr_is_test(q.expr)) {
		diag_error(d, c->path, line, col,
			   "a claim is a test, a comparison like 'threads < serial', not '%s' (a number is "
			   "quoted with {.value})", q.text);
	} else if (is_value && expr_is_test(q.expr)) {
		diag_error(d, c->path, line, col,
			   "a value is a number, not a test like '%s' (a test is stated with {.claim})", q.text);
	}
	if (q.format) {
		const char *problem = expr_format_problem(q.format);

		if (problem)
			diag_error(d, c->path, q.format_line, q.format_col, "bad format '%s': %s", q.format, problem);
		else if (!strcmp(q.format, "%s") && q.expr && !expr_is_name(q.expr))
			diag_error(d, c->path, q.format_line, q.format_col,
				   "format=%%s shows a value as its run printed it, so it takes a single name, not '%s'",
				   q.text);
	}
	if (q.expr)
		expr_names(q.expr, &q.names);
	q.runs = xcalloc(q.names.len + 1, sizeof(*q.runs));
	for (size_t i = 0; i < q.names.len; i++) {
		const char *dot = strchr(q.names.items[i], '.');

		strlist_add(&q.value_names, dot ? dot + 1 : q.names.items[i]);
	}
	{
		/* The title and the summary are shown raw where no run is at hand (the front page). */
		char *raw = xstrndup(s->text + open, q.end - open);

		if ((c->title && strstr(c->title, raw)) || (c->summary && strstr(c->summary, raw)))
			diag_error(d, c->path, line, col,
				   "the chapter's %s is shown on the front page, where no run is at hand: "
				   "quote values in the text that follows", c->title && strstr(c->title, raw) ?
				   "title" : "first paragraph");
		free(raw);
	}
	if (d->errors != errors) {
		quote_free(&q);
		return;
	}
	add_quote(quotes, n, &q);
}

static void scan_stretch(struct chapter *c, const struct stretch *s, struct quote **quotes,
			 size_t *n, struct diag *d)
{
	const char *t = s->text;

	for (size_t i = s->start; i < s->end;) {
		size_t k = 0, close, brace, rbrace;

		if (t[i] == '\\' && i + 1 < s->end && t[i + 1] == '`') {
			i += 2;		/* an escaped backtick opens nothing */
			continue;
		}
		if (t[i] != '`') {
			i++;
			continue;
		}
		while (i + k < s->end && t[i + k] == '`')
			k++;
		close = closing_run(t, i + k, s->end, k);
		if (close == (size_t)-1) {
			i += k;		/* literal backticks */
			continue;
		}
		brace = close + k;
		if (brace < s->end && t[brace] == '{' && (rbrace = attrs_end(t, brace, s->end)) != (size_t)-1) {
			take_quote(c, s, i, k, close, brace, rbrace, quotes, n, d);
			i = rbrace + 1;
		} else {
			i = brace;
		}
	}
}

int quotes_scan(struct chapter *c, struct quote **quotes, size_t *n, struct diag *d)
{
	int errors = d->errors, line = 1;
	size_t pos = 0, b = 0;
	struct stretch s = {c->text, 0, 0, 1};

	/* Walk the lines: prose between blocks is scanned a stretch at a time. */
	while (pos < c->text_len) {
		const char *nl = memchr(c->text + pos, '\n', c->text_len - pos);
		size_t next = nl ? (size_t)(nl - c->text) + 1 : c->text_len;

		while (b < c->nblocks && c->blocks[b].close_line < line)
			b++;
		if (b < c->nblocks && c->blocks[b].line <= line) {
			if (s.end > s.start)
				scan_stretch(c, &s, quotes, n, d);
			s.start = s.end = next;
			s.line = line + 1;
		} else {
			s.end = next;
		}
		pos = next;
		line++;
	}
	if (s.end > s.start)
		scan_stretch(c, &s, quotes, n, d);
	return d->errors == errors ? 0 : -1;
}

static void quote_free(struct quote *q)
{
	free(q->text);
	free(q->format);
	expr_free(q->expr);
	strlist_free(&q->names);
	strlist_free(&q->value_names);
	free(q->runs);
}

void quotes_free(struct quote *quotes, size_t n)
{
	for (size_t i = 0; i < n; i++)
		quote_free(&quotes[i]);
	free(quotes);
}

enum quote_state quote_evaluate(const struct quote *q, const struct expr_values *values,
				struct buf *text)
{
	double v;
	char *why = NULL;

	for (size_t i = 0; i < q->names.len; i++)
		if (!expr_values_get(values, q->names.items[i])) {
			buf_printf(text, "%s was not measured on this machine", q->names.items[i]);
			return QUOTE_UNMEASURED;
		}
	if (q->kind == QUOTE_VALUE && expr_is_name(q->expr) && (!q->format || !strcmp(q->format, "%s"))) {
		buf_puts(text, expr_values_get(values, q->names.items[0]));
		return QUOTE_SHOWN;
	}
	if (expr_eval(q->expr, expr_values_lookup, (void *)values, &v, &why) < 0) {
		buf_puts(text, why);
		free(why);
		return QUOTE_FAILED;
	}
	if (q->kind == QUOTE_VALUE) {
		if (q->format)
			expr_format(text, q->format, v);
		else
			expr_number(text, v);
		return QUOTE_SHOWN;
	}
	expr_explain(q->expr, q->text, expr_values_lookup, (void *)values, text);
	if (v != 0)
		return QUOTE_HELD;
	buf_printf(text, "; the text assumes %s", q->text);
	return q->note ? QUOTE_NOTED : QUOTE_FAILED;
}
