/*
 * tangle - extract the programs of the book.
 *
 *   tangle [--snippets DIR] [--gen DIR] [--book DIR] [CHAPTER.md...]
 *   tangle --check [--snippets DIR] [--book DIR] [CHAPTER.md...]
 *   tangle --untangle [--snippets DIR] [--book DIR] [CHAPTER.md...]
 *   tangle --discard [--snippets DIR] [--gen DIR] [--book DIR] [CHAPTER.md...]
 *   tangle --reserved-names
 *
 * The chapters are --book's DIR/NN-*.md, in order, and any given by name.
 * tangle reads them, checks the whole web, and only when there is no error
 * writes snippets/ and, with --gen, the files of the build: line maps, run
 * and plot files (specfile.h), the manifest (manifest.h), each chapter's
 * numbers and the targets of its references (xrefs/SLUG.xref, xref.h), and a stamp per
 * file of --book's DIR (stamps/PATH, its digest, rewritten only when the
 * content changes, so that the build follows content, not times).
 *
 * snippets/ is generated, and tangle never overwrites an edit made there by
 * hand: snippets/.tangled (tangled.h) records what tangle wrote, so a file
 * that is no longer what tangle wrote is reported ("edited by hand", with
 * the chapter line it comes from and the two ways out) and the tangle
 * writes nothing. The files tangle wrote that no chapter defines any more
 * are removed; any other file in snippets/ is reported too. Files whose
 * bytes do not change are not touched, but a file whose content differs
 * from what this build last saw (gen/snippets.seen) gets a new time, so
 * that the build compiles it again even when it arrived with an old one.
 *
 * --check writes nothing and exits 1 when snippets/ is not exactly a fresh
 * tangle of the book, saying why for each file. --untangle carries hand
 * edits back into their chapters (untangle.h). --discard writes as usual
 * but overwrites hand edits and removes the files tangle did not write.
 * --reserved-names prints the names no program may take.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "book.h"
#include "diag.h"
#include "fsutil.h"
#include "linemap.h"
#include "tangle.h"
#include "tangled.h"
#include "untangle.h"

enum mode { WRITE, CHECK, UNTANGLE, DISCARD };

static void usage(void)
{
	fputs("usage: tangle [--check | --untangle | --discard] [--snippets DIR] [--gen DIR]\n"
	      "              [--book DIR] [CHAPTER.md...]\n"
	      "       tangle --reserved-names\n", stderr);
	exit(2);
}

/* DIR/NN-*.md, sorted: the chapters of the book in DIR. */
static int book_chapters(const char *dir, struct strlist *paths)
{
	struct strlist files = {0};

	if (list_files(dir, &files) < 0) {
		fprintf(stderr, "tangle: cannot read %s: %s\n", dir, strerror(errno));
		return -1;
	}
	for (size_t i = 0; i < files.len; i++) {
		const char *f = files.items[i];

		if (strlen(f) > 5 && f[0] >= '0' && f[0] <= '9' && f[1] >= '0' && f[1] <= '9' &&
		    f[2] == '-' && !strchr(f, '/') && ends_with(f, ".md"))
			strlist_take(paths, xasprintf("%s/%s", dir, f));
	}
	strlist_free(&files);
	return 0;
}

/*
 * What tangle finds of one snippet: its path, the digest of its expansion,
 * and how the file in snippets/ compares with it.
 */
struct found {
	const struct root *root;
	uint64_t digest;	/* of the expansion */
	bool exists;		/* the file is there */
	bool differs;		/* and is not the expansion */
};

/* How a file of snippets/ that differs from its expansion came to differ. */
enum origin {
	BY_CHAPTER,	/* it is what tangle wrote: the chapter changed since */
	BY_HAND,	/* it is not what tangle wrote */
	NOT_OURS,	/* tangle never wrote it and it has no header of tangle's */
};

static enum origin origin_of(const struct tangled *idx, const char *snippets, const char *rel)
{
	char *path = xasprintf("%s/%s", snippets, rel);
	uint64_t recorded, now = 0;
	struct buf text = {0};
	enum origin o;

	if (tangled_get(idx, rel, &recorded)) {
		o = tangled_hash_file(path, &now) == 0 && now == recorded ? BY_CHAPTER : BY_HAND;
	} else {
		/* A tree tangled before the record existed: tangle's header says whose it is. */
		o = read_file(path, &text) == 0 && text.data && has_snippet_header(text.data, text.len)
			    ? BY_CHAPTER : NOT_OURS;
	}
	buf_free(&text);
	free(path);
	return o;
}

