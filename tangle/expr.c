/* expr.c - see expr.h. A recursive-descent parser over the text, no tokens kept. */
#include "expr.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>	/* isnan, isinf: macros, no libm */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum op {
	OP_NUM,		/* num */
	OP_NAME,	/* name */
	OP_NEG,		/* -kids[0] */
	OP_ADD, OP_SUB, OP_MUL, OP_DIV,	/* kids[0] op kids[1] */
	OP_CMP,		/* kids[0] cmps[0] kids[1] cmps[1] kids[2] ... */
	OP_AND, OP_OR,	/* kids[0] op kids[1] */
	OP_NOT,		/* not kids[0] */
	OP_MIN, OP_MAX, OP_ABS,	/* f(kids...) */
};

/* |x|, without libm (the tools link nothing beyond libc). */
static double magnitude(double x)
{
	return x < 0 ? -x : x;
}

enum cmp { CMP_LT, CMP_LE, CMP_GT, CMP_GE, CMP_EQ, CMP_NE };

struct expr {
	enum op op;
	double num;
	char *name;
	struct expr **kids;
	size_t nkids;
	enum cmp *cmps;		/* OP_CMP: nkids - 1 of them */
	size_t start, end;	/* the bytes of the source it was parsed from */
};

/* Deeper nesting than this is refused, so that no input exhausts the stack. */
enum { MAX_DEPTH = 64 };

struct parser {
	const char *s;
	size_t pos;
	const char *why;
	size_t at;
	int depth;
};

static struct expr *parse_test(struct parser *p);

static void skip_blanks(struct parser *p)
{
	while (p->s[p->pos] == ' ' || p->s[p->pos] == '\t')
		p->pos++;
}

static struct expr *fail(struct parser *p, const char *why, size_t at)
{
	if (!p->why) {
		p->why = why;
		p->at = at;
	}
	return NULL;
}

static struct expr *node(enum op op, size_t start)
{
	struct expr *e = xcalloc(1, sizeof(*e));

	e->op = op;
	e->start = start;
	return e;
}

static void add_kid(struct expr *e, struct expr *kid)
{
	e->kids = xrealloc(e->kids, (e->nkids + 1) * sizeof(*e->kids));
	e->kids[e->nkids++] = kid;
	e->end = kid->end;
}

static bool name_start(char c)
{
	return isalpha((unsigned char)c) || c == '_';
}

static bool name_char(char c)
{
	return isalnum((unsigned char)c) || c == '_';
}

/* The word at the parser's position: its length, 0 when there is none. */
static size_t word_len(const struct parser *p)
{
	size_t n = 0;

	if (!name_start(p->s[p->pos]))
		return 0;
	while (name_char(p->s[p->pos + n]))
		n++;
	return n;
}

/* Is the word at the position @p kw (a keyword, not the start of a longer name)? */
static bool at_keyword(const struct parser *p, const char *kw)
{
	size_t n = word_len(p);

	return n == strlen(kw) && !memcmp(p->s + p->pos, kw, n);
}

static struct expr *binary(enum op op, struct expr *l, struct expr *r)
{
	struct expr *e = node(op, l->start);

	add_kid(e, l);
	add_kid(e, r);
	return e;
}

static struct expr *parse_sum(struct parser *p);

static struct expr *parse_call(struct parser *p, enum op op, size_t start)
{
	struct expr *e = node(op, start);

	p->pos++;	/* '(' */
	for (;;) {
		struct expr *arg = parse_sum(p);

		if (!arg) {
			expr_free(e);
			return NULL;
		}
		add_kid(e, arg);
		skip_blanks(p);
		if (p->s[p->pos] == ',') {
			p->pos++;
			continue;
		}
		if (p->s[p->pos] != ')') {
			expr_free(e);
			return fail(p, "expected ',' or ')' after an argument", p->pos);
		}
		p->pos++;
		e->end = p->pos;
		break;
	}
	if (op == OP_ABS && e->nkids != 1) {
		expr_free(e);
		return fail(p, "abs() takes one argument", start);
	}
	return e;
}

static struct expr *parse_primary(struct parser *p)
{
	size_t start, n;
	struct expr *e;

