/*
 * tangle - extract the programs of the book.
 *
 *   tangle [--snippets DIR] [--gen DIR] CHAPTER.md...
 *   tangle --check [--snippets DIR] CHAPTER.md...
 *
 * Reads the chapters in book order, checks the whole web, and only when
 * there is no error writes snippets/ (and, with --gen, the line maps, run
 * specs and manifest). Files whose bytes do not change are not touched;
 * generated files that no chapter produces any more are removed. --check
 * writes nothing and exits 1 when snippets/ differs from a fresh tangle.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "book.h"
#include "diag.h"
#include "fsutil.h"
#include "tangle.h"

static void usage(void)
{
	fputs("usage: tangle [--check] [--snippets DIR] [--gen DIR] CHAPTER.md...\n", stderr);
	exit(2);
}

static bool produced(const struct outputs *o, const char *prefix, const char *path)
{
	size_t n = strlen(prefix);

	for (size_t i = 0; i < o->n; i++)
		if (!strncmp(o->v[i].path, prefix, n) && !strcmp(o->v[i].path + n, path))
			return true;
	return false;
}

/*
 * The writer of --check: compares each snippet with the file in snippets/
 * as it is expanded, and reports every difference.
 */
struct checker {
	struct snippet_writer w;	/* first: tangle_book calls us with it */
	const char *dir;
	char *path;			/* the file being compared */
	bool missing;
	struct file_update u;
	int drift;
};

static int check_begin(struct snippet_writer *w, const char *rel)
{
	struct checker *c = (struct checker *)w;

	c->path = xasprintf("%s/%s", c->dir, rel);
	c->missing = access(c->path, F_OK) < 0;
	return file_update_begin(&c->u, c->path, NULL);	/* compares only: cannot fail */
}

static int check_write(struct snippet_writer *w, const char *data, size_t len)
{
	return file_update_write(&((struct checker *)w)->u, data, len);
}

static int check_end(struct snippet_writer *w)
{
	struct checker *c = (struct checker *)w;

	if (c->missing) {
		printf("%s: missing (a chapter defines it)\n", c->path);
		c->drift++;
	} else if (file_update_end(&c->u) != 0) {
		printf("%s: differs from a fresh tangle of the book\n", c->path);
		c->drift++;
	}
	file_update_abort(&c->u);
	free(c->path);
	c->path = NULL;
	return 0;
}

/* Report the files of snippets/ that no chapter produces; 1 when any differed. */
static int check_snippets(const struct tangle_result *t, struct checker *c)
{
	struct strlist present = {0};

	if (list_files(c->dir, &present) < 0) {
		fprintf(stderr, "tangle: cannot list %s: %s\n", c->dir, strerror(errno));
		c->drift++;
	}
	for (size_t i = 0; i < present.len; i++) {
		if (produced(&t->snippets, "", present.items[i]))
			continue;
		printf("%s/%s: no chapter produces this file\n", c->dir, present.items[i]);
		c->drift++;
	}
	strlist_free(&present);
	if (c->drift)
		printf("tangle: %d file%s in %s differ from the book; run 'make' to re-tangle and commit the result\n",
		       c->drift, c->drift == 1 ? "" : "s", c->dir);
	return c->drift ? 1 : 0;
}

/*
 * Refuse to write through a symbolic link: it could lead outside the tree.
 * With @p whole the directory itself must not be a link either (snippets/);
 * the build's own directory may sit below links the user made.
 */
static int check_links(const struct strlist *paths, const char *dir, bool whole, struct diag *d)
{
	int errors = d->errors;
	char *link = whole ? find_symlink("", dir) : NULL;

	if (link) {
		diag_error(d, link, 0, 0, "is a symbolic link; tangle writes only inside a real %s/", dir);
		free(link);
		return -1;
	}
	for (size_t i = 0; i < paths->len; i++) {
		char *path = xasprintf("%s/%s", dir, paths->items[i]);

		link = find_symlink(dir, path);
		if (link) {
			diag_error(d, link, 0, 0,
				   "is a symbolic link; tangle will not write %s through it", path);
			free(link);
		}
		free(path);
	}
	return d->errors == errors ? 0 : -1;
}

/*
 * Writing is all or nothing. Every file whose bytes change is first staged as
 * a temporary beside it (a snippet while it is expanded); only when all are
 * staged are they renamed into place. A failed write (a full disk, a
 * read-only directory) discards the staged files and leaves every output as
 * it was; SIGINT or SIGTERM while staging does the same, and during the
 * renames each file is still either old or new.
 */
struct staged {
	char **tmp;
	char **path;
	volatile sig_atomic_t n;	/* slots the signal handler may look at */
	size_t cap;
};

static struct staged staging;

static void discard_staged(int sig)
{
	for (sig_atomic_t i = 0; i < staging.n; i++)
		unlink(staging.tmp[i]);		/* missing or renamed already: harmless */
	signal(sig, SIG_DFL);
	raise(sig);
}

static const int fatal_signals[] = {SIGINT, SIGTERM, SIGHUP};