/* Report a hand edit of @p f at its first changed line and that line's origin in the chapter. */
static void report_edit(const struct book *b, const struct found *f, const char *snippets,
			enum origin o, struct diag *d)
{
	char *path = xasprintf("%s/%s", snippets, f->root->path);
	struct buf disk = {0}, exp = {0};
	struct line_origins org = {0};
	size_t line = 0, i = 0, k = 0;

	read_file(path, &disk);
	tangle_snippet(b, f->root, &exp, &org);
	/* The first line that differs. */
	while (i < disk.len && k < exp.len && disk.data[i] == exp.data[k]) {
		if (disk.data[i] == '\n')
			line++;
		i++;
		k++;
	}
	if (o == NOT_OURS)
		diag_error(d, path, (int)line + 1, 0,
			   "this file was not written by tangle, but %s defines it", f->root->chapter->path);
	else
		diag_error(d, path, (int)line + 1, 0,
			   "edited by hand: this file is tangled from %s and is no longer what tangle wrote",
			   f->root->chapter->path);
	if (line < org.n)
		diag_note(d, f->root->chapter->path, org.line[line], 0,
			  "line %zu of snippets/%s comes from here", line + 1, f->root->path);
	buf_free(&disk);
	buf_free(&exp);
	line_origins_free(&org);
	free(path);
}

static void ways_out(int edits)
{
	if (!edits)
		return;
	fprintf(stderr,
		"tangle: snippets/ is generated from the book, and tangle does not overwrite an edit.\n"
		"  To keep %s, carry %s into the chapter: make untangle (it does when an edit lies\n"
		"  within one block; otherwise edit the chapter yourself), then make.\n"
		"  To discard %s: make discard-snippet-edits.\n",
		edits == 1 ? "the edit" : "the edits", edits == 1 ? "it" : "them",
		edits == 1 ? "it" : "them");
}

/*
 * A hidden file (.tangled, an editor's .x.c.swp) or an editor's backup
 * (x.c~, #x.c#): not a file of the book, and no one's work to report.
 */
static bool editors_file(const char *rel)
{
	const char *base = strrchr(rel, '/');
	size_t n;

	base = base ? base + 1 : rel;
	n = strlen(base);
	return base[0] == '.' || (n && base[n - 1] == '~') || (n > 1 && base[0] == '#' && base[n - 1] == '#');
}

/*
 * The files of snippets/ that no chapter defines: those tangle wrote go to
 * @p stale, the others (and those edited since tangle wrote them) are
 * reported, unless @p discard (then they go to @p stale too). Returns the
 * number reported.
 */
static int unwanted_files(const struct strmap *produced, const struct tangled *idx,
			  const char *snippets, bool discard, struct strlist *stale, struct diag *d)
{
	struct strlist present = {0};
	int reported = 0;

	list_files(snippets, &present);
	for (size_t i = 0; i < present.len; i++) {
		const char *rel = present.items[i];
		uint64_t recorded, now;
		char *path;

		if (strmap_get(produced, rel, NULL) || is_staged_name(rel) || editors_file(rel))
			continue;
		path = xasprintf("%s/%s", snippets, rel);
		if (discard || (tangled_get(idx, rel, &recorded) && tangled_hash_file(path, &now) == 0 &&
				now == recorded)) {
			strlist_add(stale, rel);
		} else {
			diag_error(d, path, 0, 0, tangled_get(idx, rel, &recorded)
				   ? "no chapter defines this file any more, and it was edited by hand since tangle wrote it; keep it elsewhere, or make discard-snippet-edits"
				   : "no chapter defines this file, and tangle did not write it: snippets/ holds only what the book defines; move it elsewhere, or make discard-snippet-edits");
			reported++;
		}
		free(path);
	}
	strlist_free(&present);
	return reported;
}

/*
 * The writer of --check: compares each snippet with the file in snippets/
 * as it is expanded, and takes its digest.
 */
struct checker {
	struct snippet_writer w;	/* first: tangle_book calls us with it */
	const struct book *b;
	const char *dir;
	char *path;			/* the file being compared */
	struct file_update u;
	struct tangled_hash h;
	struct found *found;		/* one per root, in order */
	size_t n;
};