	skip_blanks(p);
	start = p->pos;
	if (++p->depth > MAX_DEPTH)
		return fail(p, "the expression nests too deeply", start);
	if (p->s[start] == '(') {
		p->pos++;
		e = parse_test(p);
		if (!e)
			return NULL;
		skip_blanks(p);
		if (p->s[p->pos] != ')') {
			expr_free(e);
			return fail(p, "expected ')'", p->pos);
		}
		p->pos++;
		e->start = start;
		e->end = p->pos;
		p->depth--;
		return e;
	}
	if (isdigit((unsigned char)p->s[start]) || (p->s[start] == '.' && isdigit((unsigned char)p->s[start + 1]))) {
		char *end;

		e = node(OP_NUM, start);
		errno = 0;
		e->num = strtod(p->s + start, &end);
		p->pos = (size_t)(end - p->s);
		/* strtod reads "0x1p3", "inf" and "nan" too; the book writes decimals. */
		for (size_t i = start; i < p->pos; i++)
			if (!isdigit((unsigned char)p->s[i]) && p->s[i] != '.' && p->s[i] != 'e' &&
			    p->s[i] != 'E' && p->s[i] != '+' && p->s[i] != '-') {
				expr_free(e);
				return fail(p, "a number is written in decimal: 12, 0.5, 1e6", start);
			}
		if (errno || name_char(p->s[p->pos])) {
			expr_free(e);
			return fail(p, "not a number", start);
		}
		e->end = p->pos;
		p->depth--;
		return e;
	}
	if ((n = word_len(p)) == 0)
		return fail(p, p->s[start] ? "expected a number, a name or '('" : "the expression ends too soon",
			    start);
	if (at_keyword(p, "and") || at_keyword(p, "or") || at_keyword(p, "not"))
		return fail(p, "expected a number, a name or '(' before this word", start);
	p->pos += n;
	if (p->s[p->pos] == '(') {
		static const struct { const char *name; enum op op; } funcs[] = {
			{"min", OP_MIN}, {"max", OP_MAX}, {"abs", OP_ABS},
		};

		for (size_t i = 0; i < sizeof(funcs) / sizeof(funcs[0]); i++)
			if (n == strlen(funcs[i].name) && !memcmp(p->s + start, funcs[i].name, n)) {
				e = parse_call(p, funcs[i].op, start);
				p->depth -= e != NULL;
				return e;
			}
		return fail(p, "unknown function (known: min, max, abs)", start);
	}
	if (p->s[p->pos] == '.' && name_start(p->s[p->pos + 1])) {
		p->pos++;
		p->pos += word_len(p);
	}
	e = node(OP_NAME, start);
	e->name = xstrndup(p->s + start, p->pos - start);
	e->end = p->pos;
	p->depth--;
	return e;
}

static struct expr *parse_unary(struct parser *p)
{
	size_t start;
	struct expr *kid, *e;

	skip_blanks(p);
	start = p->pos;
	if (p->s[start] != '-')
		return parse_primary(p);
	p->pos++;
	if (++p->depth > MAX_DEPTH)
		return fail(p, "the expression nests too deeply", start);
	kid = parse_unary(p);
	p->depth--;
	if (!kid)
		return NULL;
	e = node(OP_NEG, start);
	add_kid(e, kid);
	return e;
}

static struct expr *parse_prod(struct parser *p)
{
	struct expr *l = parse_unary(p);

	while (l) {
		struct expr *r;
		char c;

		skip_blanks(p);
		c = p->s[p->pos];
		if (c != '*' && c != '/')
			break;
		p->pos++;
		if (!(r = parse_unary(p))) {
			expr_free(l);
			return NULL;
		}
		l = binary(c == '*' ? OP_MUL : OP_DIV, l, r);
	}
	return l;
}

static struct expr *parse_sum(struct parser *p)
{
	struct expr *l = parse_prod(p);

	while (l) {
		struct expr *r;
		char c;

		skip_blanks(p);
		c = p->s[p->pos];
		if (c != '+' && c != '-')
			break;
		p->pos++;
		if (!(r = parse_prod(p))) {
			expr_free(l);
			return NULL;
		}
		l = binary(c == '+' ? OP_ADD : OP_SUB, l, r);
	}
	return l;
}

