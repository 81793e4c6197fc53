/* runspec.c - see runspec.h. */
#include "runspec.h"

#include "command.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <locale.h>
#include <pthread.h>
#include <regex.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * The locale regular expressions are compiled and run in, loaded once:
 * C.UTF-8, named explicitly, so that neither LANG nor LC_ALL nor LC_CTYPE of
 * whoever runs the build changes what a pattern matches. glibc's regcomp()
 * and regexec() read the calling thread's locale, which uselocale() sets for
 * the duration of one call. (The tools are linked statically: static glibc
 * loads locale files as the shared one does; it is gconv and NSS that it
 * cannot load, and no regex needs them.)
 */
static locale_t utf8;
static int utf8_errno;
static pthread_once_t utf8_once = PTHREAD_ONCE_INIT;

static void load_utf8(void)
{
	utf8 = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
	utf8_errno = utf8 ? 0 : errno;
}

static locale_t utf8_locale(void)
{
	pthread_once(&utf8_once, load_utf8);
	if (!utf8)
		errno = utf8_errno;
	return utf8;
}

const char *regex_locale_problem(void)
{
	return utf8_locale() ? NULL :
	       "the C.UTF-8 locale cannot be loaded (glibc's, in /usr/lib/locale/C.utf8), so "
	       "regular expressions cannot match characters of UTF-8 output";
}

int regex_compile(regex_t *rx, const char *re, int cflags)
{
	locale_t loc = utf8_locale(), old;
	int rc;

	if (!loc)
		return -1;
	old = uselocale(loc);
	rc = regcomp(rx, re, REG_EXTENDED | cflags);
	uselocale(old);
	return rc;
}

bool regex_matches(const regex_t *rx, const char *s)
{
	/* Compiled by regex_compile(), so the locale is loaded. */
	locale_t old = uselocale(utf8_locale());
	int rc = regexec(rx, s, 0, NULL, 0);

	uselocale(old);
	return rc == 0;
}

bool regex_capture(const regex_t *rx, const char *s, size_t *start, size_t *end)
{
	locale_t old = uselocale(utf8_locale());
	regmatch_t m[2];
	int rc = regexec(rx, s, 2, m, 0);

	uselocale(old);
	if (rc != 0)
		return false;
	if (rx->re_nsub < 1 || m[1].rm_so < 0)
		m[1] = m[0];
	*start = (size_t)m[1].rm_so;
	*end = (size_t)m[1].rm_eo;
	return true;
}

static const struct {
	const char *name;
	int number;
} signals[] = {
	{"SIGHUP", SIGHUP}, {"SIGINT", SIGINT}, {"SIGQUIT", SIGQUIT},
	{"SIGILL", SIGILL}, {"SIGTRAP", SIGTRAP}, {"SIGABRT", SIGABRT},
	{"SIGBUS", SIGBUS}, {"SIGFPE", SIGFPE}, {"SIGKILL", SIGKILL},
	{"SIGUSR1", SIGUSR1}, {"SIGSEGV", SIGSEGV}, {"SIGUSR2", SIGUSR2},
	{"SIGPIPE", SIGPIPE}, {"SIGALRM", SIGALRM}, {"SIGTERM", SIGTERM},
	{"SIGCHLD", SIGCHLD}, {"SIGCONT", SIGCONT}, {"SIGSTOP", SIGSTOP},
	{"SIGTSTP", SIGTSTP}, {"SIGXCPU", SIGXCPU}, {"SIGXFSZ", SIGXFSZ},
};

const char *signal_name(int sig)
{
	for (size_t i = 0; i < sizeof(signals) / sizeof(signals[0]); i++)
		if (signals[i].number == sig)
			return signals[i].name;
	return NULL;
}

int signal_number(const char *name)
{
	char *end;
	long n;

	if (isdigit((unsigned char)name[0])) {
		n = strtol(name, &end, 10);
		return (*end || n <= 0 || n >= 65) ? 0 : (int)n;
	}
	for (size_t i = 0; i < sizeof(signals) / sizeof(signals[0]); i++)
		if (!strcmp(signals[i].name, name) || !strcmp(signals[i].name + 3, name))
			return signals[i].number;
	return 0;
}

static const char *const run_classes[] = {"console", "run", "volatile", "hangs"};
static const char *const run_keys[] = {"timeout", "quiet", "exit", "signal", "name", "labels", "skip"};

static struct expect *add_expect(struct runspec *r, enum expect_kind kind, int line)
{
	struct expect *e;

	r->expects = xrealloc(r->expects, (r->nexpects + 1) * sizeof(*r->expects));
	e = &r->expects[r->nexpects++];
	memset(e, 0, sizeof(*e));
	e->kind = kind;
	e->line = line;
	return e;
}

/*
 * glibc compiles a repetition by copying what it repeats, so the compiled
 * size is estimated the same way: a sequence adds the sizes of its items, an
 * alternative adds its branches, a repetition multiplies its item by its
 * bound (2 for '*', '+' and '?'). sizes[d] is what group d has so far, last[d]
 * the item a following repetition would apply to.
 *
 * The limit is low because the cost is not linear in the copies: each
 * optional copy (the m - n of "{n,m}") links to every one after it, so
 * "a{0,4999}" alone takes 200 MB to compile; every shape measured with at
 * most COPIES items (one long bound, nested bounds, repeated optionals)
 * stayed under 35 MB (glibc 2.36).
 */
