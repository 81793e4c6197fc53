/* attr.c - see attr.h. */
#include "attr.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static bool is_key_char(char c)
{
	return isalnum((unsigned char)c) || c == '-' || c == '_';
}

/* A bare word (class, id, unquoted value) ends at a blank or '}'. */
static size_t word_len(const char *s, size_t len)
{
	size_t n = 0;

	while (n < len && !is_blank(s[n]) && s[n] != '}' && s[n] != '{')
		n++;
	return n;
}

/*
 * Append to an array in the arena. It grows by copying (arrays of attributes
 * are short): when n, its length, is a power of two (or 0), it is full.
 */
static void *grow_array(struct arena *mem, void *v, unsigned n, size_t size)
{
	void *bigger;

	if (n & (n - 1))
		return v;
	bigger = arena_alloc(mem, (n ? 2 * (size_t)n : 1) * size);
	if (n)
		memcpy(bigger, v, n * size);
	return bigger;
}

static void add_kv(struct attrs *a, struct arena *mem, char *key, char *value, int col)
{
	a->kvs = grow_array(mem, a->kvs, a->nkvs, sizeof(*a->kvs));
	a->kvs[a->nkvs++] = (struct attr_kv){key, value, col};
}

static void add_class(struct attrs *a, struct arena *mem, char *name)
{
	a->classes = grow_array(mem, a->classes, a->nclasses, sizeof(*a->classes));
	a->classes[a->nclasses++] = name;
}

/*
 * Parse a quoted value starting at s[0] (the quote). On success stores the
 * unescaped value in *out and returns the number of bytes consumed; returns
 * 0 when the closing quote is missing.
 */
static size_t parse_quoted(const char *s, size_t len, struct arena *mem, char **out)
{
	char quote = s[0], *v = NULL;
	size_t n = 0;

	for (size_t i = 1; i < len; i++) {
		if (s[i] == quote) {
			v = arena_alloc(mem, i);	/* the unescaped value is shorter */
			for (size_t k = 1; k < i; k++) {
				if (s[k] == '\\')
					k++;
				v[n++] = s[k];
			}
			v[n] = '\0';
			*out = v;
			return i + 1;
		}
		if (s[i] == '\\')
			i++;
	}
	return 0;
}

int attrs_parse(struct attrs *a, struct arena *mem, const char *text, size_t len,
		const char *file, int line, int col, struct diag *d)
{
	size_t i = 1;
	int errors = d->errors;

	memset(a, 0, sizeof(*a));
	if (len == 0 || text[0] != '{') {
		diag_error(d, file, line, col, "attribute block must start with '{'");
		return -1;
	}
	for (;;) {
		int here;
		size_t n;

		while (i < len && is_blank(text[i]))
			i++;
		here = col + (int)i;
		if (i >= len) {
			diag_error(d, file, line, here, "missing '}' at the end of the attribute block");
			break;
		}
		if (text[i] == '}') {
			size_t j = i + 1;

			while (j < len && is_blank(text[j]))
				j++;
			if (j < len)
				diag_error(d, file, line, col + (int)j,
					   "unexpected text after the attribute block");
			break;
		}
		if (text[i] == '.' || text[i] == '#') {
			char sigil = text[i];

			n = word_len(text + i + 1, len - i - 1);
			if (n == 0) {
				diag_error(d, file, line, here, "empty %s name after '%c'",
					   sigil == '.' ? "class" : "identifier", sigil);
				break;
			}
			if (sigil == '.') {
				add_class(a, mem, arena_strndup(mem, text + i + 1, n));
			} else if (a->id) {
				diag_error(d, file, line, here,
					   "a code block has one identifier; '#%s' is already given", a->id);
				break;
			} else {
				a->id = arena_strndup(mem, text + i + 1, n);
				a->id_col = here;
			}
			i += 1 + n;
			continue;
		}
		if (is_key_char(text[i])) {
			size_t k = i;
			char *key, *value;

			while (k < len && is_key_char(text[k]))
				k++;
			if (k >= len || text[k] != '=') {
				diag_error(d, file, line, here,
					   "expected '.class', '#id' or 'key=value', found '%.*s'",
					   (int)word_len(text + i, len - i), text + i);
				break;
			}
			key = arena_strndup(mem, text + i, k - i);
			if (attrs_get(a, key)) {
				diag_error(d, file, line, here, "attribute '%s' is given twice", key);
				break;
			}
			k++;
			if (k < len && (text[k] == '"' || text[k] == '\'')) {
				n = parse_quoted(text + k, len - k, mem, &value);
				if (n == 0) {
					diag_error(d, file, line, col + (int)k,
						   "unbalanced quote: the value of '%s' is never closed", key);
					break;
				}
			} else {
				n = word_len(text + k, len - k);
				value = arena_strndup(mem, text + k, n);
			}
			add_kv(a, mem, key, value, here);
			i = k + n;
			if (i < len && !is_blank(text[i]) && text[i] != '}') {
				diag_error(d, file, line, col + (int)i,
					   "expected a blank or '}' after the value of '%s'", key);
				break;
			}
			continue;
		}
		diag_error(d, file, line, here, "unexpected character '%c' in the attribute block",
			   text[i]);
		break;
	}
	return d->errors == errors ? 0 : -1;
}

const char *attrs_get(const struct attrs *a, const char *key)
{
	for (size_t i = 0; i < a->nkvs; i++)
		if (!strcmp(a->kvs[i].key, key))
			return a->kvs[i].value;
	return NULL;
}

int attrs_col(const struct attrs *a, const char *key)
{
	for (size_t i = 0; i < a->nkvs; i++)
		if (!strcmp(a->kvs[i].key, key))
			return a->kvs[i].col;
	return 0;
}

bool attrs_has_class(const struct attrs *a, const char *name)
{
	for (unsigned i = 0; i < a->nclasses; i++)
		if (!strcmp(a->classes[i], name))
			return true;
	return false;
}
