/* prose.c - see prose.h. */
#include "prose.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "edition.h"

const char *url_problem(const char *url)
{
	const char *p = url, *host;
	size_t labels = 0;

	if (starts_with(url, "http://"))
		return "an address of the book is https://";
	if (!starts_with(url, "https://"))
		return "not an https:// address";
	p = host = url + 8;
	while (*p && *p != '/' && *p != '?' && *p != '#' && *p != ':') {
		size_t n = 0;

		while (isalnum((unsigned char)p[n]) || p[n] == '-')
			n++;
		if (!n || p[0] == '-' || p[n - 1] == '-')
			return "a host name is labels of letters, digits and '-', joined by dots";
		labels++;
		p += n;
		if (*p == '.')
			p++;
		else if (*p && *p != '/' && *p != '?' && *p != '#' && *p != ':')
			return "a host name is labels of letters, digits and '-', joined by dots";
	}
	if (labels < 2 || p == host || p[-1] == '.')
		return "the host has no domain (a name such as example.org)";
	if (*p == ':') {
		size_t n = 0;

		while (isdigit((unsigned char)p[1 + n]))
			n++;
		if (!n || n > 5)
			return "a port is a number";
		p += 1 + n;
	}
	for (; *p; p++) {
		unsigned char c = (unsigned char)*p;

		if (c == '%') {
			if (!isxdigit((unsigned char)p[1]) || !isxdigit((unsigned char)p[2]))
				return "a '%' in an address is followed by two hexadecimal digits";
			p += 2;
		} else if (!isalnum(c) && !strchr("-._~!$&'()*+,;=:@/?#", c)) {
			return c == ' ' ? "a blank in an address (write %20)" :
			       "a character an address cannot hold unescaped (RFC 3986)";
		}
	}
	return NULL;
}

/* Is @p s "NN-slug.html" up to @p n bytes: the page of a chapter? Its slug's length, or 0. */
static size_t chapter_page(const char *s, size_t n)
{
	size_t i = 3;

	if (n < 9 || !isdigit((unsigned char)s[0]) || !isdigit((unsigned char)s[1]) || s[2] != '-')
		return 0;
	while (i < n && (isalnum((unsigned char)s[i]) || s[i] == '-' || s[i] == '_'))
		i++;
	return i + 5 == n && !memcmp(s + i, ".html", 5) ? i : 0;
}

/* A link of the prose: its chapter, line and column, and its target. */
struct link {
	const struct chapter *c;
	int line, col;
	char *target;
};

/* The end of the inline code span opening at @p i of @p p, or @p i + its run when it has none. */
static size_t skip_code(const char *p, size_t len, size_t i)
{
	size_t run = 0;

	while (i + run < len && p[i + run] == '`')
		run++;
	for (size_t k = i + run; k < len;) {
		size_t r = 0;

		while (k + r < len && p[k + r] == '`')
			r++;
		if (r == run)
			return k + r;
		k += r ? r : 1;
	}
	return i + run;
}

/* The links of one line of prose into @p out. */
static void line_links(const struct chapter *c, int lineno, const char *p, size_t len, struct link **out,
		       size_t *n)
{
	for (size_t i = 0; i < len;) {
		size_t start = 0, end = 0;

		if (p[i] == '`') {
			i = skip_code(p, len, i);
			continue;
		}
		if (p[i] == ']' && i + 1 < len && p[i + 1] == '(') {
			start = i + 2;
			end = start;
			while (end < len && p[end] != ')' && p[end] != ' ')
				end++;
		} else if (p[i] == '<' && (len - i > 8 && (!memcmp(p + i + 1, "https:", 6) ||
							     !memcmp(p + i + 1, "http:", 5)))) {
			start = i + 1;
			end = start;
			while (end < len && p[end] != '>')
				end++;
		}
		if (end > start) {
			*out = xrealloc(*out, (*n + 1) * sizeof(**out));
			(*out)[(*n)++] = (struct link){c, lineno, (int)start + 1, xstrndup(p + start, end - start)};
			i = end;
			continue;
		}
		i++;
	}
}

/* Every link of @p c's prose (lines of its code blocks skipped). */
static void chapter_links(const struct chapter *c, struct link **out, size_t *n)
{
	const char *text = c->text ? c->text : "";
	size_t pos = 0, bi = 0;
	int line = 0;

	while (pos < c->text_len) {
		const char *nl = memchr(text + pos, '\n', c->text_len - pos);
		size_t end = nl ? (size_t)(nl - text) : c->text_len;

		line++;
		while (bi < c->nblocks && c->blocks[bi].close_line < line)
			bi++;
		if (!(bi < c->nblocks && c->blocks[bi].line <= line))
			line_links(c, line, text + pos, end - pos, out, n);
		pos = end + 1;
	}
}