const char *regex_problem(const char *re)
{
	enum { DEPTH = 32, COPIES = 2000 };
	double sizes[DEPTH] = {0}, last[DEPTH] = {0};
	int d = 0;
	bool after_repeat = false;

	for (const char *p = re; *p; p++) {
		double factor = 0;

		if (*p == '(') {
			if (++d == DEPTH)
				return "groups nested too deep";
			sizes[d] = last[d] = 0;
		} else if (*p == ')' && d > 0) {
			double group = sizes[d] + last[d];

			d--;
			sizes[d] += last[d];
			last[d] = group;
		} else if (*p == '|') {
			sizes[d] += last[d];
			last[d] = 0;
		} else if (*p == '*' || *p == '+' || *p == '?') {
			factor = 2;
		} else if (*p == '{' && p[1] >= '0' && p[1] <= '9') {
			char *bound;
			long lo = strtol(p + 1, &bound, 10), hi = lo;

			if (*bound == ',') {
				/* {n,m}, or {n,}: at least n, copied n times and once more */
				if (bound[1] >= '0' && bound[1] <= '9')
					hi = strtol(bound + 1, &bound, 10);
				else
					bound++;
			}
			if (*bound != '}')
				return NULL;	/* not an interval: regcomp will say */
			if (lo > RE_DUP_MAX || hi > RE_DUP_MAX)
				return "a repetition bound above RE_DUP_MAX";
			factor = (double)(hi > lo ? hi : lo) + 1;
			p = bound;
		} else {
			if (*p == '\\' && p[1]) {
				p++;
			} else if (*p == '[') {
				/* A bracket expression is one item; ']' first is literal. */
				const char *q = p + 1 + (p[1] == '^');

				q += *q == ']';
				while (*q && *q != ']')
					q++;
				if (!*q)
					return NULL;	/* unbalanced: regcomp will say */
				p = q;
			}
			sizes[d] += last[d];
			last[d] = 1;
		}
		if (factor) {
			if (after_repeat)
				return "adjacent repetition operators (like '++' or '*{2}') are undefined in POSIX regular expressions";
			last[d] *= factor;
		}
		after_repeat = factor != 0;
		if (sizes[d] + last[d] > COPIES)
			return "its repetitions expand to more than 2000 copies, and glibc's regcomp "
			       "builds every copy (at a cost that grows with their square)";
	}
	return NULL;
}

static int check_regex(const char *re, const char *path, int line, int col, struct diag *d)
{
	regex_t rx;
	int rc;
	char msg[256];
	const char *problem = regex_problem(re);

	if (problem) {
		diag_error(d, path, line, col, "bad regular expression '%s': %s", re, problem);
		return -1;
	}
	rc = regex_compile(&rx, re, REG_NOSUB);
	if (rc == 0) {
		regfree(&rx);
		return 0;
	}
	if (rc < 0) {
		diag_error(d, path, line, col, "%s", regex_locale_problem());
		return -1;
	}
	regerror(rc, &rx, msg, sizeof(msg));
	diag_error(d, path, line, col, "bad regular expression '%s': %s", re, msg);
	return -1;
}

/* Split "A => B => C" into regexes; each is trimmed. */
static void split_order(struct strlist *out, const char *arg)
{
	const char *p = arg;

	for (;;) {
		const char *sep = strstr(p, "=>");
		const char *end = sep ? sep : p + strlen(p);
		const char *s = p;

		while (s < end && isspace((unsigned char)*s))
			s++;
		while (end > s && isspace((unsigned char)end[-1]))
			end--;
		strlist_take(out, xstrndup(s, (size_t)(end - s)));
		if (!sep)
			break;
		p = sep + 2;
	}
}