/* The comparison operator at the position, or -1; its length in @p len. */
static int cmp_at(const struct parser *p, size_t *len)
{
	const char *s = p->s + p->pos;

	*len = 2;
	if (s[0] == '<' && s[1] == '=')
		return CMP_LE;
	if (s[0] == '>' && s[1] == '=')
		return CMP_GE;
	if (s[0] == '=' && s[1] == '=')
		return CMP_EQ;
	if (s[0] == '!' && s[1] == '=')
		return CMP_NE;
	*len = 1;
	if (s[0] == '<')
		return CMP_LT;
	if (s[0] == '>')
		return CMP_GT;
	return -1;
}

static struct expr *parse_cmp(struct parser *p)
{
	struct expr *first = parse_sum(p), *e = NULL;

	while (first) {
		size_t len;
		int c;
		struct expr *r;

		skip_blanks(p);
		if ((c = cmp_at(p, &len)) < 0) {
			if (p->s[p->pos] != '=')
				break;
			expr_free(e ? e : first);
			return fail(p, "a comparison for equality is '=='", p->pos);
		}
		p->pos += len;
		if (!(r = parse_sum(p))) {
			expr_free(e ? e : first);
			return NULL;
		}
		if (!e) {
			e = node(OP_CMP, first->start);
			add_kid(e, first);
		}
		e->cmps = xrealloc(e->cmps, e->nkids * sizeof(*e->cmps));
		e->cmps[e->nkids - 1] = (enum cmp)c;
		add_kid(e, r);
	}
	return e ? e : first;
}

static struct expr *parse_not(struct parser *p)
{
	size_t start;
	struct expr *kid, *e;

	skip_blanks(p);
	start = p->pos;
	if (!at_keyword(p, "not"))
		return parse_cmp(p);
	p->pos += 3;
	if (++p->depth > MAX_DEPTH)
		return fail(p, "the expression nests too deeply", start);
	kid = parse_not(p);
	p->depth--;
	if (!kid)
		return NULL;
	e = node(OP_NOT, start);
	add_kid(e, kid);
	return e;
}

static struct expr *parse_and(struct parser *p)
{
	struct expr *l = parse_not(p);

	while (l) {
		struct expr *r;

		skip_blanks(p);
		if (!at_keyword(p, "and"))
			break;
		p->pos += 3;
		if (!(r = parse_not(p))) {
			expr_free(l);
			return NULL;
		}
		l = binary(OP_AND, l, r);
	}
	return l;
}

static struct expr *parse_test(struct parser *p)
{
	struct expr *l = parse_and(p);

	while (l) {
		struct expr *r;

		skip_blanks(p);
		if (!at_keyword(p, "or"))
			break;
		p->pos += 2;
		if (!(r = parse_and(p))) {
			expr_free(l);
			return NULL;
		}
		l = binary(OP_OR, l, r);
	}
	return l;
}

struct expr *expr_parse(const char *text, const char **why, size_t *at)
{
	struct parser p = {text, 0, NULL, 0, 0};
	struct expr *e = parse_test(&p);

	if (e) {
		skip_blanks(&p);
		if (text[p.pos]) {
			expr_free(e);
			e = fail(&p, text[p.pos] == '=' ? "a comparison for equality is '=='" :
				 "unexpected text after the expression", p.pos);
		}
	}
	if (!e && !p.why)
		fail(&p, "not an expression", 0);
	*why = p.why;
	*at = p.at;
	return e;
}

void expr_free(struct expr *e)
{
	if (!e)
		return;
	for (size_t i = 0; i < e->nkids; i++)
		expr_free(e->kids[i]);
	free(e->kids);
	free(e->cmps);
	free(e->name);
	free(e);
}

bool expr_is_test(const struct expr *e)
{
	return e->op == OP_CMP || e->op == OP_AND || e->op == OP_OR || e->op == OP_NOT;
}

bool expr_is_name(const struct expr *e)
{
	return e->op == OP_NAME;
}

void expr_names(const struct expr *e, struct strlist *names)
{
	if (e->op == OP_NAME && !strlist_has(names, e->name))
		strlist_add(names, e->name);
	for (size_t i = 0; i < e->nkids; i++)
		expr_names(e->kids[i], names);
}

