/* command.c - see command.h. */
#include "command.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

enum tok_kind { TOK_WORD, TOK_OP, TOK_REDIR };

/* A word (quotes removed), an operator, or a redirection operator. */
struct token {
	enum tok_kind kind;
	char *text;
	size_t at;		/* offset in the command */
	bool dynamic;		/* the shell would expand it: $, `, a glob, ~ */
};

struct tokens {
	struct token *v;
	size_t n;
};

static void add_token(struct tokens *t, enum tok_kind kind, char *text, size_t at, bool dynamic)
{
	t->v = xrealloc(t->v, (t->n + 1) * sizeof(*t->v));
	t->v[t->n++] = (struct token){kind, text, at, dynamic};
}

static void free_tokens(struct tokens *t)
{
	for (size_t i = 0; i < t->n; i++)
		free(t->v[i].text);
	free(t->v);
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static bool is_op_char(char c)
{
	return c == '|' || c == '&' || c == ';' || c == '(' || c == ')' || c == '<' || c == '>' ||
	       c == '\n';
}

/* Skip a balanced "(...)" or "{...}" that starts at p (the opener); NULL when unclosed. */
static const char *skip_group(const char *p)
{
	char open = *p, close = open == '(' ? ')' : '}';
	int depth = 0;

	for (; *p; p++) {
		if (*p == '\\' && p[1]) {
			p++;
		} else if (*p == '\'') {
			const char *q = strchr(p + 1, '\'');

			if (!q)
				return NULL;
			p = q;
		} else if (*p == open) {
			depth++;
		} else if (*p == close && --depth == 0) {
			return p + 1;
		}
	}
	return NULL;
}

/* An expansion at p ('$' or '`'): append its text to w and return its end, or NULL. */
static const char *take_expansion(const char *p, struct buf *w)
{
	const char *end;

	if (*p == '`') {
		for (end = p + 1; *end && *end != '`'; end++)
			if (*end == '\\' && end[1])
				end++;
		if (!*end)
			return NULL;
		end++;
	} else if (p[1] == '(' || p[1] == '{') {
		if (!(end = skip_group(p + 1)))
			return NULL;
	} else {
		end = p + 1;
		if (isalpha((unsigned char)*end) || *end == '_')
			while (isalnum((unsigned char)*end) || *end == '_')
				end++;
		else if (*end)
			end++;	/* $1, $?, $$, ... */
	}
	buf_add(w, p, (size_t)(end - p));
	return end;
}

/* Split @p cmd as sh does; -1 with *problem set on an unclosed quote or expansion. */
static int tokenize(const char *cmd, struct tokens *t, char **problem, size_t *problem_at)
{
	const char *p = cmd;

	while (*p) {
		const char *start;
		struct buf w = {0};
		bool dynamic = false, any = false;

		while (is_blank(*p))
			p++;
		if (!*p)
			break;
		start = p;
		if (*p == '#') /* a comment runs to the end of the line */
			break;
		if (*p == '<' || *p == '>' || (*p == '&' && p[1] == '>')) {
			size_t n = 1;

			if (*p == '&')
				n = p[2] == '>' ? 3 : 2;
			else if (p[1] == '>' || p[1] == '&' || p[1] == '|' || (*p == '<' && p[1] == '<'))
				n = 2;
			add_token(t, TOK_REDIR, xstrndup(p, n), (size_t)(p - cmd), false);
			p += n;
			continue;
		}
		if (is_op_char(*p)) {
			size_t n = (p[1] == *p && (*p == '|' || *p == '&' || *p == ';')) ? 2 : 1;

			add_token(t, TOK_OP, xstrndup(p, n), (size_t)(p - cmd), false);
			p += n;
			continue;
		}
		if (*p == '~')
			dynamic = true;
		while (*p && !is_blank(*p) && !is_op_char(*p)) {
			any = true;
			if (*p == '\\') {
				if (p[1])
					buf_putc(&w, p[1]);
				p += p[1] ? 2 : 1;
			} else if (*p == '\'') {
				const char *q = strchr(p + 1, '\'');

				if (!q)
					goto unclosed;
				buf_add(&w, p + 1, (size_t)(q - p - 1));
				p = q + 1;
			} else if (*p == '"') {
				for (p++; *p && *p != '"';) {
					if (*p == '\\' && p[1] && strchr("\\\"$`\n", p[1])) {
						buf_putc(&w, p[1]);
						p += 2;
					} else if (*p == '$' || *p == '`') {
						dynamic = true;
						if (!(p = take_expansion(p, &w)))
							goto unclosed;
					} else {
						buf_putc(&w, *p++);
					}
				}
				if (*p != '"')
					goto unclosed;
				p++;
			} else if (*p == '$' || *p == '`') {
				dynamic = true;
				if (!(p = take_expansion(p, &w)))
					goto unclosed;
			} else {
				if (*p == '*' || *p == '?' || *p == '[')
					dynamic = true;
				buf_putc(&w, *p++);
			}
		}
		/* "2>" and "2>&1": the digits belong to the redirection. */
		if (any && (*p == '<' || *p == '>') && w.len && strspn(w.data, "0123456789") == w.len &&
		    (size_t)(p - start) == w.len) {
			buf_free(&w);
			continue;
		}
		add_token(t, TOK_WORD, buf_detach(&w), (size_t)(start - cmd), dynamic);
		continue;
unclosed:
		buf_free(&w);
		*problem = xstrdup("an unclosed quote or expansion");
		*problem_at = (size_t)(start - cmd);
		return -1;
	}
	return 0;
}

/* What a path relative to the repository root is. */
enum place { PLACE_OTHER, PLACE_PROGRAM, PLACE_BUILD, PLACE_FILE };

static enum place place_of(const char *path, const char **rest)
{
	if (starts_with(path, "build/bin/") && path[10] && !strchr(path + 10, '/')) {
		*rest = path + 10;
		return PLACE_PROGRAM;
	}
	if (!strcmp(path, "build") || starts_with(path, "build/"))
		return PLACE_BUILD;
	if (starts_with(path, "snippets/") && path[9]) {
		*rest = path;
		return PLACE_FILE;
	}
	return PLACE_OTHER;
}

/*
 * @p word resolved from @p cwd ("" is the repository root), as a clean path
 * relative to the root, or NULL when it is absolute or leaves the root.
 */
static char *land(const char *cwd, const char *word)
{
	struct buf b = {0};
	char *joined, *part, *save = NULL;

	if (word[0] == '/')
		return NULL;
	joined = xasprintf("%s/%s", cwd, word);
	for (part = strtok_r(joined, "/", &save); part; part = strtok_r(NULL, "/", &save)) {
		if (!strcmp(part, "."))
			continue;
		if (!strcmp(part, "..")) {
			char *slash;

			if (!b.len) {
				free(joined);
				buf_free(&b);
				return NULL;
			}
			slash = strrchr(b.data, '/');
			b.len = slash ? (size_t)(slash - b.data) : 0;
			b.data[b.len] = '\0';
			continue;
		}
		if (b.len)
			buf_putc(&b, '/');
		buf_puts(&b, part);
	}
	free(joined);
	if (!b.data)
		return xstrdup("");
	return buf_detach(&b);
}

struct scan {
	struct command_uses *u;
	size_t base;		/* offset of this (sub)command in the whole command */
	bool nested;		/* a sh -c string: offsets are the string's word's */
};

static void add_once(struct strlist *l, const char *s)
{
	if (!strlist_has(l, s))
		strlist_add(l, s);
}

static void fail(struct scan *s, size_t at, char *problem)
{
	if (s->u->problem) {
		free(problem);
		return;
	}
	s->u->problem = problem;
	s->u->problem_at = s->nested ? s->base : s->base + at;
}

/*
 * Resolve one word from @p cwd (NULL: unknown). @p command: it is what runs
 * (after the assignments), so a '/' in it must lead to the book.
 */
static void resolve(struct scan *s, const struct token *t, const char *word, const char *cwd,
		    bool command)
{
	bool slash = strchr(word, '/') != NULL;
	const char *rest = NULL;
	char *path;
	enum place where;

	if (t->dynamic) {
		if (command)
			fail(s, t->at, xasprintf("the shell expands '%s' when it runs, so the build cannot tell what it runs", word));
		else if (strstr(word, "build/") || strstr(word, "bin/") || strstr(word, "snippets/"))
			fail(s, t->at, xasprintf("the shell expands '%s' when it runs, so the build cannot tell which file of the book it names", word));
		return;
	}
	if (!*word || (!slash && !command && cwd && !*cwd))
		return;		/* an argument, from the root: nothing of the book */
	if (!cwd) {
		if (slash && word[0] != '/')
			fail(s, t->at, xasprintf("'%s' follows a cd to a directory the build cannot know, so it cannot be resolved", word));
		return;
	}
	if (!slash && command)
		return;		/* looked up in PATH, not here */
	path = land(cwd, word);
	if (!path) {
		if (command && word[0] != '/')
			fail(s, t->at, xasprintf("'%s' leads out of the repository; a run executes the book's programs as build/bin/NAME", word));
		return;
	}
	where = place_of(path, &rest);
	if (where == PLACE_PROGRAM) {
		add_once(slash ? &s->u->programs : &s->u->maybe_programs, rest);
	} else if (where == PLACE_FILE) {
		add_once(slash ? &s->u->files : &s->u->maybe_files, rest);
	} else if (where == PLACE_BUILD && slash) {
		fail(s, t->at, xasprintf("'%s' is %s; a run uses only the book's programs (build/bin/NAME) and files (snippets/...)",
					 word, strcmp(path, "build/bin") ? "a build product that is not a program" : "the whole of build/bin"));
	} else if (where == PLACE_OTHER && command) {
		fail(s, t->at, xasprintf("'%s' is neither a program of the book (build/bin/NAME) nor a file of snippets/, so the build cannot tell what it runs", word));
	}
	free(path);
}

/* An argument: the word, and for "--opt=VALUE" or "NAME=VALUE" the value too. */
static void resolve_argument(struct scan *s, const struct token *t, const char *cwd)
{
	const char *eq = strchr(t->text, '=');

	resolve(s, t, t->text, cwd, false);
	if (eq && eq[1])
		resolve(s, t, eq + 1, cwd, false);
}

static bool is_assignment(const struct token *t)
{
	const char *p = t->text;

	if (!(isalpha((unsigned char)*p) || *p == '_'))
		return false;
	while (isalnum((unsigned char)*p) || *p == '_')
		p++;
	return *p == '=';
}

static const char *base_of(const char *word)
{
	const char *slash = strrchr(word, '/');

	return slash ? slash + 1 : word;
}

static void scan_string(struct scan *outer, const char *cmd, size_t at, const char *cwd);

/*
 * One simple command, tokens [from, to): assignments, the command word and
 * its arguments. Returns the directory the command leaves the shell in.
 */
static char *simple_command(struct scan *s, const struct tokens *t, size_t from, size_t to,
			    char *cwd)
{
	size_t i = from;
	const char *name;
	bool mpi;

	for (; i < to && t->v[i].kind == TOK_WORD && is_assignment(&t->v[i]); i++)
		resolve_argument(s, &t->v[i], cwd);
	while (i < to && t->v[i].kind == TOK_REDIR) {
		if (i + 1 < to)
			resolve(s, &t->v[i + 1], t->v[i + 1].text, cwd, false);
		i += 2;
	}
	if (i >= to)
		return cwd;
	name = t->v[i].dynamic ? "" : base_of(t->v[i].text);
	if (!strcmp(t->v[i].text, "cd")) {
		const struct token *dir = i + 1 < to && t->v[i + 1].kind == TOK_WORD ? &t->v[i + 1] : NULL;
		char *next = NULL;

		if (cwd && dir && !dir->dynamic && dir->text[0] != '/' && strcmp(dir->text, "-"))
			next = land(cwd, dir->text);
		free(cwd);
		return next;	/* NULL: a directory the build cannot know */
	}
	resolve(s, &t->v[i], t->v[i].text, cwd, true);
	mpi = !strcmp(name, "mpiexec") || !strcmp(name, "mpirun");
	for (i++; i < to; i++) {
		const struct token *w = &t->v[i];

		if (w->kind == TOK_REDIR) {
			if (i + 1 < to) {
				i++;
				resolve(s, &t->v[i], t->v[i].text, cwd, false);
			}
			continue;
		}
		if (!w->dynamic && (!strcmp(base_of(w->text), "mpiexec") || !strcmp(base_of(w->text), "mpirun")))
			mpi = true;	/* behind a wrapper: sh cluster.sh mpiexec -n 6 ... */
		if (mpi && i + 1 < to && (!strcmp(w->text, "-n") || !strcmp(w->text, "-np") ||
					  !strcmp(w->text, "--np"))) {
			long ranks = strtol(t->v[i + 1].text, NULL, 10);

			if (ranks > 0 && ranks < 1024)
				s->u->ranks = (int)ranks;
		}
		if ((!strcmp(name, "sh") || !strcmp(name, "bash") || !strcmp(name, "dash")) &&
		    !strcmp(w->text, "-c") && i + 1 < to) {
			const struct token *str = &t->v[++i];

			if (str->dynamic)
				fail(s, str->at, xasprintf("the shell expands '%s' when it runs, so the build cannot tell what it runs", str->text));
			else
				scan_string(s, str->text, str->at, cwd);
			continue;
		}
		resolve_argument(s, w, cwd);
	}
	return cwd;
}

static bool ends_pipeline(const struct token *t)
{
	return t->kind == TOK_OP && strcmp(t->text, "|") != 0 && strcmp(t->text, "(") != 0;
}

/*
 * Tokens [from, to) at one level of parentheses. A cd lasts until the end of
 * its level, except inside a pipeline of several commands, whose elements
 * are subshells.
 */
static char *scan_list(struct scan *s, const struct tokens *t, size_t *pos, size_t to, char *cwd)
{
	char *start = cwd ? xstrdup(cwd) : NULL;	/* where the pipeline began */
	bool piped = false;
	size_t i = *pos;

	while (i < to) {
		size_t j = i;

		if (t->v[i].kind == TOK_OP && !strcmp(t->v[i].text, "(")) {
			char *inner = cwd ? xstrdup(cwd) : NULL;

			*pos = i + 1;
			free(scan_list(s, t, pos, to, inner));
			i = *pos;
			continue;
		}
		if (t->v[i].kind == TOK_OP && !strcmp(t->v[i].text, ")")) {
			i++;
			break;
		}
		while (j < to && t->v[j].kind != TOK_OP)
			j++;
		cwd = simple_command(s, t, i, j, cwd);
		if (j < to && !strcmp(t->v[j].text, "|")) {
			piped = true;
			free(cwd);
			cwd = start ? xstrdup(start) : NULL;
		} else if (j == to || ends_pipeline(&t->v[j])) {
			if (piped) {
				free(cwd);
				cwd = start ? xstrdup(start) : NULL;
			}
			piped = false;
			free(start);
			start = cwd ? xstrdup(cwd) : NULL;
		}
		i = j < to && strcmp(t->v[j].text, ")") ? j + 1 : j;
	}
	free(start);
	*pos = i;
	return cwd;
}

static void scan_string(struct scan *outer, const char *cmd, size_t at, const char *cwd)
{
	struct scan s = {outer->u, outer->base + at, outer->nested || at != 0};
	struct tokens t = {0};
	char *problem = NULL;
	size_t problem_at = 0, pos = 0;

	if (tokenize(cmd, &t, &problem, &problem_at) < 0)
		fail(&s, problem_at, problem);
	else
		free(scan_list(&s, &t, &pos, t.n, cwd ? xstrdup(cwd) : NULL));
	free_tokens(&t);
}

int command_resolve(const char *cmd, struct command_uses *u)
{
	struct scan s = {u, 0, false};

	memset(u, 0, sizeof(*u));
	u->ranks = 1;
	scan_string(&s, cmd, 0, "");
	return u->problem ? -1 : 0;
}

void command_uses_free(struct command_uses *u)
{
	strlist_free(&u->programs);
	strlist_free(&u->files);
	strlist_free(&u->maybe_programs);
	strlist_free(&u->maybe_files);
	free(u->problem);
	memset(u, 0, sizeof(*u));
}

/*
 * The words of a script that start with @p key ("build/bin/", "snippets/")
 * at the start of a word (or after "./"), each once, into @p out; with
 * @p strip, without the key. Dots that end a word are a sentence's, not the
 * name's ("... this checkout's build/ and snippets/." in a comment).
 */
static void script_words(const char *text, size_t len, const char *key, bool strip,
			 struct strlist *out)
{
	size_t klen = strlen(key);
	const char *end = text + len;

	for (const char *p = text; p + klen < end; p++) {
		const char *name, *q;
		char *word;

		p = memchr(p, key[0], (size_t)(end - p));
		if (!p || (size_t)(end - p) < klen)
			break;
		if (memcmp(p, key, klen) ||
		    (p > text && !strchr(" \t\n\"'=(;|&`", p[-1]) &&
		     !(p - text >= 2 && p[-1] == '/' && p[-2] == '.')))
			continue;
		name = q = p + klen;
		while (q < end && (isalnum((unsigned char)*q) || strchr("_-.+/", *q)))
			q++;
		while (q > name && q[-1] == '.')	/* a sentence's full stop, in a comment */
			q--;
		if (q == name || (strip && memchr(name, '/', (size_t)(q - name))))
			continue;
		word = strip ? xstrndup(name, (size_t)(q - name)) : xstrndup(p, (size_t)(q - p));
		if (!strlist_has(out, word))
			strlist_take(out, word);
		else
			free(word);
	}
}

void script_uses(const char *text, size_t len, struct strlist *programs, struct strlist *files)
{
	script_words(text, len, "build/bin/", true, programs);
	script_words(text, len, "snippets/", false, files);
}