static void parse_attrs(struct runspec *r, const struct attrs *a, const char *path,
			int line, struct diag *d)
{
	const char *v;
	char *end;

	for (size_t i = 0; i < a->nclasses; i++) {
		bool known = false;

		for (size_t k = 0; k < sizeof(run_classes) / sizeof(run_classes[0]); k++)
			known |= !strcmp(a->classes[i], run_classes[k]);
		if (!known)
			diag_error(d, path, line, 0,
				   "unknown class '.%s' on a run block (known: .console .run .volatile .hangs)",
				   a->classes[i]);
	}
	for (size_t i = 0; i < a->nkvs; i++) {
		bool known = false;

		for (size_t k = 0; k < sizeof(run_keys) / sizeof(run_keys[0]); k++)
			known |= !strcmp(a->kvs[i].key, run_keys[k]);
		if (!known)
			diag_error(d, path, line, a->kvs[i].col,
				   "unknown attribute '%s' on a run block (known: timeout quiet exit signal name labels skip)",
				   a->kvs[i].key);
	}
	r->timeout = 60;
	if ((v = attrs_get(a, "timeout"))) {
		errno = 0;
		r->timeout = strtod(v, &end);
		if (errno || *end || end == v || !(r->timeout > 0) || r->timeout > 3600)
			diag_error(d, path, line, attrs_col(a, "timeout"),
				   "timeout must be a number of seconds between 0 and 3600, not '%s'", v);
	}
	if ((v = attrs_get(a, "exit"))) {
		long n = strtol(v, &end, 10);

		if (*end || end == v || n < 0 || n > 255)
			diag_error(d, path, line, attrs_col(a, "exit"),
				   "exit must be a status between 0 and 255, not '%s'", v);
		r->exit_status = (int)n;
	}
	if ((v = attrs_get(a, "signal"))) {
		r->signal = signal_number(v);
		if (!r->signal)
			diag_error(d, path, line, attrs_col(a, "signal"),
				   "unknown signal '%s' (write e.g. SIGKILL)", v);
		if (attrs_get(a, "exit"))
			diag_error(d, path, line, attrs_col(a, "signal"),
				   "a run ends with an exit status or a signal, not both");
	}
	if ((v = attrs_get(a, "skip"))) {
		long n = strtol(v, &end, 10);

		if (*end || end == v || n < 1 || n > 255)
			diag_error(d, path, line, attrs_col(a, "skip"),
				   "skip must be an exit status between 1 and 255, not '%s'", v);
		else if (attrs_get(a, "exit") && n == r->exit_status)
			diag_error(d, path, line, attrs_col(a, "skip"),
				   "skip=%ld is also the expected exit status", n);
		r->skip_status = (int)n;
	}
	if ((v = attrs_get(a, "name"))) {
		for (const char *p = v; *p; p++)
			if (!isalnum((unsigned char)*p) && *p != '-' && *p != '_')
				diag_error(d, path, line, attrs_col(a, "name"),
					   "a run name is letters, digits, '-' and '_', not '%s'", v);
		r->name = xstrdup(v);
	}
	if ((v = attrs_get(a, "labels"))) {
		const char *p = v;

		for (const char *q = v; *q; q++)
			if (!isalnum((unsigned char)*q) && *q != '-' && *q != '_' && *q != ' ')
				diag_error(d, path, line, attrs_col(a, "labels"),
					   "labels are words of letters, digits, '-' and '_', not '%s'", v);

		while (*p) {
			size_t n;

			while (*p == ' ')
				p++;
			n = strcspn(p, " ");
			if (n)
				strlist_take(&r->labels, xstrndup(p, n));
			p += n;
		}
	}
	r->hangs = attrs_has_class(a, "hangs");
	r->is_volatile = attrs_has_class(a, "volatile");
	if (r->hangs && (r->signal || attrs_get(a, "exit")))
		diag_error(d, path, line, 0,
			   "a .hangs run is stopped once it has gone quiet; it has no exit status or signal to expect");
	r->quiet = 1;
	if ((v = attrs_get(a, "quiet"))) {
		errno = 0;
		r->quiet = strtod(v, &end);
		if (!r->hangs)
			diag_error(d, path, line, attrs_col(a, "quiet"),
				   "quiet= is the silence that shows a hang: it belongs to a .hangs run");
		else if (errno || *end || end == v || !(r->quiet > 0) || r->quiet > 600)
			diag_error(d, path, line, attrs_col(a, "quiet"),
				   "quiet must be a number of seconds between 0 and 600, not '%s'", v);
	}
}

/* Is @p s a value's name: [A-Za-z_][A-Za-z0-9_]*, at most 64 characters? */
static bool is_value_name(const char *s)
{
	size_t n = 1;

	if (!isalpha((unsigned char)*s) && *s != '_')
		return false;
	for (s++; *s; s++, n++)
		if ((!isalnum((unsigned char)*s) && *s != '_') || n >= 64)
			return false;
	return true;
}

/*
 * The kind whose row reads the keyword part @p kw ("count 3", "value serial",
 * "claim else note"), with what its form carries into @p e; -1 after
 * reporting what is wrong.
 */
static int parse_keyword(const char *kw, struct expect *e, const char *path, int line,
			 struct diag *d)
{
	size_t n;
	const struct expect_kind_info *rows = expect_kinds(&n);
	size_t wlen = strcspn(kw, " ");
	const char *rest = kw + wlen;
	int kind = -1;

	for (size_t k = 0; k < n; k++)
		if (strlen(rows[k].keyword) == wlen && !memcmp(kw, rows[k].keyword, wlen))
			kind = (int)k;
	if (kind < 0) {
		const char *hint = NULL;
		char *word = xstrndup(kw, wlen);

		for (size_t k = 0; k < n; k++)
			if (edit_distance(word, rows[k].keyword) <= 2)
				hint = rows[k].keyword;
		if (hint)
			diag_error(d, path, line, 1, "unknown expectation '%s'; did you mean '%s'?", kw, hint);
		else
			diag_error(d, path, line, 1, "unknown expectation '%s' (known: %s)", kw, expect_known());
		free(word);
		return -1;
	}
	while (*rest == ' ')
		rest++;
	switch (rows[kind].form) {
	case FORM_NONE:
		if (*rest) {
			diag_error(d, path, line, (int)(rest - kw) + 1, "'%s' takes nothing before its ':': '%s: ...'",
				   rows[kind].keyword, rows[kind].keyword);
			return -1;
		}
		break;
	case FORM_COUNT: {
		char *end;

		e->count = strtol(rest, &end, 10);
		if (*end || end == rest || e->count < 0) {
			diag_error(d, path, line, (int)(rest - kw) + 1, "count needs a number: 'count 3: REGEX'");
			return -1;
		}
		break;
	}
	case FORM_NAME:
		if (!is_value_name(rest)) {
			diag_error(d, path, line, (int)(rest - kw) + 1,
				   "%s needs a name of letters, digits and '_', not starting with a digit, at most 64 long: "
				   "'%s serial: REGEX'", rows[kind].keyword, rows[kind].keyword);
			return -1;
		}
		e->name = xstrdup(rest);
		break;
	case FORM_ELSE:
		if (!strcmp(rest, "else note")) {
			e->note = true;
		} else if (*rest && strcmp(rest, "else fail")) {
			diag_error(d, path, line, (int)(rest - kw) + 1,
				   "a %s is followed by nothing, 'else note' or 'else fail': '%s else note: TEST'",
				   rows[kind].keyword, rows[kind].keyword);
			return -1;
		}
		break;
	}
	return kind;
}

