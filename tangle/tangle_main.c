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

/* Compare snippets/ with a fresh tangle; report every difference. */
static int check_snippets(const struct tangle_result *t, const char *dir)
{
	struct strlist present = {0};
	int drift = 0;

	for (size_t i = 0; i < t->snippets.n; i++) {
		char *path = xasprintf("%s/%s", dir, t->snippets.v[i].path);

		if (access(path, F_OK) < 0) {
			printf("%s: missing (a chapter defines it)\n", path);
			drift++;
		} else if (!file_equals(path, t->snippets.v[i].data.data, t->snippets.v[i].data.len)) {
			printf("%s: differs from a fresh tangle of the book\n", path);
			drift++;
		}
		free(path);
	}
	if (list_files(dir, &present) < 0) {
		fprintf(stderr, "tangle: cannot list %s: %s\n", dir, strerror(errno));
		drift++;
	}
	for (size_t i = 0; i < present.len; i++) {
		if (produced(&t->snippets, "", present.items[i]))
			continue;
		printf("%s/%s: no chapter produces this file\n", dir, present.items[i]);
		drift++;
	}
	strlist_free(&present);
	if (drift)
		printf("tangle: %d file%s in %s differ from the book; run 'make' to re-tangle and commit the result\n",
		       drift, drift == 1 ? "" : "s", dir);
	return drift ? 1 : 0;
}

/*
 * Refuse to write through a symbolic link: it could lead outside the tree.
 * With @p whole the directory itself must not be a link either (snippets/);
 * the build's own directory may sit below links the user made.
 */
static int check_links(const struct outputs *o, const char *dir, bool whole, struct diag *d)
{
	int errors = d->errors;
	char *link = whole ? find_symlink("", dir) : NULL;

	if (link) {
		diag_error(d, link, 0, 0, "is a symbolic link; tangle writes only inside a real %s/", dir);
		free(link);
		return -1;
	}
	for (size_t i = 0; i < o->n; i++) {
		char *path = xasprintf("%s/%s", dir, o->v[i].path);

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
 * a temporary beside it; only when all are staged are they renamed into
 * place. A failed write (a full disk, a read-only directory) discards the
 * staged files and leaves every output as it was; SIGINT or SIGTERM while
 * staging does the same, and during the renames each file is still either
 * old or new.
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

/*
 * A slot is filled before its temporary is created and only then counted,
 * and the arrays never move while signals may come: the handler sees whole
 * names only.
 */
static int stage_outputs(const struct outputs *o, const char *dir)
{
	for (size_t i = 0; i < o->n; i++) {
		char *path = xasprintf("%s/%s", dir, o->v[i].path);
		const char *data = o->v[i].data.data ? o->v[i].data.data : "";
		size_t slot = (size_t)staging.n;

		if (file_equals(path, data, o->v[i].data.len)) {
			free(path);
			continue;
		}
		staging.path[slot] = path;
		staging.tmp[slot] = staged_name(path);
		staging.n = (sig_atomic_t)(slot + 1);
		if (stage_file_as(path, staging.tmp[slot], data, o->v[i].data.len) < 0) {
			fprintf(stderr, "%s: error: cannot write: %s; nothing written\n", path, strerror(errno));
			return -1;
		}
	}
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

/* Write what changed in both areas, or nothing; returns files written or -1. */
static int write_all_or_nothing(const struct tangle_result *t, const char *snippets, const char *gen)
{
	struct sigaction sa;
	int written;

	staging.cap = t->snippets.n + t->gen.n + 1;
	staging.tmp = xcalloc(staging.cap, sizeof(*staging.tmp));
	staging.path = xcalloc(staging.cap, sizeof(*staging.path));
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = discard_staged;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	if (stage_outputs(&t->snippets, snippets) < 0 || (gen && stage_outputs(&t->gen, gen) < 0)) {
		forget_staged(true);
		return -1;
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
	written = (int)staging.n;
	forget_staged(false);
	return written;
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
	tangle_book(&b, &t);
	if (check) {
		rc = check_snippets(&t, snippets);
	} else if (check_links(&t.snippets, snippets, true, &d) < 0 ||
		   (gen && check_links(&t.gen, gen, false, &d) < 0)) {
		fprintf(stderr, "tangle: %d error%s; nothing written\n", d.errors, d.errors == 1 ? "" : "s");
		rc = 1;
	} else {
		remove_leftover_temporaries(snippets);
		if (gen)
			remove_leftover_temporaries(gen);
		written = write_all_or_nothing(&t, snippets, gen);
	}
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
