/* json.c - see json.h. */
#include "json.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

void json_string(struct buf *b, const char *s)
{
	buf_putc(b, '"');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			buf_printf(b, "\\%c", c);
		else if (c == '\n')
			buf_puts(b, "\\n");
		else if (c == '\t')
			buf_puts(b, "\\t");
		else if (c < 0x20)
			buf_printf(b, "\\u%04x", c);
		else
			buf_putc(b, (char)c);
	}
	buf_putc(b, '"');
}

static const char *skip_ws(const char *p)
{
	while (isspace((unsigned char)*p))
		p++;
	return p;
}

/* Parse a string literal at p (the quote); returns the end or NULL. */
static const char *parse_string(const char *p, char **out)
{
	struct buf b = {0};

	for (p++; *p && *p != '"'; p++) {
		if (*p != '\\') {
			buf_putc(&b, *p);
			continue;
		}
		p++;
		switch (*p) {
		case 'n': buf_putc(&b, '\n'); break;
		case 't': buf_putc(&b, '\t'); break;
		case 'r': buf_putc(&b, '\r'); break;
		case 'b': buf_putc(&b, '\b'); break;
		case 'f': buf_putc(&b, '\f'); break;
		case 'u': {
			unsigned v = 0;

			for (int i = 1; i <= 4; i++) {
				if (!isxdigit((unsigned char)p[i])) {
					buf_free(&b);
					return NULL;
				}
				v = v * 16 + (unsigned)(isdigit((unsigned char)p[i]) ? p[i] - '0'
								: (tolower((unsigned char)p[i]) - 'a' + 10));
			}
			/* Only the control characters json_string() escapes are expected. */
			buf_putc(&b, v < 0x80 ? (char)v : '?');
			p += 4;
			break;
		}
		case '\0':
			buf_free(&b);
			return NULL;
		default:
			buf_putc(&b, *p);
		}
	}
	if (*p != '"') {
		buf_free(&b);
		return NULL;
	}
	*out = buf_detach(&b);
	return p + 1;
}

/*
 * The members of the object at p (its '{'), each key prefixed with @p outer
 * and a '.' when it is not NULL: one level of nesting is read flat
 * ("inputs": {"a": "x"} gives the key "inputs.a"). Returns the end of the
 * object, or NULL when it is not one.
 */
static const char *parse_members(struct json_flat *j, const char *p, const char *outer)
{
	if (*p++ != '{')
		return NULL;
	p = skip_ws(p);
	if (*p == '}')
		return p + 1;
	for (;;) {
		char *key, *value = NULL;

		p = skip_ws(p);
		if (*p != '"' || !(p = parse_string(p, &key)))
			return NULL;
		if (outer) {
			char *full = xasprintf("%s.%s", outer, key);

			free(key);
			key = full;
		}
		p = skip_ws(p);
		if (*p++ != ':') {
			free(key);
			return NULL;
		}
		p = skip_ws(p);
		if (*p == '{' && !outer) {
			p = parse_members(j, p, key);
			free(key);
			if (!p)
				return NULL;
		} else {
			if (*p == '"') {
				p = parse_string(p, &value);
			} else {
				size_t n = strcspn(p, ",} \t\r\n");

				if (n == 0)
					p = NULL;
				else if (!(n == 4 && !strncmp(p, "null", 4)))
					value = xstrndup(p, n);
				if (p)
					p += n;
			}
			if (!p) {
				free(key);
				return NULL;
			}
			strlist_take(&j->keys, key);
			strlist_take(&j->values, value);
		}
		p = skip_ws(p);
		if (*p == ',') {
			p++;
			continue;
		}
		return *p == '}' ? p + 1 : NULL;
	}
}

int json_flat_parse(struct json_flat *j, const char *text)
{
	const char *p;

	memset(j, 0, sizeof(*j));
	p = parse_members(j, skip_ws(text), NULL);
	if (p && !*skip_ws(p))
		return 0;
	json_flat_free(j);
	return -1;
}

const char *json_flat_get(const struct json_flat *j, const char *key)
{
	for (size_t i = 0; i < j->keys.len; i++)
		if (!strcmp(j->keys.items[i], key))
			return j->values.items[i];
	return NULL;
}

void json_flat_free(struct json_flat *j)
{
	strlist_free(&j->keys);
	strlist_free(&j->values);
}