static bool compare(enum cmp c, double a, double b)
{
	switch (c) {
	case CMP_LT: return a < b;
	case CMP_LE: return a <= b;
	case CMP_GT: return a > b;
	case CMP_GE: return a >= b;
	case CMP_EQ: return a == b;
	case CMP_NE: return a != b;
	}
	return false;
}

int expr_eval(const struct expr *e, expr_lookup lookup, void *ctx, double *value, char **why)
{
	double a = 0, b;

	*why = NULL;
	switch (e->op) {
	case OP_NUM:
		*value = e->num;
		return 0;
	case OP_NAME:
		return lookup(ctx, e->name, value, why);
	case OP_NEG:
		if (expr_eval(e->kids[0], lookup, ctx, &a, why) < 0)
			return -1;
		*value = -a;
		return 0;
	case OP_ADD: case OP_SUB: case OP_MUL: case OP_DIV:
	case OP_AND: case OP_OR:
		if (expr_eval(e->kids[0], lookup, ctx, &a, why) < 0 ||
		    expr_eval(e->kids[1], lookup, ctx, &b, why) < 0)
			return -1;
		*value = e->op == OP_ADD ? a + b : e->op == OP_SUB ? a - b : e->op == OP_MUL ? a * b :
			 e->op == OP_DIV ? a / b : e->op == OP_AND ? (a != 0 && b != 0) : (a != 0 || b != 0);
		return 0;
	case OP_NOT:
		if (expr_eval(e->kids[0], lookup, ctx, &a, why) < 0)
			return -1;
		*value = a == 0;
		return 0;
	case OP_CMP:
		*value = 1;
		if (expr_eval(e->kids[0], lookup, ctx, &a, why) < 0)
			return -1;
		for (size_t i = 1; i < e->nkids; i++) {
			if (expr_eval(e->kids[i], lookup, ctx, &b, why) < 0)
				return -1;
			if (!compare(e->cmps[i - 1], a, b))
				*value = 0;
			a = b;
		}
		return 0;
	case OP_MIN: case OP_MAX: case OP_ABS:
		for (size_t i = 0; i < e->nkids; i++) {
			if (expr_eval(e->kids[i], lookup, ctx, &b, why) < 0)
				return -1;
			if (i == 0 || (e->op == OP_MIN ? b < a : b > a) || isnan(b))
				a = b;
		}
		*value = e->op == OP_ABS ? magnitude(a) : a;
		return 0;
	}
	*why = xstrdup("unknown operation");
	return -1;
}

void expr_number(struct buf *out, double value)
{
	char text[64];

	if (isnan(value)) {
		buf_puts(out, "undefined");
		return;
	}
	if (magnitude(value) >= 1e-3 && magnitude(value) < 1e6) {
		/* Up to three significant digits, never in exponent form. */
		int decimals = magnitude(value) >= 100 ? 0 : magnitude(value) >= 10 ? 1 : magnitude(value) >= 1 ? 2 :
			       magnitude(value) >= 0.1 ? 3 : magnitude(value) >= 0.01 ? 4 : 5;
		char *dot;

		snprintf(text, sizeof(text), "%.*f", decimals, value);
		/* Trailing zeros after the point say nothing: "2.50" -> "2.5", "3.00" -> "3". */
		if ((dot = strchr(text, '.'))) {
			char *end = text + strlen(text);

			while (end > dot + 1 && end[-1] == '0')
				*--end = '\0';
			if (end == dot + 1)
				*dot = '\0';
		}
	} else {
		snprintf(text, sizeof(text), "%.3g", value);
	}
	buf_puts(out, text);
}

struct explain {
	const char *text;
	expr_lookup lookup;
	void *ctx;
	struct buf *out;
	size_t shown;		/* items appended so far */
	struct strlist named;	/* names shown as sides already */
};

static void explain_value(struct explain *x, const struct expr *e)
{
	double v;
	char *why = NULL;

	if (expr_eval(e, x->lookup, x->ctx, &v, &why) < 0)
		buf_puts(x->out, why);
	else
		expr_number(x->out, v);
	free(why);
}

static void explain_item(struct explain *x, const struct expr *e)
{
	if (e->op == OP_NUM)
		return;
	if (e->op == OP_NAME)
		strlist_add(&x->named, e->name);
	buf_puts(x->out, x->shown++ ? ", " : "");
	buf_add(x->out, x->text + e->start, e->end - e->start);
	buf_puts(x->out, " = ");
	explain_value(x, e);
}

