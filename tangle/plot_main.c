/*
 * plot - draw a chapter's figure from a run's captured output.
 *
 *   plot --spec gen/plots/ID.plot --captures DIR --out FIGURE.svg
 *
 * Reads the spec that tangle wrote (the run's id, the regex that picks the
 * data rows, the gnuplot script), writes the matching rows of DIR/RUN.txt to
 * FIGURE.dat, and runs gnuplot on the script with a prelude that sets the SVG
 * terminal and defines DATA (the rows) and OUTPUT (the whole capture). The
 * SVG names the run and its record's digest in a <desc>, so the provenance
 * test can tell that a figure is of the current output. It appears
 * atomically, and only when gnuplot succeeded and at least one row matched;
 * errors are reported at the plot's chapter line.
 */
#include <errno.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fsutil.h"
#include "runrecord.h"
#include "runspec.h"
#include "specfile.h"
#include "util.h"

static void usage(void)
{
	fputs("usage: plot --spec FILE.plot --captures DIR --out FIGURE.svg\n", stderr);
	exit(2);
}

/* "book/01-x.md:120" from ID.loc, for messages; the spec itself without one. */
static char *location(const char *spec)
{
	char *chapter;
	int line;

	if (location_load(spec, &chapter, &line) < 0)
		return xstrdup(spec);
	{
		char *where = xasprintf("%s:%d", chapter, line);

		free(chapter);
		return where;
	}
}

/* The value of attribute @p name (quoted with ' or ") in @p el, or NULL. */
static char *attr_value(const char *el, const char *name)
{
	char *key = xasprintf(" %s=", name);
	const char *p = strstr(el, key), *end;
	char quote;

	free(key);
	if (!p)
		return NULL;
	p += strlen(name) + 2;
	quote = *p++;
	if ((quote != '\'' && quote != '"') || !(end = strchr(p, quote)))
		return NULL;
	return xstrndup(p, (size_t)(end - p));
}

/* @p text with every "currentColor" replaced by @p color. */
static void put_recoloured(struct buf *out, const char *text, const char *color)
{
	const char *p = text, *hit;

	while ((hit = strstr(p, "currentColor"))) {
		buf_add(out, p, (size_t)(hit - p));
		buf_puts(out, color);
		p = hit + strlen("currentColor");
	}
	buf_puts(out, p);
}

/* A marker definition of gnuplot's: its id and its one-line element. */
struct markers {
	struct strlist ids;
	struct strlist elements;
};

/* The element of marker @p id with its id removed, <use> chains resolved. */
static void resolve_marker(const struct markers *m, const char *id, int depth, struct buf *out)
{
	size_t k;
	const char *el, *idat;
	char *href;

	for (k = 0; k < m->ids.len && strcmp(m->ids.items[k], id); k++)
		;
	if (k == m->ids.len || depth > 8)
		return;
	el = m->elements.items[k];
	href = strncmp(el, "<use ", 5) ? NULL : attr_value(el, "xlink:href");
	idat = strstr(el, " id=");
	if (href && href[0] == '#') {
		/* <use href=#X id=.. fill=..>: a group carrying the extra attributes. */
		const char *attrs = idat ? strchr(idat + 5, idat[4]) + 1 : el + 4;
		size_t n = strlen(attrs);

		while (n && (attrs[n - 1] == '>' || attrs[n - 1] == '/'))
			n--;
		buf_printf(out, "<g%.*s>", (int)n, attrs);
		resolve_marker(m, href + 1, depth + 1, out);
		buf_puts(out, "</g>");
	} else if (idat) {
		const char *after = strchr(idat + 5, idat[4]) + 1;

		buf_add(out, el, (size_t)(idat - el));
		buf_puts(out, after);
	}
	free(href);
}

/*
 * WeasyPrint 57 cannot draw an SVG <use> whose target is coloured through
 * "currentColor" (the whole document fails), and gnuplot draws every point
 * marker that way. Replace each use of a marker by a group holding a copy of
 * the marker with its colour resolved, and drop the definitions. Markers are
 * the elements of <defs> with ids gpPt0.. and gpDot; elements may share a
 * line, so the text is walked element by element.
 */