static int check_begin(struct snippet_writer *w, const char *rel)
{
	struct checker *c = (struct checker *)w;

	c->path = xasprintf("%s/%s", c->dir, rel);
	c->found[c->n] = (struct found){&c->b->roots[c->n], 0, access(c->path, F_OK) == 0, false};
	tangled_hash_init(&c->h);
	return file_update_begin(&c->u, c->path, NULL);	/* compares only: cannot fail */
}

static int check_write(struct snippet_writer *w, const char *data, size_t len)
{
	struct checker *c = (struct checker *)w;

	tangled_hash_update(&c->h, data, len);
	return file_update_write(&c->u, data, len);
}

static int check_end(struct snippet_writer *w)
{
	struct checker *c = (struct checker *)w;

	c->found[c->n].differs = file_update_end(&c->u) != 0;
	c->found[c->n].digest = tangled_hash_final(&c->h);
	c->n++;
	file_update_abort(&c->u);
	free(c->path);
	c->path = NULL;
	return 0;
}

/* The record tangle would write for what it found. */
static void record_of(const struct found *found, size_t n, struct tangled *out)
{
	for (size_t i = 0; i < n; i++)
		tangled_set(out, found[i].root->path, found[i].digest);
}

static int check_mode(const struct book *b, const struct tangled *idx, const char *snippets,
		      struct diag *d)
{
	struct checker c = {.w = {check_begin, check_write, check_end}, .b = b, .dir = snippets,
			    .found = xcalloc(b->nroots + 1, sizeof(struct found))};
	struct tangle_result t;
	struct strlist stale = {0};
	struct tangled want = {0};
	struct buf text = {0};
	int drift = 0, edits = 0;
	char *index_path = xasprintf("%s/" TANGLED_NAME, snippets);

	tangle_book(b, &c.w, &t);	/* the checker never stops it */
	for (size_t i = 0; i < c.n; i++) {
		const struct found *f = &c.found[i];
		enum origin o;

		if (!f->exists) {
			fprintf(stderr, "%s/%s: missing (%s defines it): run make\n", snippets, f->root->path,
			       f->root->chapter->path);
			drift++;
			continue;
		}
		if (!f->differs)
			continue;
		o = origin_of(idx, snippets, f->root->path);
		if (o == BY_CHAPTER) {
			fprintf(stderr, "%s/%s: %s has changed since it was tangled: run make, and commit snippets/ with the chapter\n",
			       snippets, f->root->path, f->root->chapter->path);
			drift++;
		} else {
			report_edit(b, f, snippets, o, d);
			edits++;
		}
	}
	{
		struct strmap produced = {0};

		for (size_t i = 0; i < b->nroots; i++)
			strmap_put(&produced, b->roots[i].path, i, NULL);
		edits += unwanted_files(&produced, idx, snippets, false, &stale, d);
		strmap_free(&produced);
	}
	for (size_t i = 0; i < stale.len; i++)
		fprintf(stderr, "%s/%s: no chapter defines it any more: run make to remove it\n", snippets,
		       stale.items[i]);
	drift += edits + (int)stale.len;
	record_of(c.found, c.n, &want);
	tangled_write(&want, &text);
	if (!file_equals(index_path, text.data, text.len) && !drift) {
		fprintf(stderr, "%s: not the record of the files here: run make\n", index_path);
		drift++;
	}
	ways_out(edits);
	if (drift)
		fprintf(stderr, "tangle: %d file%s in %s/ %s from the book\n", drift, drift == 1 ? "" : "s",
			snippets, drift == 1 ? "differs" : "differ");
	buf_free(&text);
	tangled_free(&want);
	strlist_free(&stale);
	tangle_result_free(&t);
	free(c.found);
	free(index_path);
	return drift ? 1 : 0;
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
	struct strmap real = {0};	/* directories found to hold no link: checked once */
	struct strlist keys = {0};