/* The sides of every comparison in @p e; @p e itself when it is no test. */
static void explain_sides(struct explain *x, const struct expr *e)
{
	if (e->op == OP_CMP) {
		for (size_t i = 0; i < e->nkids; i++)
			explain_item(x, e->kids[i]);
	} else if (e->op == OP_AND || e->op == OP_OR || e->op == OP_NOT) {
		for (size_t i = 0; i < e->nkids; i++)
			explain_sides(x, e->kids[i]);
	} else {
		explain_item(x, e);
	}
}

void expr_explain(const struct expr *e, const char *text, expr_lookup lookup, void *ctx,
		  struct buf *out)
{
	struct explain x = {text, lookup, ctx, out, 0, {0}};
	struct strlist names = {0};
	size_t extra = 0;

	explain_sides(&x, e);
	expr_names(e, &names);
	/* Then each name that is not a side of its own: "(serial = 0.41, threads = 0.42)". */
	for (size_t i = 0; i < names.len; i++) {
		double v;
		char *why = NULL;

		if (strlist_has(&x.named, names.items[i]))
			continue;
		buf_puts(out, extra++ ? ", " : x.shown ? " (" : "");
		buf_printf(out, "%s = ", names.items[i]);
		if (lookup(ctx, names.items[i], &v, &why) < 0)
			buf_puts(out, why);
		else
			expr_number(out, v);
		free(why);
	}
	if (extra && x.shown)
		buf_putc(out, ')');
	strlist_free(&names);
	strlist_free(&x.named);
}

const char *expr_format_problem(const char *fmt)
{
	const char *p = fmt;

	if (!strcmp(fmt, "%s") || !strcmp(fmt, "%d"))
		return NULL;
	if (*p++ != '%')
		return "a format starts with '%' (%d, %.1f, %.3g, %.2e, %s)";
	if (*p == '.') {
		p++;
		if (!isdigit((unsigned char)*p++))
			return "a precision is one digit: %.1f";
	}
	if ((*p != 'f' && *p != 'g' && *p != 'e') || p[1])
		return "a format is %d, %f, %g or %e with an optional precision (%.1f), or %s";
	return NULL;
}

void expr_format(struct buf *out, const char *fmt, double value)
{
	if (isnan(value)) {
		buf_puts(out, "undefined");
	} else if (!strcmp(fmt, "%d")) {
		char text[64];

		/* printf rounds; a value that rounds to zero is "0", never "-0". */
		snprintf(text, sizeof(text), "%.0f", value);
		buf_puts(out, strcmp(text, "-0") ? text : "0");
	} else {
		int precision = fmt[1] == '.' ? fmt[2] - '0' : 6;
		char conv = fmt[strlen(fmt) - 1];

		buf_printf(out, conv == 'f' ? "%.*f" : conv == 'g' ? "%.*g" : "%.*e", precision, value);
	}
}

void expr_values_set(struct expr_values *v, const char *name, const char *text)
{
	for (size_t i = 0; i < v->names.len; i++)
		if (!strcmp(v->names.items[i], name)) {
			free(v->texts.items[i]);
			v->texts.items[i] = xstrdup(text);
			return;
		}
	strlist_add(&v->names, name);
	strlist_add(&v->texts, text);
}

const char *expr_values_get(const struct expr_values *v, const char *name)
{
	for (size_t i = 0; i < v->names.len; i++)
		if (!strcmp(v->names.items[i], name))
			return v->texts.items[i];
	return NULL;
}

void expr_values_free(struct expr_values *v)
{
	strlist_free(&v->names);
	strlist_free(&v->texts);
}

int expr_values_lookup(void *ctx, const char *name, double *value, char **why)
{
	const char *text = expr_values_get(ctx, name);
	char *end;

	if (!text) {
		*why = xasprintf("%s was not measured", name);
		return -1;
	}
	errno = 0;
	*value = strtod(text, &end);
	while (*end == ' ' || *end == '\t')
		end++;
	if (end == text || *end || errno == ERANGE || isinf(*value)) {
		*why = xasprintf("%s is '%s', not a number", name, text);
		return -1;
	}
	return 0;
}