static void parse_expectation(struct runspec *r, const struct line *l, const char *path,
			      struct diag *d)
{
	const char *colon = memchr(l->text, ':', l->len);
	size_t klen = colon ? (size_t)(colon - l->text) : 0;
	const struct expect_kind_info *rows = expect_kinds(NULL);
	struct expect parsed = {0};
	const char *arg;
	size_t alen;
	char *kw, *text;
	int kind, argcol;

	if (!colon) {
		diag_error(d, path, l->lineno, 1, "expected 'keyword: argument' (%s)", expect_known());
		return;
	}
	kw = xstrndup(l->text, klen);
	kind = parse_keyword(kw, &parsed, path, l->lineno, d);
	free(kw);
	if (kind < 0)
		return;
	arg = colon + 1;
	alen = l->len - klen - 1;
	if (alen && *arg == ' ') {
		arg++;
		alen--;
	}
	while (alen && (arg[alen - 1] == ' ' || arg[alen - 1] == '\t'))
		alen--;
	argcol = (int)(arg - l->text) + 1;
	text = xstrndup(arg, alen);
	/* Consecutive rows of a kind that reads lines are one expectation. */
	if (rows[kind].body == BODY_LINES && r->nexpects &&
	    r->expects[r->nexpects - 1].kind == (enum expect_kind)kind &&
	    r->expects[r->nexpects - 1].args.len &&
	    r->expects[r->nexpects - 1].line + (int)r->expects[r->nexpects - 1].args.len == l->lineno) {
		strlist_take(&r->expects[r->nexpects - 1].args, text);
		return;
	}
	if (kind == EXPECT_OUTPUT && r->is_volatile)
		diag_error(d, path, l->lineno, 1,
			   "a .volatile run's output varies, so it cannot be compared with output:");
	if (kind == EXPECT_OUTPUT) {
		for (size_t k = 0; k < r->nexpects; k++)
			if (r->expects[k].kind == EXPECT_OUTPUT)
				diag_error(d, path, l->lineno, 1,
					   "the whole output is given once: keep the output: lines together");
	}
	if (kind == EXPECT_VALUE) {
		const struct expect *other = runspec_value(r, parsed.name);

		if (other)
			diag_error(d, path, l->lineno, 7, "value '%s' is already defined at line %d",
				   parsed.name, other->line);
	}
	struct expect *e = add_expect(r, (enum expect_kind)kind, l->lineno);

	e->col = argcol;
	e->count = parsed.count;
	e->name = parsed.name;
	e->note = parsed.note;
	switch (rows[kind].body) {
	case BODY_CHAIN:
		split_order(&e->args, text);
		if (e->args.len < 2)
			diag_error(d, path, l->lineno, argcol, "order needs two regexes: 'order: A => B'");
		free(text);
		break;
	case BODY_TEST: {
		const char *why;
		size_t at;

		strlist_take(&e->args, text);
		e->test = expr_parse(e->args.items[0], &why, &at);
		if (!e->test)
			diag_error(d, path, l->lineno, argcol + (int)at, "bad claim '%s': %s", e->args.items[0], why);
		else if (!expr_is_test(e->test))
			diag_error(d, path, l->lineno, argcol,
				   "a claim is a test, a comparison like 'hidden > 0', not '%s'", e->args.items[0]);
		break;
	}
	default:
		strlist_take(&e->args, text);
		break;
	}
	if (rows[kind].body == BODY_REGEX || rows[kind].body == BODY_CHAIN) {
		for (size_t k = 0; k < e->args.len; k++) {
			if (!*e->args.items[k])
				diag_error(d, path, l->lineno, argcol, "empty regular expression");
			else
				check_regex(e->args.items[k], path, l->lineno, argcol, d);
		}
	}
}

/* Every name a claim of @p r tests is a value of @p r, defined before it or after. */
static void check_claim_names(const struct runspec *r, const char *path, struct diag *d)
{
	for (size_t i = 0; i < r->nexpects; i++) {
		const struct expect *e = &r->expects[i];
		struct strlist names = {0};

		if (e->kind != EXPECT_CLAIM || !e->test)
			continue;
		expr_names(e->test, &names);
		for (size_t k = 0; k < names.len; k++) {
			const char *at = strstr(e->args.items[0], names.items[k]);

			if (!runspec_value(r, names.items[k]))
				diag_error(d, path, e->line, e->col + (at ? (int)(at - e->args.items[0]) : 0),
					   "the claim tests '%s', which is no value of this run (a 'value %s: REGEX' row defines it)",
					   names.items[k], names.items[k]);
		}
		strlist_free(&names);
	}
}

