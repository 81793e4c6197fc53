/* helpers.c - see helpers.h. */
#include "helpers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fsutil.h"
#include "runner.h"
#include "util.h"

void captured_open(struct captured *c)
{
	c->buf = NULL;
	c->len = 0;
	diag_init(&c->d, open_memstream(&c->buf, &c->len));
}

const char *captured_text(struct captured *c)
{
	fflush(c->d.stream);
	return c->buf ? c->buf : "";
}

void captured_close(struct captured *c)
{
	fclose(c->d.stream);
	free(c->buf);
}

void write_file_text(const char *path, const char *text)
{
	if (write_atomic(path, text, strlen(text)) < 0) {
		perror(path);
		exit(2);
	}
}

char *write_chapter(const char *name, const char *text)
{
	char *path = xasprintf("%s/book/%s", test_tmpdir(), name);

	if (write_atomic(path, text, strlen(text)) < 0) {
		perror(path);
		exit(2);
	}
	return path;
}

int load_book(struct book *b, struct captured *c, const char *name1, const char *text1,
	      const char *name2, const char *text2)
{
	char *paths[2];
	size_t n = 1;
	int rc;

	paths[0] = write_chapter(name1, text1);
	if (name2) {
		paths[1] = write_chapter(name2, text2);
		n = 2;
	}
	rc = book_load(b, paths, n, BOOK_WHOLE, &c->d);
	for (size_t i = 0; i < n; i++)
		free(paths[i]);
	return rc;
}

bool contains(const char *haystack, const char *needle)
{
	return haystack && strstr(haystack, needle) != NULL;
}