static void inline_point_markers(const char *svg, struct buf *out)
{
	struct markers m = {{0}, {0}};
	const char *defs = strstr(svg, "<defs>"), *defs_end = defs ? strstr(defs, "</defs>") : NULL;
	const char *p;

	for (p = defs; p && p < defs_end && (p = strchr(p + 1, '<')) && p < defs_end;) {
		const char *end = strchr(p, '>');
		char *el, *id;

		if (!end)
			break;
		el = xstrndup(p, (size_t)(end - p + 1));
		id = attr_value(el, "id");
		if (id && !strncmp(id, "gp", 2)) {
			strlist_take(&m.ids, id);
			strlist_take(&m.elements, el);
		} else {
			free(id);
			free(el);
		}
	}
	for (p = svg; *p;) {
		const char *lt = strchr(p, '<'), *end;
		char *el, *href, *color;

		if (!lt) {
			buf_puts(out, p);
			break;
		}
		buf_add(out, p, (size_t)(lt - p));
		end = strchr(lt, '>');
		if (!end) {
			buf_puts(out, lt);
			break;
		}
		el = xstrndup(lt, (size_t)(end - lt + 1));
		href = !strncmp(el, "<use ", 5) ? attr_value(el, "xlink:href") : NULL;
		color = href ? attr_value(el, "color") : NULL;
		if (defs && lt > defs && lt < defs_end) {
			char *id = attr_value(el, "id");

			if (!id || strncmp(id, "gp", 2))
				buf_puts(out, el);	/* a definition that is not a marker */
			free(id);
		} else if (href && color && href[0] == '#' && strlist_has(&m.ids, href + 1)) {
			char *transform = attr_value(el, "transform");
			struct buf marker = {0};

			resolve_marker(&m, href + 1, 0, &marker);
			buf_printf(out, "<g transform='%s'>", transform ? transform : "");
			put_recoloured(out, marker.data ? marker.data : "", color);
			buf_puts(out, "</g>");
			buf_free(&marker);
			free(transform);
		} else {
			buf_puts(out, el);
		}
		free(href);
		free(color);
		free(el);
		p = end + 1;
	}
	strlist_free(&m.ids);
	strlist_free(&m.elements);
}

/*
 * Say in the figure which output it was drawn from: a <desc> after the
 * opening <svg> element holding the run and its record's digest, which the
 * provenance test compares with the run's current record.
 */
static void mark_provenance(struct buf *svg, const char *run, const char *digest)
{
	const char *open = svg->data ? strstr(svg->data, "<svg") : NULL;
	const char *end = open ? strchr(open, '>') : NULL;
	struct buf out = {0};

	if (!end)
		return;
	buf_add(&out, svg->data, (size_t)(end - svg->data) + 1);
	buf_printf(&out, "\n<desc>Drawn from the output of run %s, digest %s</desc>", run, digest);
	buf_puts(&out, end + 1);
	buf_free(svg);
	*svg = out;
}