const struct expect *runspec_value(const struct runspec *r, const char *name)
{
	for (size_t i = 0; i < r->nexpects; i++)
		if (r->expects[i].kind == EXPECT_VALUE && r->expects[i].name && !strcmp(r->expects[i].name, name))
			return &r->expects[i];
	return NULL;
}

/* Does one of @p r's expectations need some output to appear? */
static bool shows_output(const struct runspec *r)
{
	for (size_t i = 0; i < r->nexpects; i++)
		switch (r->expects[i].kind) {
		case EXPECT_LACKS:
		case EXPECT_CLAIM:
			break;
		case EXPECT_COUNT:
			if (r->expects[i].count > 0)
				return true;
			break;
		default:
			return true;
		}
	return false;
}

int runspec_parse(struct runspec *r, const struct attrs *a,
		  const struct line *lines, size_t nlines, const char *path,
		  int fence_line, struct diag *d)
{
	int errors = d->errors;
	size_t i = 0;
	struct buf cmd = {0};

	memset(r, 0, sizeof(*r));
	parse_attrs(r, a, path, fence_line, d);
	while (i < nlines && lines[i].len == 0)
		i++;
	if (i == nlines || lines[i].len < 2 || memcmp(lines[i].text, "$ ", 2)) {
		diag_error(d, path, i < nlines ? lines[i].lineno : fence_line, 1,
			   "a run block starts with the command, written '$ command'");
		return -1;
	}
	r->command_line = lines[i].lineno;
	buf_add(&cmd, lines[i].text + 2, lines[i].len - 2);
	while (cmd.len && cmd.data[cmd.len - 1] == '\\' && ++i < nlines) {
		cmd.len--;
		buf_add(&cmd, lines[i].text, lines[i].len);
	}
	r->command = buf_detach(&cmd);
	{
		struct command_uses u;

		if (command_resolve(r->command, &u) < 0)
			diag_error(d, path, r->command_line, 3 + (int)u.problem_at, "%s", u.problem);
		r->programs = u.programs;
		r->files = u.files;
		r->maybe_programs = u.maybe_programs;
		r->maybe_files = u.maybe_files;
		r->ranks = u.ranks;
		free(u.problem);
	}
	for (i++; i < nlines; i++) {
		if (lines[i].len == 0)
			continue;
		parse_expectation(r, &lines[i], path, d);
	}
	check_claim_names(r, path, d);
	if (r->hangs && !shows_output(r))
		diag_error(d, path, fence_line, 0,
			   "a .hangs run is recognised by what it prints before it hangs: give it an "
			   "expectation that some output appears (contains:, line:, count N:, order:, "
			   "output:, anyorder: or value)");
	return d->errors == errors ? 0 : -1;
}

void runspec_free(struct runspec *r)
{
	free(r->command);
	free(r->name);
	strlist_free(&r->labels);
	strlist_free(&r->programs);
	strlist_free(&r->files);
	strlist_free(&r->maybe_programs);
	strlist_free(&r->maybe_files);
	for (size_t i = 0; i < r->nexpects; i++) {
		strlist_free(&r->expects[i].args);
		free(r->expects[i].name);
		expr_free(r->expects[i].test);
	}
	free(r->expects);
	memset(r, 0, sizeof(*r));
}

/* The captured output as lines (views into it), trailing blanks ignored. */
struct outlines {
	char **v;
	size_t n;
};

static void split_output(struct outlines *o, const char *text, size_t len)
{
	size_t start = 0;

	o->v = NULL;
	o->n = 0;
	while (start < len) {
		const char *nl = memchr(text + start, '\n', len - start);
		size_t end = nl ? (size_t)(nl - text) : len;
		size_t e = end;

		while (e > start && (text[e - 1] == ' ' || text[e - 1] == '\t' || text[e - 1] == '\r'))
			e--;
		o->v = xrealloc(o->v, (o->n + 1) * sizeof(*o->v));
		o->v[o->n++] = xstrndup(text + start, e - start);
		start = end + 1;
	}
}

static void free_output(struct outlines *o)
{
	for (size_t i = 0; i < o->n; i++)
		free(o->v[i]);
	free(o->v);
}

/* Indices of lines matching re: first and last, and how many. */
static long matches(const struct outlines *o, const char *re, long *first, long *last)
{
	regex_t rx;
	long n = 0;

	*first = *last = -1;
	if (regex_compile(&rx, re, REG_NOSUB) != 0)
		return -1;
	for (size_t i = 0; i < o->n; i++) {
		if (regex_matches(&rx, o->v[i])) {
			if (*first < 0)
				*first = (long)i;
			*last = (long)i;
			n++;
		}
	}
	regfree(&rx);
	return n;
}

/* What the checks of one run share. */
struct check_ctx {
	const struct outlines *o;	/* the output's lines */
	const char *path;		/* the chapter, for reports */
	struct diag *d;			/* where failures go */
	struct expr_values *values;	/* the values found so far */
};

static int check_contains(const struct expect *e, struct check_ctx *cx)
{
	long first, last;

	if (matches(cx->o, e->args.items[0], &first, &last) > 0)
		return 0;
	diag_error(cx->d, cx->path, e->line, 0, "no output line matches /%s/", e->args.items[0]);
	return 1;
}