/* Room for one more slot: the arrays move only while the handler cannot run. */
static void reserve_slot(void)
{
	sigset_t block, old;

	if ((size_t)staging.n < staging.cap)
		return;
	sigemptyset(&block);
	for (size_t i = 0; i < sizeof(fatal_signals) / sizeof(fatal_signals[0]); i++)
		sigaddset(&block, fatal_signals[i]);
	pthread_sigmask(SIG_BLOCK, &block, &old);
	staging.cap = staging.cap ? 2 * staging.cap : 64;
	staging.tmp = xrealloc(staging.tmp, staging.cap * sizeof(*staging.tmp));
	staging.path = xrealloc(staging.path, staging.cap * sizeof(*staging.path));
	pthread_sigmask(SIG_SETMASK, &old, NULL);
}

/*
 * The writer that stages what changed. A slot is filled before its temporary
 * can exist and only then counted, so the handler sees whole names only; a
 * file found unchanged gives its slot back.
 */
struct stager {
	struct snippet_writer w;	/* first: tangle_book calls us with it */
	const char *dir;		/* snippets/ or gen/ */
	struct file_update u;		/* the file being staged */
	int written;			/* files staged */
};

static int stage_failed(struct stager *s)
{
	fprintf(stderr, "%s: error: cannot write: %s; nothing written\n", s->u.path, strerror(errno));
	file_update_abort(&s->u);
	return -1;
}

static int stage_begin(struct snippet_writer *w, const char *rel)
{
	struct stager *s = (struct stager *)w;
	size_t slot;

	reserve_slot();
	slot = (size_t)staging.n;
	staging.path[slot] = xasprintf("%s/%s", s->dir, rel);
	staging.tmp[slot] = staged_name(staging.path[slot]);
	staging.n = (sig_atomic_t)(slot + 1);
	if (file_update_begin(&s->u, staging.path[slot], staging.tmp[slot]) < 0)
		return stage_failed(s);
	return 0;
}

static int stage_write(struct snippet_writer *w, const char *data, size_t len)
{
	struct stager *s = (struct stager *)w;

	return file_update_write(&s->u, data, len) < 0 ? stage_failed(s) : 0;
}

static int stage_end(struct snippet_writer *w)
{
	struct stager *s = (struct stager *)w;
	int rc = file_update_end(&s->u);
	size_t slot;

	if (rc < 0)
		return stage_failed(s);
	if (rc == 1) {
		s->written++;
		return 0;
	}
	slot = (size_t)staging.n - 1;	/* unchanged: nothing was staged */
	staging.n = (sig_atomic_t)slot;
	free(staging.tmp[slot]);
	free(staging.path[slot]);
	return 0;
}

static int stage_outputs(const struct outputs *o, struct stager *s)
{
	for (size_t i = 0; i < o->n; i++)
		if (stage_begin(&s->w, o->v[i].path) < 0 ||
		    stage_write(&s->w, o->v[i].data.data, o->v[i].data.len) < 0 ||
		    stage_end(&s->w) < 0)
			return -1;
	return 0;
}

static void forget_staged(bool unlink_them)
{
	size_t n = (size_t)staging.n;

	staging.n = 0;
	for (size_t i = 0; i < n; i++) {
		if (unlink_them)
			unlink(staging.tmp[i]);
		free(staging.tmp[i]);
		free(staging.path[i]);
	}
	free(staging.tmp);
	free(staging.path);
	staging.tmp = staging.path = NULL;
	staging.cap = 0;
}

static void output_paths(const struct outputs *o, struct strlist *paths)
{
	for (size_t i = 0; i < o->n; i++)
		strlist_add(paths, o->v[i].path);
}

/*
 * Tangle @p b into @p t, staging the snippets as they are expanded and then
 * the files of gen/, and put what changed in place: all of it or nothing.
 * Returns the number of files written, or -1.
 */
static int tangle_and_write(const struct book *b, struct tangle_result *t, const char *snippets,
			    const char *gen, struct diag *d)
{
	struct stager snip = {{stage_begin, stage_write, stage_end}, snippets, {0}, 0};
	struct stager more = {{stage_begin, stage_write, stage_end}, gen, {0}, 0};
	struct strlist gen_paths = {0};
	struct sigaction sa;
	int links;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = discard_staged;
	for (size_t i = 0; i < sizeof(fatal_signals) / sizeof(fatal_signals[0]); i++)
		sigaction(fatal_signals[i], &sa, NULL);
	if (tangle_book(b, &snip.w, t) < 0) {
		forget_staged(true);
		return -1;
	}
	if (gen) {
		output_paths(&t->gen, &gen_paths);
		links = check_links(&gen_paths, gen, false, d);
		strlist_free(&gen_paths);
		if (links < 0) {
			fprintf(stderr, "tangle: %d error%s; nothing written\n", d->errors,
				d->errors == 1 ? "" : "s");
			forget_staged(true);
			return -1;
		}
		if (stage_outputs(&t->gen, &more) < 0) {
			forget_staged(true);
			return -1;
		}
	}
	/* Everything staged reaches the disk before any of it replaces a file. */
	if (staging.n && (sync_dir_fs(snippets) < 0 || (gen && sync_dir_fs(gen) < 0))) {
		fprintf(stderr, "tangle: error: cannot flush the staged files: %s; nothing written\n",
			strerror(errno));
		forget_staged(true);
		return -1;
	}
	for (size_t i = 0; i < (size_t)staging.n; i++) {
		if (commit_staged(staging.tmp[i], staging.path[i]) < 0) {
			fprintf(stderr, "%s: error: cannot rename into place: %s\n", staging.path[i],
				strerror(errno));
			forget_staged(true);
			return -1;
		}
	}
	forget_staged(false);
	return snip.written + more.written;
}