	if (link) {
		diag_error(d, link, 0, 0, "is a symbolic link; tangle writes only inside a real %s/", dir);
		free(link);
		return -1;
	}
	for (size_t i = 0; i < paths->len; i++) {
		char *path = xasprintf("%s/%s", dir, paths->items[i]);
		char *slash = strrchr(path, '/');
		struct stat st;

		*slash = '\0';
		link = strmap_get(&real, path, NULL) ? NULL : find_symlink(dir, path);
		if (!link) {
			if (!strmap_get(&real, path, NULL)) {
				strlist_add(&keys, path);
				strmap_put(&real, keys.items[keys.len - 1], 0, NULL);
			}
			*slash = '/';
			if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode))
				link = xstrdup(path);
		}
		if (link) {
			*slash = '/';
			diag_error(d, link, 0, 0,
				   "is a symbolic link; tangle will not write %s through it", path);
			free(link);
		}
		free(path);
	}
	strmap_free(&real);
	strlist_free(&keys);
	return d->errors == errors ? 0 : -1;
}

/*
 * Writing is all or nothing. Every file whose bytes change is first staged as
 * a temporary beside it (a snippet while it is expanded); only when all are
 * staged, and nothing in snippets/ stands in the way, are they renamed into
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
 * file found unchanged gives its slot back. For snippets it also takes each
 * file's digest and notes what it found (@c found, one per root).
 */
struct stager {
	struct snippet_writer w;	/* first: tangle_book calls us with it */
	const char *dir;		/* snippets/ or gen/ */
	struct file_update u;		/* the file being staged */
	int written;			/* files staged */
	const struct book *b;		/* for snippets: the book, */
	struct found *found;		/* what was found of each root, */
	size_t n;			/* how many so far, */
	struct tangled_hash h;		/* and the digest in progress */
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
	if (s->found) {
		s->found[s->n] = (struct found){&s->b->roots[s->n], 0,
						access(staging.path[slot], F_OK) == 0, false};
		tangled_hash_init(&s->h);
	}
	if (file_update_begin(&s->u, staging.path[slot], staging.tmp[slot]) < 0)
		return stage_failed(s);
	return 0;
}

static int stage_write(struct snippet_writer *w, const char *data, size_t len)
{
	struct stager *s = (struct stager *)w;

	if (s->found)
		tangled_hash_update(&s->h, data, len);
	return file_update_write(&s->u, data, len) < 0 ? stage_failed(s) : 0;
}