static int check_lacks(const struct expect *e, struct check_ctx *cx)
{
	long first, last;

	if (matches(cx->o, e->args.items[0], &first, &last) == 0)
		return 0;
	diag_error(cx->d, cx->path, e->line, 0, "output line %ld matches /%s/, which must not appear: %s",
		   first + 1, e->args.items[0], cx->o->v[first]);
	return 1;
}

static int check_count(const struct expect *e, struct check_ctx *cx)
{
	long first, last, n = matches(cx->o, e->args.items[0], &first, &last);

	if (n == e->count)
		return 0;
	diag_error(cx->d, cx->path, e->line, 0, "%ld output lines match /%s/, expected %ld",
		   n, e->args.items[0], e->count);
	return 1;
}

static int check_order(const struct expect *e, struct check_ctx *cx)
{
	for (size_t k = 0; k + 1 < e->args.len; k++) {
		long f1, l1, f2, l2;

		if (matches(cx->o, e->args.items[k], &f1, &l1) <= 0 ||
		    matches(cx->o, e->args.items[k + 1], &f2, &l2) <= 0) {
			diag_error(cx->d, cx->path, e->line, 0, "order: no output line matches /%s/",
				   f1 < 0 ? e->args.items[k] : e->args.items[k + 1]);
			return 1;
		}
		if (l1 >= f2) {
			diag_error(cx->d, cx->path, e->line, 0,
				   "order: line %ld (/%s/) comes after line %ld (/%s/): %s",
				   l1 + 1, e->args.items[k], f2 + 1, e->args.items[k + 1], cx->o->v[l1]);
			return 1;
		}
	}
	return 0;
}

static int check_line(const struct expect *e, struct check_ctx *cx)
{
	for (size_t i = 0; i < cx->o->n; i++)
		if (!strcmp(cx->o->v[i], e->args.items[0]))
			return 0;
	diag_error(cx->d, cx->path, e->line, 0, "no output line is exactly '%s'", e->args.items[0]);
	return 1;
}

static int check_output(const struct expect *e, struct check_ctx *cx)
{
	const struct outlines *o = cx->o;

	for (size_t i = 0; i < e->args.len || i < o->n; i++) {
		if (i >= e->args.len || i >= o->n || strcmp(o->v[i], e->args.items[i])) {
			diag_error(cx->d, cx->path, e->line + (int)(i < e->args.len ? i : e->args.len - 1), 0,
				   "output line %zu is '%s', expected '%s'", i + 1,
				   i < o->n ? o->v[i] : "(end of output)",
				   i < e->args.len ? e->args.items[i] : "(end of output)");
			return 1;
		}
	}
	return 0;
}

static int check_anyorder(const struct expect *e, struct check_ctx *cx)
{
	const struct outlines *o = cx->o;
	bool *used = xcalloc(o->n + 1, sizeof(*used));
	int failed = 0;

	for (size_t k = 0; k < e->args.len && !failed; k++) {
		size_t i;

		for (i = 0; i < o->n; i++)
			if (!used[i] && !strcmp(o->v[i], e->args.items[k]))
				break;
		if (i < o->n) {
			used[i] = true;
		} else {
			diag_error(cx->d, cx->path, e->line + (int)k, 0,
				   "no (further) output line is exactly '%s'", e->args.items[k]);
			failed = 1;
		}
	}
	free(used);
	return failed;
}

/* The value is the first group of the first line that matches, or the match. */
static int check_value(const struct expect *e, struct check_ctx *cx)
{
	regex_t rx;

	if (regex_compile(&rx, e->args.items[0], 0) != 0)
		return 1;	/* refused at parse time already */
	for (size_t i = 0; i < cx->o->n; i++) {
		size_t start, end;

		if (regex_capture(&rx, cx->o->v[i], &start, &end)) {
			char *text = xstrndup(cx->o->v[i] + start, end - start);

			if (cx->values)
				expr_values_set(cx->values, e->name, text);
			free(text);
			regfree(&rx);
			return 0;
		}
	}
	regfree(&rx);
	diag_error(cx->d, cx->path, e->line, 0, "value '%s' was not found: no output line matches /%s/",
		   e->name, e->args.items[0]);
	return 1;
}

int expect_claim_holds(const struct expect *e, const struct expr_values *values, struct buf *why)
{
	double v;
	char *problem = NULL;

	if (!e->test)
		return -1;
	if (expr_eval(e->test, expr_values_lookup, (void *)values, &v, &problem) < 0) {
		buf_printf(why, "it cannot be checked: %s", problem);
		free(problem);
		return -1;
	}
	if (v != 0)
		return 1;
	expr_explain(e->test, e->args.items[0], expr_values_lookup, (void *)values, why);
	buf_printf(why, "; the text assumes %s", e->args.items[0]);
	return 0;
}

static int check_claim(const struct expect *e, struct check_ctx *cx)
{
	struct buf why = {0};
	int holds = expect_claim_holds(e, cx->values, &why), failed = 0;

	if (holds == 0 && e->note) {
		diag_warning(cx->d, cx->path, e->line, e->col,
			     "the claim '%s' does not hold on this machine: %s (the book shows this as a note "
			     "beside the output)", e->args.items[0], why.data);
	} else if (holds <= 0) {
		diag_error(cx->d, cx->path, e->line, e->col, "the claim '%s' does not hold on this machine: %s",
			   e->args.items[0], why.data);
		failed = 1;
	}
	buf_free(&why);
	return failed;
}