int main(int argc, char **argv)
{
	const char *spec = NULL, *captures = NULL, *out = NULL;
	struct buf capture = {0}, rows = {0}, script = {0};
	char *where, *run, *data, *body, *capture_path, *dat, *gp, *tmp, *why;
	struct plot_file pf;
	struct run_record rec;
	regex_t rx;
	int status, nrows = 0;
	pid_t pid;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--spec") && i + 1 < argc)
			spec = argv[++i];
		else if (!strcmp(argv[i], "--captures") && i + 1 < argc)
			captures = argv[++i];
		else if (!strcmp(argv[i], "--out") && i + 1 < argc)
			out = argv[++i];
		else
			usage();
	}
	if (!spec || !captures || !out || !ends_with(spec, ".plot") || !ends_with(out, ".svg"))
		usage();
	where = location(spec);
	if (plot_file_load(spec, &pf) < 0) {
		fprintf(stderr, "%s: error: cannot read the plot spec %s: %s; re-run tangle\n", where, spec,
			strerror(errno));
		return 1;
	}
	run = pf.run;
	data = pf.data;
	body = pf.script.data ? pf.script.data : "";
	if (run_record_load(captures, run, &rec, &capture, &why) < 0) {
		fprintf(stderr, "%s: error: no output of run %s to plot: %s\n", where, run, why);
		return 1;
	}
	capture_path = xasprintf("%s/%s.txt", captures, run);
	/* data= matches characters, as the expectations of runs do (runspec.h). */
	if (regex_compile(&rx, data, REG_NOSUB) != 0) {
		fprintf(stderr, "%s: error: bad regular expression in data=%s%s\n", where,
			regex_locale_problem() ? ": " : "",
			regex_locale_problem() ? regex_locale_problem() : "");
		return 1;
	}
	for (char *line = capture.data; line && *line;) {
		char *nl = strchr(line, '\n');

		if (nl)
			*nl = '\0';
		if (regex_matches(&rx, line)) {
			buf_printf(&rows, "%s\n", line);
			nrows++;
		}
		line = nl ? nl + 1 : NULL;
	}
	regfree(&rx);
	if (nrows == 0) {
		fprintf(stderr, "%s: error: no line of the output of %s matches data=\"%s\"\n", where, run, data);
		return 1;
	}
	dat = xasprintf("%.*s.dat", (int)(strlen(out) - 4), out);
	gp = xasprintf("%.*s.gp", (int)(strlen(out) - 4), out);
	tmp = xasprintf("%s.tmp.%ld", out, (long)getpid());
	/* Reload the capture: rows were cut out of it in place above. */
	buf_free(&capture);
	buf_printf(&script,
		   "# Drawn from the output of %s; %s\n"
		   "set terminal svg size 720,420 dynamic enhanced font \"DejaVu Sans,12\" background rgb \"white\"\n"
		   "set output \"%s\"\n"
		   "DATA = \"%s\"\n"
		   "OUTPUT = \"%s\"\n"
		   "set grid\n"
		   "set key top left\n"
		   "%s",
		   run, where, tmp, dat, capture_path, body);
	if (write_atomic(dat, rows.data, rows.len) < 0 || write_atomic(gp, script.data, script.len) < 0) {
		fprintf(stderr, "%s: error: cannot write %s: %s\n", where, dat, strerror(errno));
		return 1;
	}
	pid = fork();
	if (pid == 0) {
		execlp("gnuplot", "gnuplot", gp, (char *)NULL);
		fprintf(stderr, "plot: cannot run gnuplot: %s\n", strerror(errno));
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status)) {
		fprintf(stderr, "%s: error: gnuplot failed on the plot's script (%s, whose first 7 lines are the prelude)\n",
			where, gp);
		unlink(tmp);
		return 1;
	}
	{
		struct buf svg = {0}, fixed = {0};

		if (read_file(tmp, &svg) < 0 || !svg.data) {
			fprintf(stderr, "%s: error: gnuplot wrote no figure\n", where);
			unlink(tmp);
			return 1;
		}
		inline_point_markers(svg.data, &fixed);
		mark_provenance(&fixed, run, rec.digest);
		if (write_atomic(tmp, fixed.data, fixed.len) < 0) {
			fprintf(stderr, "%s: error: cannot write %s: %s\n", where, tmp, strerror(errno));
			unlink(tmp);
			return 1;
		}
		buf_free(&svg);
		buf_free(&fixed);
	}
	if (rename(tmp, out) < 0) {
		fprintf(stderr, "%s: error: cannot write %s: %s\n", where, out, strerror(errno));
		unlink(tmp);
		return 1;
	}
	free(where);
	free(capture_path);
	free(dat);
	free(gp);
	free(tmp);
	plot_file_free(&pf);
	run_record_free(&rec);
	buf_free(&rows);
	buf_free(&script);
	return 0;
}