static int stage_end(struct snippet_writer *w)
{
	struct stager *s = (struct stager *)w;
	int rc = file_update_end(&s->u);
	size_t slot;

	if (rc < 0)
		return stage_failed(s);
	if (s->found) {
		s->found[s->n].differs = rc == 1;
		s->found[s->n].digest = tangled_hash_final(&s->h);
		s->n++;
	}
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

static int stage_data(struct stager *s, const char *rel, const char *data, size_t len)
{
	if (stage_begin(&s->w, rel) < 0 || stage_write(&s->w, data, len) < 0 || stage_end(&s->w) < 0)
		return -1;
	return 0;
}

static int stage_outputs(const struct outputs *o, struct stager *s)
{
	for (size_t i = 0; i < o->n; i++)
		if (stage_data(s, o->v[i].path, o->v[i].data.data ? o->v[i].data.data : "",
			       o->v[i].data.len) < 0)
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

static struct output *add_gen(struct tangle_result *t, char *path)
{
	struct output *o;

	t->gen.v = xrealloc(t->gen.v, (t->gen.n + 1) * sizeof(*t->gen.v));
	o = &t->gen.v[t->gen.n++];
	o->path = path;
	memset(&o->data, 0, sizeof(o->data));
	return o;
}

/*
 * A stamp per file of the book's directory @p book (not the staged or
 * hidden ones): stamps/PATH holds the digest of its content. The build
 * depends on the stamps, not the files, so that a file restored with an old
 * time is still seen to have changed.
 */
static int add_stamps(const char *book, struct tangle_result *t)
{
	struct strlist files = {0};
	int rc = 0;

	if (list_files(book, &files) < 0) {
		fprintf(stderr, "tangle: cannot read %s: %s\n", book, strerror(errno));
		return -1;
	}
	for (size_t i = 0; i < files.len; i++) {
		const char *rel = files.items[i], *base = strrchr(rel, '/');
		char *path;
		uint64_t digest;

		base = base ? base + 1 : rel;
		if (base[0] == '.' || is_staged_name(base))
			continue;
		path = xasprintf("%s/%s", book, rel);
		if (tangled_hash_file(path, &digest) < 0) {
			fprintf(stderr, "%s: error: cannot read: %s\n", path, strerror(errno));
			rc = -1;
		} else {
			buf_printf(&add_gen(t, xasprintf("stamps/%s", rel))->data, "%016" PRIx64 "\n", digest);
		}
		free(path);
	}
	strlist_free(&files);
	return rc;
}

/* Give @p path a new time, so that the build sees it as changed. */
static void touch(const char *path)
{
	if (utimensat(AT_FDCWD, path, NULL, 0) < 0)
		fprintf(stderr, "%s: warning: cannot update its time: %s\n", path, strerror(errno));
}

/*
 * Remove @p dir/@p rel, and the directories it leaves empty below @p dir;
 * with @p say, say so.
 */
static void remove_with_dirs(const char *dir, const char *rel, bool say)
{
	char *path = xasprintf("%s/%s", dir, rel), *slash;

	if (unlink(path) == 0 && say)
		fprintf(stderr, "tangle: removed %s (no chapter defines it any more)\n", path);
	while ((slash = strrchr(path, '/')) && (size_t)(slash - path) > strlen(dir)) {
		*slash = '\0';
		if (rmdir(path) < 0)
			break;
	}
	free(path);
}

/*
 * Remove the files under gen/@p sub that the tangle no longer produces.
 */
static void remove_stale_gen(const struct outputs *o, const char *gen, const char *sub)
{
	struct strmap produced = {0};
	struct strlist present = {0};
	char *top = xasprintf("%s/%s", gen, sub);
	size_t n = strlen(sub);

	for (size_t i = 0; i < o->n; i++)
		if (!strncmp(o->v[i].path, sub, n) && o->v[i].path[n] == '/')
			strmap_put(&produced, o->v[i].path + n + 1, i, NULL);
	list_files(top, &present);
	for (size_t i = 0; i < present.len; i++)
		if (!strmap_get(&produced, present.items[i], NULL))
			remove_with_dirs(top, present.items[i], false);
	strlist_free(&present);
	strmap_free(&produced);
	free(top);
}

/* Temporaries left by a tangle that was killed outright (SIGKILL). */
static void remove_leftover_temporaries(const char *dir)
{
	struct strlist files = {0};

	list_files(dir, &files);
	for (size_t i = 0; i < files.len; i++) {
		const char *base = strrchr(files.items[i], '/');

		if (is_staged_name(base ? base + 1 : files.items[i])) {
			char *path = xasprintf("%s/%s", dir, files.items[i]);

			unlink(path);
			free(path);
		}
	}
	strlist_free(&files);
}

/*
 * Tangle @p b into snippets/ and gen/: stage everything that changed, check
 * that no hand edit would be overwritten (unless --discard), then put it all
 * in place. Returns the number of files written, or -1 (nothing written).
 */
static int write_mode(const struct book *b, const struct tangled *idx, const char *snippets,
		      const char *gen, const char *book, bool discard, struct diag *d)
{
	struct stager snip = {.w = {stage_begin, stage_write, stage_end}, .dir = snippets, .b = b,
			      .found = xcalloc(b->nroots + 1, sizeof(struct found))};
	struct stager more = {.w = {stage_begin, stage_write, stage_end}, .dir = gen};
	struct tangle_result t;
	struct strlist gen_paths = {0}, stale = {0};
	struct strmap produced = {0};
	struct tangled now = {0}, seen = {0};
	struct buf record = {0};
	struct sigaction sa;
	struct found *found;
	int edits = 0, rc = -1, bad;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = discard_staged;
	for (size_t i = 0; i < sizeof(fatal_signals) / sizeof(fatal_signals[0]); i++)
		sigaction(fatal_signals[i], &sa, NULL);
	if (tangle_book(b, &snip.w, &t) < 0)
		goto fail;
	/* What stands in the way: hand edits, files of snippets/ nobody defines. */
	for (size_t i = 0; i < snip.n; i++) {
		const struct found *f = &snip.found[i];
		enum origin o;

		strmap_put(&produced, f->root->path, i, NULL);
		if (!f->exists || !f->differs || discard)
			continue;
		o = origin_of(idx, snippets, f->root->path);
		if (o != BY_CHAPTER) {
			report_edit(b, f, snippets, o, d);
			edits++;
		}
	}
	edits += unwanted_files(&produced, idx, snippets, discard, &stale, d);
	if (edits) {
		ways_out(edits);
		fprintf(stderr, "tangle: %d file%s of snippets/ would be overwritten or removed; nothing written\n",
			edits, edits == 1 ? "" : "s");
		goto fail;
	}
	record_of(snip.found, snip.n, &now);
	tangled_write(&now, &record);
	/* The record is no root's: staged without noting what was found. */
	found = snip.found;
	snip.found = NULL;
	rc = stage_data(&snip, TANGLED_NAME, record.data, record.len);
	snip.found = found;
	if (rc < 0)
		goto fail;
	if (gen) {
		char *seen_path = xasprintf("%s/snippets.seen", gen);

		if (tangled_load(seen_path, &seen, &bad) < 0)
			tangled_free(&seen);	/* unreadable: as if this build saw nothing */
		free(seen_path);
		buf_add(&add_gen(&t, xstrdup("snippets.seen"))->data, record.data, record.len);
		if (book && add_stamps(book, &t) < 0)
			goto fail;
		output_paths(&t.gen, &gen_paths);
		if (check_links(&gen_paths, gen, false, d) < 0) {
			fprintf(stderr, "tangle: %d error%s; nothing written\n", d->errors,
				d->errors == 1 ? "" : "s");
			goto fail;
		}
		if (stage_outputs(&t.gen, &more) < 0)
			goto fail;
	}
	/* Everything staged reaches the disk before any of it replaces a file. */
	if (staging.n && (sync_dir_fs(snippets) < 0 || (gen && sync_dir_fs(gen) < 0))) {
		fprintf(stderr, "tangle: error: cannot flush the staged files: %s; nothing written\n",
			strerror(errno));
		goto fail;
	}
	for (size_t i = 0; i < (size_t)staging.n; i++) {
		if (commit_staged(staging.tmp[i], staging.path[i]) < 0) {
			fprintf(stderr, "%s: error: cannot rename into place: %s\n", staging.path[i],
				strerror(errno));
			goto fail;
		}
	}
	forget_staged(false);
	for (size_t i = 0; i < stale.len; i++)
		remove_with_dirs(snippets, stale.items[i], true);
	/* A file this build saw with other content gets a new time (see the top). */
	for (size_t i = 0; gen && i < snip.n; i++) {
		uint64_t before;

		if (!snip.found[i].differs && tangled_get(&seen, snip.found[i].root->path, &before) &&
		    before != snip.found[i].digest) {
			char *path = xasprintf("%s/%s", snippets, snip.found[i].root->path);

			touch(path);
			free(path);
		}
	}
	if (gen) {
		remove_stale_gen(&t.gen, gen, "maps");
		remove_stale_gen(&t.gen, gen, "runs");
		remove_stale_gen(&t.gen, gen, "plots");
		remove_stale_gen(&t.gen, gen, "stamps");
		remove_stale_gen(&t.gen, gen, "xrefs");
	}
	rc = snip.written + more.written;
	if (rc)
		fprintf(stderr, "tangle: %zu chapter%s, %zu file%s: %d written, %zu unchanged\n",
			b->nchapters, b->nchapters == 1 ? "" : "s", t.snippets.n + t.gen.n + 1,
			t.snippets.n + t.gen.n + 1 == 1 ? "" : "s", rc,
			t.snippets.n + t.gen.n + 1 - (size_t)rc);
	goto done;
fail:
	forget_staged(true);
	rc = -1;
done:
	tangle_result_free(&t);
	strlist_free(&gen_paths);
	strlist_free(&stale);
	strmap_free(&produced);
	tangled_free(&now);
	tangled_free(&seen);
	buf_free(&record);
	free(snip.found);
	return rc;
}

/* --untangle: carry every hand edit back into its chapter. */
static int untangle_mode(const struct book *b, struct tangled *idx, const char *snippets,
			 struct diag *d)
{
	struct chapter_edit *edits = xcalloc(b->nroots + 1, sizeof(*edits));
	struct buf *before = xcalloc(b->nroots + 1, sizeof(*before));
	struct buf *texts = xcalloc(b->nchapters + 1, sizeof(*texts));
	const char **paths = xcalloc(b->nchapters + 1, sizeof(*paths));
	const char **ptrs = xcalloc(b->nchapters + 1, sizeof(*ptrs));
	size_t *lens = xcalloc(b->nchapters + 1, sizeof(*lens));
	size_t nedits = 0;
	struct book nb;
	bool loaded = false;
	int rc = 1;

	for (size_t i = 0; i < b->nroots; i++) {
		const struct root *r = &b->roots[i];
		char *path = xasprintf("%s/%s", snippets, r->path);
		struct buf disk = {0};
		struct line_origins org = {0};

		tangle_snippet(b, r, &before[i], &org);
		line_origins_free(&org);
		if (read_file(path, &disk) == 0 && (disk.len != before[i].len ||
		    memcmp(disk.data ? disk.data : "", before[i].data ? before[i].data : "", disk.len)) &&
		    origin_of(idx, snippets, r->path) != BY_CHAPTER) {
			int got = untangle_root(b, r, disk.data ? disk.data : "", disk.len, &edits[nedits], d);

			if (got == 1)
				nedits++;
		}
		buf_free(&disk);
		free(path);
	}
	if (d->errors)
		goto out;
	if (!nedits) {
		fprintf(stderr, "tangle: no snippet holds an edit to carry back\n");
		rc = 0;
		goto out;
	}
	for (size_t ci = 0; ci < b->nchapters; ci++) {
		const struct chapter *c = &b->chapters[ci];
		struct chapter_edit *mine = xcalloc(nedits + 1, sizeof(*mine));
		size_t n = 0;

		for (size_t i = 0; i < nedits; i++)
			if (edits[i].chapter == c)
				mine[n++] = edits[i];
		if (n)
			untangle_apply(c, mine, n, &texts[ci], d);
		else
			buf_add(&texts[ci], c->text, c->text_len);
		free(mine);
		paths[ci] = c->path;
		ptrs[ci] = texts[ci].data ? texts[ci].data : "";
		lens[ci] = texts[ci].len;
	}
	if (d->errors)
		goto out;
	/* Byte for byte: the edited roots expand to their files, the others as before. */
	loaded = true;
	if (book_parse(&nb, paths, ptrs, lens, b->nchapters, BOOK_WHOLE, d) < 0 || nb.nroots != b->nroots) {
		fprintf(stderr, "tangle: the chapters with the edits carried back do not tangle; nothing written\n");
		goto out;
	}
	for (size_t i = 0; i < nb.nroots; i++) {
		struct buf after = {0}, want = {0};
		struct line_origins org = {0};
		char *path = xasprintf("%s/%s", snippets, nb.roots[i].path);
		bool edited = false;

		for (size_t k = 0; k < nedits; k++)
			edited |= !strcmp(edits[k].snippet, nb.roots[i].path);
		tangle_snippet(&nb, &nb.roots[i], &after, &org);
		if (edited)
			read_file(path, &want);
		else
			buf_add(&want, before[i].data ? before[i].data : "", before[i].len);
		if (after.len != want.len || memcmp(after.data ? after.data : "", want.data ? want.data : "", after.len))
			diag_error(d, path, 0, 0, edited
				   ? "carried back, the edit would not give this file byte for byte (a line that reads as a reference?); carry it into the chapter by hand"
				   : "carrying the edits back would change this file too (its chunk is shared); carry them into the chapter by hand");
		buf_free(&after);
		buf_free(&want);
		line_origins_free(&org);
		free(path);
	}
	if (d->errors) {
		fprintf(stderr, "tangle: nothing written\n");
		goto out;
	}
	for (size_t ci = 0; ci < b->nchapters; ci++) {
		if (lens[ci] == b->chapters[ci].text_len &&
		    !memcmp(ptrs[ci], b->chapters[ci].text, lens[ci]))
			continue;
		if (write_atomic(paths[ci], ptrs[ci], lens[ci]) < 0) {
			fprintf(stderr, "%s: error: cannot write: %s\n", paths[ci], strerror(errno));
			goto out;
		}
	}
	for (size_t i = 0; i < nedits; i++) {
		char *path = xasprintf("%s/%s", snippets, edits[i].snippet);
		uint64_t digest;

		if (tangled_hash_file(path, &digest) == 0)
			tangled_set(idx, edits[i].snippet, digest);
		{
			size_t lines = 0;

			for (size_t k = 0; k < edits[i].lines.len; k++)
				lines += edits[i].lines.data[k] == '\n';
			fprintf(stderr, "%s:%d: carried the edit of %s into the chapter: %d line%s replaced by %zu\n",
				edits[i].chapter->path, edits[i].first, path, edits[i].count,
				edits[i].count == 1 ? "" : "s", lines);
		}
		free(path);
	}
	{
		struct buf text = {0};
		char *index_path = xasprintf("%s/" TANGLED_NAME, snippets);

		tangled_write(idx, &text);
		if (write_atomic(index_path, text.data, text.len) < 0)
			fprintf(stderr, "%s: error: cannot write: %s\n", index_path, strerror(errno));
		buf_free(&text);
		free(index_path);
	}
	rc = 0;
out:
	if (loaded)
		book_free(&nb);
	for (size_t i = 0; i < b->nroots; i++)
		buf_free(&before[i]);
	for (size_t i = 0; i < nedits; i++)
		buf_free(&edits[i].lines);
	for (size_t i = 0; i < b->nchapters; i++)
		buf_free(&texts[i]);
	free(edits);
	free(before);
	free(texts);
	free(paths);
	free(ptrs);
	free(lens);
	return rc;
}

int main(int argc, char **argv)
{
	const char *snippets = "snippets", *gen = NULL, *book = NULL;
	enum mode mode = WRITE;
	struct strlist chapters = {0};
	struct tangled idx;
	struct diag d;
	struct book b;
	char *index_path;
	int i, rc = 0, bad, line;

	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "--check"))
			mode = CHECK;
		else if (!strcmp(argv[i], "--untangle"))
			mode = UNTANGLE;
		else if (!strcmp(argv[i], "--discard"))
			mode = DISCARD;
		else if (!strcmp(argv[i], "--snippets") && i + 1 < argc)
			snippets = argv[++i];
		else if (!strcmp(argv[i], "--gen") && i + 1 < argc)
			gen = argv[++i];
		else if (!strcmp(argv[i], "--book") && i + 1 < argc)
			book = argv[++i];
		else if (!strcmp(argv[i], "--reserved-names")) {
			struct strlist names = {0};

			book_reserved_names(&names);
			for (size_t k = 0; k < names.len; k++)
				puts(names.items[k]);
			strlist_free(&names);
			return 0;
		} else
			usage();
	}
	if (book && book_chapters(book, &chapters) < 0)
		return 1;
	for (; i < argc; i++)
		strlist_add(&chapters, argv[i]);
	if (!chapters.len) {
		if (!book)
			usage();
		fprintf(stderr, "tangle: %s holds no chapter (NN-name.md)\n", book);
		return 1;
	}
	diag_init(&d, stderr);
	if (book_load(&b, chapters.items, chapters.len, BOOK_WHOLE, &d) < 0) {
		fprintf(stderr, "tangle: %d error%s; nothing written\n", d.errors, d.errors == 1 ? "" : "s");
		book_free(&b);
		strlist_free(&chapters);
		return 1;
	}
	index_path = xasprintf("%s/" TANGLED_NAME, snippets);
	bad = tangled_load(index_path, &idx, &line);
	free(index_path);
	if (bad < 0) {
		fprintf(stderr, "%s/" TANGLED_NAME ":%d: error: this is not tangle's record of the files it wrote; restore it (git checkout %s/" TANGLED_NAME ")\n",
			snippets, line, snippets);
		book_free(&b);
		strlist_free(&chapters);
		return 1;
	}
	if (mode == CHECK) {
		rc = check_mode(&b, &idx, snippets, &d);
	} else if (mode == UNTANGLE) {
		rc = untangle_mode(&b, &idx, snippets, &d);
	} else {
		struct strlist roots = {0};

		for (size_t k = 0; k < b.nroots; k++)
			strlist_add(&roots, b.roots[k].path);
		if (check_links(&roots, snippets, true, &d) < 0) {
			fprintf(stderr, "tangle: %d error%s; nothing written\n", d.errors,
				d.errors == 1 ? "" : "s");
			rc = 1;
		} else {
			remove_leftover_temporaries(snippets);
			if (gen)
				remove_leftover_temporaries(gen);
			rc = write_mode(&b, &idx, snippets, gen, book, mode == DISCARD, &d) < 0 ? 1 : 0;
		}
		strlist_free(&roots);
	}
	tangled_free(&idx);
	book_free(&b);
	strlist_free(&chapters);
	return rc;
}