static void describe_contains(const struct expect *e, struct buf *b)
{
	buf_printf(b, "a line matches /%s/", e->args.items[0]);
}

static void describe_lacks(const struct expect *e, struct buf *b)
{
	buf_printf(b, "no line matches /%s/", e->args.items[0]);
}

static void describe_count(const struct expect *e, struct buf *b)
{
	buf_printf(b, "exactly %ld line%s match%s /%s/", e->count, e->count == 1 ? "" : "s",
		   e->count == 1 ? "es" : "", e->args.items[0]);
}

static void describe_order(const struct expect *e, struct buf *b)
{
	buf_puts(b, "in order: ");
	for (size_t k = 0; k < e->args.len; k++)
		buf_printf(b, "%s/%s/", k ? " before " : "", e->args.items[k]);
}

static void describe_line(const struct expect *e, struct buf *b)
{
	buf_printf(b, "a line reads \"%s\"", e->args.items[0]);
}

static void describe_output(const struct expect *e, struct buf *b)
{
	buf_printf(b, "the whole output is exactly the %zu line%s expected", e->args.len,
		   e->args.len == 1 ? "" : "s");
}

static void describe_anyorder(const struct expect *e, struct buf *b)
{
	buf_printf(b, "%zu expected line%s appear in any order", e->args.len, e->args.len == 1 ? "" : "s");
}

static void describe_value(const struct expect *e, struct buf *b)
{
	buf_printf(b, "%s is read from /%s/", e->name, e->args.items[0]);
}

static void describe_claim(const struct expect *e, struct buf *b)
{
	buf_printf(b, "%s%s", e->args.items[0], e->note ? " (else a note)" : "");
}

/* The table of expectation kinds: one row each, indexed by enum expect_kind. */
static const struct expect_kind_info kinds[] = {
	[EXPECT_CONTAINS] = {"contains", FORM_NONE, "contains", BODY_REGEX, check_contains, describe_contains},
	[EXPECT_LACKS] = {"lacks", FORM_NONE, "lacks", BODY_REGEX, check_lacks, describe_lacks},
	[EXPECT_COUNT] = {"count", FORM_COUNT, "count N", BODY_REGEX, check_count, describe_count},
	[EXPECT_ORDER] = {"order", FORM_NONE, "order", BODY_CHAIN, check_order, describe_order},
	[EXPECT_LINE] = {"line", FORM_NONE, "line", BODY_TEXT, check_line, describe_line},
	[EXPECT_OUTPUT] = {"output", FORM_NONE, "output", BODY_LINES, check_output, describe_output},
	[EXPECT_ANYORDER] = {"anyorder", FORM_NONE, "anyorder", BODY_LINES, check_anyorder, describe_anyorder},
	[EXPECT_VALUE] = {"value", FORM_NAME, "value NAME", BODY_REGEX, check_value, describe_value},
	[EXPECT_CLAIM] = {"claim", FORM_ELSE, "claim [else note]", BODY_TEST, check_claim, describe_claim},
};

const struct expect_kind_info *expect_kinds(size_t *n)
{
	if (n)
		*n = sizeof(kinds) / sizeof(kinds[0]);
	return kinds;
}

static char known[256];
static pthread_once_t known_once = PTHREAD_ONCE_INIT;

static void make_known(void)
{
	size_t len = 0;

	for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++)
		len += (size_t)snprintf(known + len, sizeof(known) - len, "%s%s", k ? ", " : "", kinds[k].spelling);
}

const char *expect_known(void)
{
	pthread_once(&known_once, make_known);
	return known;
}

/* Does @p command start Open MPI's launcher (a word mpiexec, mpirun or orterun, or a path to one)? */
static bool runs_mpiexec(const char *command)
{
	const char *p = command;

	while (*p) {
		size_t n = strcspn(p, " \t;&|()<>'\"`"), base = n;

		while (base && p[base - 1] != '/')
			base--;
		if ((n - base == 7 && !memcmp(p + base, "mpiexec", 7)) ||
		    (n - base == 6 && !memcmp(p + base, "mpirun", 6)) ||
		    (n - base == 7 && !memcmp(p + base, "orterun", 7)))
			return true;
		p += n + (p[n] != '\0');
	}
	return false;
}

/*
 * The signal that mpiexec reports a rank died of, or 0. Measured with Open
 * MPI 4.1.4: mpiexec then exits with 128 + N (its own process ends normally:
 * the signal killed the rank, not it) and prints, under its own name,
 *
 *   mpiexec noticed that process rank 1 with PID 0 on node vm exited on signal 6 (Aborted).
 *
 * while a rank that exits with 134 makes it exit with 134 too, but report
 * "... exited with non-zero status ... Exit code: 134". Both must hold: the
 * status alone cannot tell the two apart, and the line alone could be any
 * program's output.
 */
