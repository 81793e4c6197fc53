/* specfile.c - see specfile.h. */
#include "specfile.h"

#include "attr.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void block_spec_text(const struct block *blk, struct buf *out)
{
	buf_puts(out, "{");
	for (size_t i = 0; i < blk->attrs->nclasses; i++)
		buf_printf(out, "%s.%s", i ? " " : "", blk->attrs->classes[i]);
	for (size_t i = 0; i < blk->attrs->nkvs; i++) {
		buf_printf(out, " %s=\"", blk->attrs->kvs[i].key);
		for (const char *v = blk->attrs->kvs[i].value; *v; v++) {
			if (*v == '"' || *v == '\\')
				buf_putc(out, '\\');
			buf_putc(out, *v);
		}
		buf_putc(out, '"');
	}
	buf_puts(out, "}\n");
	for (size_t i = 0; i < blk->nlines; i++) {
		buf_add(out, blk->lines[i].text, blk->lines[i].len);
		buf_putc(out, '\n');
	}
}

void run_file_write(const struct run_file *f, struct buf *out)
{
	for (size_t i = 0; i < f->nprograms; i++) {
		buf_printf(out, "program %s", f->programs[i].name);
		for (size_t k = 0; k < f->programs[i].sources.len; k++)
			buf_printf(out, " %s", f->programs[i].sources.items[k]);
		buf_putc(out, '\n');
	}
	for (size_t i = 0; i < f->files.len; i++)
		buf_printf(out, "file %s\n", f->files.items[i]);
	buf_puts(out, "block\n");
	buf_add(out, f->block.data ? f->block.data : "", f->block.len);
}

int run_file_parse(const char *text, size_t len, struct run_file *f)
{
	const char *p = text, *end = text + len;

	memset(f, 0, sizeof(*f));
	if (len && *text == '{') {
		buf_add(&f->block, text, len);	/* a block alone: a run file written by hand */
		return 0;
	}
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *eol = nl ? nl : end;
		size_t n = (size_t)(eol - p);

		if (n == 5 && !memcmp(p, "block", 5)) {
			p = nl ? nl + 1 : end;
			buf_add(&f->block, p, (size_t)(end - p));
			return 0;
		}
		if (n > 8 && !memcmp(p, "program ", 8)) {
			struct strlist words = {0};
			struct spec_program *sp;

			strlist_split(&words, p + 8, eol);
			if (!words.len) {
				strlist_free(&words);
				break;
			}
			f->programs = xrealloc(f->programs, (f->nprograms + 1) * sizeof(*f->programs));
			sp = &f->programs[f->nprograms++];
			sp->name = words.items[0];
			memset(&sp->sources, 0, sizeof(sp->sources));
			for (size_t i = 1; i < words.len; i++)
				strlist_take(&sp->sources, words.items[i]);
			free(words.items);
		} else if (n > 5 && !memcmp(p, "file ", 5)) {
			strlist_take(&f->files, xstrndup(p + 5, n - 5));
		} else {
			break;
		}
		p = nl ? nl + 1 : end;
	}
	run_file_free(f);
	return -1;
}

/* Read @p path whole; -1 with errno set. */
static int slurp(const char *path, struct buf *text)
{
	memset(text, 0, sizeof(*text));
	return read_file(path, text);
}

int run_file_load(const char *path, struct run_file *f)
{
	struct buf text;
	int rc;

	memset(f, 0, sizeof(*f));
	if (slurp(path, &text) < 0)
		return -1;
	rc = run_file_parse(text.data ? text.data : "", text.len, f);
	buf_free(&text);
	if (rc < 0)
		errno = EINVAL;
	return rc;
}

int run_file_spec(const struct run_file *f, const char *chapter, int fence_line, struct runspec *r,
		  struct diag *d)
{
	const struct buf *block = &f->block;
	struct attrs a;
	struct arena mem = {0};
	struct line *lines = NULL;
	const char *text = block->data ? block->data : "";
	const char *nl = memchr(text, '\n', block->len);
	size_t n = 0, start;
	int rc;

	if (!nl) {
		diag_error(d, chapter, fence_line, 0, "the run's block has no attribute line");
		return -1;
	}
	if (attrs_parse(&a, &mem, text, (size_t)(nl - text), chapter, fence_line, 1, d) < 0) {
		arena_free(&mem);
		return -1;
	}
	start = (size_t)(nl - text) + 1;
	while (start < block->len) {
		const char *e = memchr(text + start, '\n', block->len - start);
		size_t end = e ? (size_t)(e - text) : block->len;

		lines = xrealloc(lines, (n + 1) * sizeof(*lines));
		lines[n] = (struct line){.text = text + start, .len = end - start,
					 .lineno = fence_line + 1 + (int)n};
		n++;
		start = end + 1;
	}
	rc = runspec_parse(r, &a, lines, n, chapter, fence_line, d);
	free(lines);
	arena_free(&mem);
	return rc;
}