static const struct chapter *chapter_by_slug(const struct book *b, const char *slug, size_t n)
{
	for (size_t i = 0; i < b->nchapters; i++)
		if (strlen(b->chapters[i].slug) == n && !memcmp(b->chapters[i].slug, slug, n))
			return &b->chapters[i];
	return NULL;
}

/* A term defined in the book, with its chapter. */
struct term {
	const struct chapter *c;
	struct dfn d;
	char *id;
	bool linked;
};

static void check_link(const struct book *b, const struct link *l, bool whole, struct term *terms,
		       size_t nterms, struct diag *d)
{
	const char *t = l->target, *hash = strchr(t, '#');
	size_t page = chapter_page(t, hash ? (size_t)(hash - t) : strlen(t));
	const char *problem;

	if (t[0] == '#' && t[1])
		return;
	if (!strcmp(t, "index.html"))
		return;
	if (page) {
		const struct chapter *to = chapter_by_slug(b, t, page);

		if (!whole)
			return;
		if (!to) {
			diag_error(d, l->c->path, l->line, l->col, "a link to %.*s.html, which is no chapter of the book",
				   (int)page, t);
			return;
		}
		if (hash && !starts_with(hash + 1, "dfn-")) {
			diag_error(d, l->c->path, l->line, l->col,
				   "a link to a place of %s that is no term's definition: write a reference "
				   "(@sec-LABEL, @fig-LABEL), which the book numbers and links in every format",
				   to->path);
			return;
		}
		if (hash) {
			bool found = false;

			for (size_t i = 0; i < nterms; i++)
				if (terms[i].c == to && !strcmp(terms[i].id, hash + 1))
					found = terms[i].linked = true;
			if (!found) {
				const char *near = NULL;
				size_t best = (size_t)-1;

				for (size_t i = 0; i < nterms; i++) {
					size_t e = edit_distance(terms[i].id, hash + 1);

					if (terms[i].c == to && e < best) {
						best = e;
						near = terms[i].id;
					}
				}
				diag_error(d, l->c->path, l->line, l->col,
					   "%s defines no term with the id %s%s%s%s", to->path, hash + 1,
					   near ? " (did you mean " : "", near ? near : "", near ? "?)" : "");
			}
		}
		return;
	}
	problem = url_problem(t);
	if (problem)
		diag_error(d, l->c->path, l->line, l->col,
			   "a link to '%s': %s; the book links to #anchors, its chapters (NN-slug.html) "
			   "and https:// addresses", t, problem);
}

void book_check_prose(const struct book *b, bool whole, struct diag *d)
{
	struct link *links = NULL;
	struct term *terms = NULL;
	size_t nlinks = 0, nterms = 0;

	for (size_t ci = 0; ci < b->nchapters; ci++) {
		const struct chapter *c = &b->chapters[ci];
		struct dfn *v;
		size_t n;

		chapter_links(c, &links, &nlinks);
		dfn_scan(c->text ? c->text : "", c->text_len, &v, &n);
		for (size_t i = 0; i < n; i++) {
			char *id = dfn_id(v[i].term, strlen(v[i].term));
			bool dup = false;

			for (size_t k = 0; k < nterms && !dup; k++) {
				if (strcmp(terms[k].id, id))
					continue;
				dup = true;
				diag_error(d, c->path, v[i].line, v[i].col,
					   "the term '%s' is defined a second time: a term has one definition, "
					   "the place the glossary links to", v[i].term);
				diag_note(d, terms[k].c->path, terms[k].d.line, terms[k].d.col, "defined here");
			}
			terms = xrealloc(terms, (nterms + 1) * sizeof(*terms));
			terms[nterms++] = (struct term){c, v[i], id, dup};	/* a second one: said once */
			v[i].term = NULL;
		}
		dfns_free(v, n);
	}
	for (size_t i = 0; i < nlinks; i++)
		check_link(b, &links[i], whole, terms, nterms, d);
	for (size_t i = 0; whole && i < nterms; i++)
		if (!terms[i].linked)
			diag_error(d, terms[i].c->path, terms[i].d.line, terms[i].d.col,
				   "the term '%s' has no entry in the glossary: a link to %s.html#%s", terms[i].d.term,
				   terms[i].c->slug, terms[i].id);
	for (size_t i = 0; i < nlinks; i++)
		free(links[i].target);
	for (size_t i = 0; i < nterms; i++) {
		free(terms[i].d.term);
		free(terms[i].id);
	}
	free(links);
	free(terms);
}