/* Temporaries left by a tangle that was killed outright (SIGKILL). */
static void remove_leftover_temporaries(const char *dir)
{
	struct strlist files = {0};

	list_files(dir, &files);
	for (size_t i = 0; i < files.len; i++) {
		if (is_staged_name(files.items[i])) {
			char *path = xasprintf("%s/%s", dir, files.items[i]);

			unlink(path);
			free(path);
		}
	}
	strlist_free(&files);
}

/*
 * Remove files under dir/sub that the tangle no longer produces. In
 * snippets/ only files carrying the generated header are ours to remove.
 */
static void remove_stale(const struct outputs *o, const char *dir, const char *sub,
			 bool need_header, int *removed)
{
	struct strlist present = {0};
	char *top = *sub ? xasprintf("%s/%s", dir, sub) : xstrdup(dir);
	char *prefix = *sub ? xasprintf("%s/", sub) : xstrdup("");

	list_files(top, &present);
	for (size_t i = 0; i < present.len; i++) {
		char *path;
		struct buf text = {0};

		if (produced(o, prefix, present.items[i]))
			continue;
		path = xasprintf("%s/%s", top, present.items[i]);
		if (need_header && (read_file(path, &text) < 0 ||
				    !has_snippet_header(text.data ? text.data : "", text.len))) {
			fprintf(stderr, "%s: warning: no chapter produces this file; remove it by hand\n", path);
		} else if (unlink(path) == 0) {
			fprintf(stderr, "tangle: removed %s (no chapter produces it any more)\n", path);
			(*removed)++;
		}
		buf_free(&text);
		free(path);
	}
	strlist_free(&present);
	free(top);
	free(prefix);
}

int main(int argc, char **argv)
{
	const char *snippets = "snippets", *gen = NULL;
	bool check = false;
	struct diag d;
	struct book b;
	struct tangle_result t;
	struct strlist snippet_paths = {0};
	int i, rc = 0, written = 0, removed = 0;

	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "--check"))
			check = true;
		else if (!strcmp(argv[i], "--snippets") && i + 1 < argc)
			snippets = argv[++i];
		else if (!strcmp(argv[i], "--gen") && i + 1 < argc)
			gen = argv[++i];
		else
			usage();
	}
	if (i == argc)
		usage();
	diag_init(&d, stderr);
	if (book_load(&b, argv + i, (size_t)(argc - i), BOOK_WHOLE, &d) < 0) {
		fprintf(stderr, "tangle: %d error%s; nothing written\n", d.errors, d.errors == 1 ? "" : "s");
		book_free(&b);
		return 1;
	}
	memset(&t, 0, sizeof(t));
	for (size_t k = 0; k < b.nroots; k++)
		strlist_add(&snippet_paths, b.roots[k].path);
	if (check) {
		struct checker c = {{check_begin, check_write, check_end}, snippets, NULL, false, {0}, 0};

		tangle_book(&b, &c.w, &t);	/* the checker never stops it */
		rc = check_snippets(&t, &c);
	} else if (check_links(&snippet_paths, snippets, true, &d) < 0) {
		fprintf(stderr, "tangle: %d error%s; nothing written\n", d.errors, d.errors == 1 ? "" : "s");
		rc = 1;
	} else {
		remove_leftover_temporaries(snippets);
		if (gen)
			remove_leftover_temporaries(gen);
		written = tangle_and_write(&b, &t, snippets, gen, &d);
	}
	strlist_free(&snippet_paths);
	if (written < 0) {
		rc = 1;
	} else if (!check && rc == 0) {
		remove_stale(&t.snippets, snippets, "", true, &removed);
		if (gen) {
			remove_stale(&t.gen, gen, "maps", false, &removed);
			remove_stale(&t.gen, gen, "runs", false, &removed);
			remove_stale(&t.gen, gen, "plots", false, &removed);
		}
		if (written)
			fprintf(stderr, "tangle: %zu chapter%s, %zu file%s: %d written, %zu unchanged\n",
				b.nchapters, b.nchapters == 1 ? "" : "s",
				t.snippets.n + t.gen.n, t.snippets.n + t.gen.n == 1 ? "" : "s",
				written, t.snippets.n + t.gen.n - (size_t)written);
	}
	tangle_result_free(&t);
	book_free(&b);
	return rc;
}