void run_file_free(struct run_file *f)
{
	for (size_t i = 0; i < f->nprograms; i++) {
		free(f->programs[i].name);
		strlist_free(&f->programs[i].sources);
	}
	free(f->programs);
	strlist_free(&f->files);
	buf_free(&f->block);
	memset(f, 0, sizeof(*f));
}

void location_write(const char *chapter, int line, struct buf *out)
{
	buf_printf(out, "%s %d\n", chapter, line);
}

/* The text of the location file beside @p spec, or -1. */
static int load_location_text(const char *spec, struct buf *text)
{
	const char *dot = strrchr(spec, '.');
	size_t stem = dot && !strchr(dot, '/') ? (size_t)(dot - spec) : strlen(spec);
	char *path = xasprintf("%.*s.loc", (int)stem, spec);
	int rc = slurp(path, text);

	free(path);
	return rc;
}

int location_load(const char *spec, char **chapter, int *line)
{
	struct buf text;
	char *sp, *nl;
	int rc = -1;

	if (load_location_text(spec, &text) == 0 && text.data) {
		if ((nl = strchr(text.data, '\n')))
			*nl = '\0';
		if ((sp = strrchr(text.data, ' ')) && sp > text.data) {
			*chapter = xstrndup(text.data, (size_t)(sp - text.data));
			*line = atoi(sp + 1);
			rc = 0;
		}
	}
	buf_free(&text);
	return rc;
}

void location_write_quote(const struct quote_site *q, struct buf *out)
{
	buf_printf(out, "quote %s %s %d %d\n", q->name, q->chapter, q->line, q->col);
}

int location_load_quotes(const char *spec, struct quote_site **sites, size_t *n)
{
	struct buf text;
	char *line, *next;
	int rc = 0;

	*sites = NULL;
	*n = 0;
	if (load_location_text(spec, &text) < 0)
		return -1;
	for (line = text.data; line && *line; line = next) {
		char name[128], chapter[1024];
		int lineno, col, end = 0;

		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		if (!starts_with(line, "quote "))
			continue;
		if (sscanf(line, "quote %127s %1023s %d %d%n", name, chapter, &lineno, &col, &end) != 4 ||
		    line[end]) {
			rc = -1;
			break;
		}
		*sites = xrealloc(*sites, (*n + 1) * sizeof(**sites));
		(*sites)[(*n)++] = (struct quote_site){xstrdup(name), xstrdup(chapter), lineno, col};
	}
	buf_free(&text);
	if (rc < 0) {
		quote_sites_free(*sites, *n);
		*sites = NULL;
		*n = 0;
	}
	return rc;
}

void quote_sites_free(struct quote_site *sites, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(sites[i].name);
		free(sites[i].chapter);
	}
	free(sites);
}

void plot_file_write(const char *run, const char *data, const struct block *blk, struct buf *out)
{
	buf_printf(out, "run %s\ndata %s\n", run, data);
	for (size_t i = 0; i < blk->nlines; i++) {
		buf_add(out, blk->lines[i].text, blk->lines[i].len);
		buf_putc(out, '\n');
	}
}

int plot_file_load(const char *path, struct plot_file *p)
{
	struct buf text;
	char *nl1, *nl2;

	memset(p, 0, sizeof(*p));
	if (slurp(path, &text) < 0)
		return -1;
	if (!text.data || !starts_with(text.data, "run ") || !(nl1 = strchr(text.data, '\n')) ||
	    !starts_with(nl1 + 1, "data ") || !(nl2 = strchr(nl1 + 1, '\n'))) {
		buf_free(&text);
		errno = EINVAL;
		return -1;
	}
	p->run = xstrndup(text.data + 4, (size_t)(nl1 - text.data - 4));
	p->data = xstrndup(nl1 + 6, (size_t)(nl2 - nl1 - 6));
	buf_puts(&p->script, nl2 + 1);
	buf_free(&text);
	return 0;
}

void plot_file_free(struct plot_file *p)
{
	free(p->run);
	free(p->data);
	buf_free(&p->script);
	memset(p, 0, sizeof(*p));
}