static int mpiexec_rank_signal(const struct runspec *r, const struct outlines *o, int exit_status)
{
	if (exit_status <= 128 || !runs_mpiexec(r->command))
		return 0;
	for (size_t i = 0; i < o->n; i++) {
		char tool[64], node[256];
		int rank, pid, sig, end = 0;
		const char *base;

		if (sscanf(o->v[i], "%63s noticed that process rank %d with PID %d on node %255s "
			   "exited on signal %d%n", tool, &rank, &pid, node, &sig, &end) != 5 || !end)
			continue;
		base = strrchr(tool, '/') ? strrchr(tool, '/') + 1 : tool;
		if ((strcmp(base, "mpiexec") && strcmp(base, "mpirun") && strcmp(base, "orterun")) ||
		    (o->v[i][end] && o->v[i][end] != ' ' && o->v[i][end] != '.'))
			continue;
		return sig == exit_status - 128 ? sig : 0;
	}
	return 0;
}

bool runspec_output_holds(const struct runspec *r, const char *output, size_t len)
{
	struct expr_values found = {0};
	struct diag silent;
	struct check_ctx cx = {NULL, "", &silent, &found};
	struct outlines o;
	int failures = 0;

	diag_init(&silent, NULL);
	split_output(&o, output, len);
	cx.o = &o;
	for (size_t i = 0; i < r->nexpects && !failures; i++)
		if (r->expects[i].kind != EXPECT_CLAIM)
			failures += kinds[r->expects[i].kind].check(&r->expects[i], &cx);
	free_output(&o);
	expr_values_free(&found);
	return failures == 0;
}

int runspec_check(const struct runspec *r, const char *output, size_t len,
		  enum run_end end, int exit_status, int signal,
		  const char *path, struct diag *d, struct expr_values *values)
{
	bool timed_out = end == RUN_TIMED_OUT, stopped = end != RUN_ENDED;
	struct expr_values found = {0};
	struct check_ctx cx = {NULL, path, d, values ? values : &found};
	struct outlines o;
	int failures = 0;
	int line = r->command_line, rank_signal;

	split_output(&o, output, len);
	rank_signal = stopped || signal ? 0 : mpiexec_rank_signal(r, &o, exit_status);
	if (r->hangs && end == RUN_ENDED) {
		diag_error(d, path, line, 0, "the run was expected to hang, but it ended");
		failures++;
	} else if (r->hangs && timed_out) {
		diag_error(d, path, line, 0,
			   "the run was expected to print what the block says and then hang, silent for %gs; "
			   "at its timeout (%gs) it had not (the rows below say what was missing)%s",
			   r->quiet, r->timeout,
			   runspec_output_holds(r, output, len) ? ", or it never stopped printing" : "");
		failures++;
	} else if (!r->hangs && stopped) {
		diag_error(d, path, line, 0, "the run timed out after %gs", r->timeout);
		failures++;
	} else if (!r->hangs && r->signal && signal != r->signal && rank_signal != r->signal) {
		if (signal)
			diag_error(d, path, line, 0, "expected the run to die of %s, but it died of %s",
				   signal_name(r->signal), signal_name(signal) ? signal_name(signal) : "another signal");
		else if (rank_signal)
			diag_error(d, path, line, 0,
				   "expected the run to die of %s, but mpiexec reports that a rank died of %s",
				   signal_name(r->signal), signal_name(rank_signal) ? signal_name(rank_signal) : "another signal");
		else if (exit_status == 128 + r->signal)
			diag_error(d, path, line, 0,
				   "expected the run to die of %s, but it exited with status %d, which is "
				   "how a shell reports a command it waited for that died of %s, and also "
				   "what a program that exits with %d returns: the death is seen only when "
				   "the program is the last command of the line or of a top-level pipeline "
				   "(see README, 'Run blocks and their expectations')",
				   signal_name(r->signal), exit_status, signal_name(r->signal), exit_status);
		else
			diag_error(d, path, line, 0, "expected the run to die of %s, but it exited with status %d",
				   signal_name(r->signal), exit_status);
		failures++;
	} else if (!r->hangs && !r->signal && (signal || exit_status != r->exit_status)) {
		if (signal)
			diag_error(d, path, line, 0, "the run died of %s (expected exit status %d)",
				   signal_name(signal) ? signal_name(signal) : "a signal", r->exit_status);
		else if (rank_signal)
			diag_error(d, path, line, 0,
				   "the run exited with status %d (expected %d): mpiexec reports that a rank died of %s",
				   exit_status, r->exit_status,
				   signal_name(rank_signal) ? signal_name(rank_signal) : "a signal");
		else
			diag_error(d, path, line, 0, "the run exited with status %d (expected %d)",
				   exit_status, r->exit_status);
		failures++;
	}
	/* The claims last: they test the values the other rows found. */
	cx.o = &o;
	for (size_t i = 0; i < r->nexpects; i++)
		if (r->expects[i].kind != EXPECT_CLAIM)
			failures += kinds[r->expects[i].kind].check(&r->expects[i], &cx);
	for (size_t i = 0; i < r->nexpects; i++)
		if (r->expects[i].kind == EXPECT_CLAIM)
			failures += kinds[r->expects[i].kind].check(&r->expects[i], &cx);
	free_output(&o);
	expr_values_free(&found);
	return failures;
}

bool runspec_skipped(const struct runspec *r, bool timed_out, int exit_status, int signal)
{
	return r->skip_status && !timed_out && !signal && exit_status == r->skip_status;
}

char *expect_describe(const struct expect *e)
{
	struct buf b = {0};

	kinds[e->kind].describe(e, &b);
	return buf_detach(&b);
}
