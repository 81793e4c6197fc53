/*
 * run - execute one run block of the book and check its expectations.
 *
 *   run --spec build/gen/runs/ID.run --out DIR [--bindir DIR] [--root DIR]
 *       [--compiler TEXT] [--variant NAME] [--lock FILE] [--timeout-scale F]
 *       [--skip-exit N] [--quiet]
 *
 * The command is run exactly as the chapter shows it, from the repository
 * root (--root). A sanitizer build (--bindir other than ROOT/build/bin) runs
 * it in a shadow of the root whose build/bin is --bindir, so every spelling
 * of a program reaches that build's binary. Open MPI's settings for
 * running as root and oversubscribing cores are added to the environment,
 * so the command in the book stays the plain one, and each run gets a
 * session directory of its own for Open MPI (OMPI_MCA_orte_tmpdir_base),
 * removed when it ends, so that runs started at the same time never race.
 *
 * Before the command starts, the record takes the digest of everything the
 * run is made from (runrecord.h): the block, the programs, their snippets,
 * the files; a program that is not built yet stops it (exit 2).
 *
 * On success writes DIR/ID.txt (the output) and DIR/ID.json (its record:
 * how it ended, wall time, machine, provenance) atomically and exits 0. When an expectation fails,
 * the capture goes to DIR/ID.failed.txt and .json instead, the old capture
 * is removed (a stale output must never be woven into the book), each failure
 * is reported at its chapter line, and the exit status is 1.
 *
 * A block with skip=N whose command exits with N could not run on this
 * machine (it needs root, say): its expectations are not checked, its output
 * (the command's own explanation) is written as usual with "skipped": true in
 * the .json, a note goes to stderr, and run exits with --skip-exit (default
 * 0: the book is still built; CTest passes 77, its SKIP_RETURN_CODE, so the
 * test is reported as skipped, never as passed).
 *
 * --timeout-scale multiplies every timeout (the sanitizer builds run several
 * times slower); a .hangs run's quiet= silence is not scaled.
 *
 * A .hangs run (a deadlock shown on purpose) is recognised by what it prints
 * and by its silence afterwards: once its output satisfies every expectation
 * but the claims, and then nothing more arrives for quiet= seconds while it
 * still runs, it is stopped, and passes. Its timeout only bounds the wait
 * for that output, so a machine slow to start a program (mpiexec resolving
 * its host name, a loaded machine) never turns a deadlock into a failure. --quiet prints nothing when the
 * run passes.
 *
 * Runs whose block is .volatile (timings) hold an exclusive lock on --lock
 * while they run, other runs a shared one, so timings are never taken while
 * another run of the book competes for the cores.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "attr.h"
#include "capture.h"
#include "diag.h"
#include "fsutil.h"
#include "runrecord.h"
#include "runspec.h"
#include "sha256.h"
#include "specfile.h"

struct options {
	const char *spec;
	const char *out;
	const char *bindir;
	const char *root;
	const char *compiler;
	const char *variant;
	const char *lock;
	double timeout_scale;
	int skip_exit;
	bool quiet;
};

static void usage(void)
{
	fputs("usage: run --spec FILE.run --out DIR [--bindir DIR] [--root DIR] [--compiler TEXT]\n"
	      "           [--variant NAME] [--lock FILE] [--timeout-scale F] [--skip-exit N]\n"
	      "           [--quiet]\n", stderr);
	exit(2);
}

/* The run's id is the spec's file name without ".run". */
static char *id_of(const char *spec)
{
	const char *base = strrchr(spec, '/');

	base = base ? base + 1 : spec;
	return ends_with(base, ".run") ? xstrndup(base, strlen(base) - 4) : xstrdup(base);
}

/* Add the input @p shown (read at @p path) to @p rec; -1 when it cannot be read. */
static int add_input(struct run_record *rec, const char *id, const char *path, const char *shown)
{
	char hex[SHA256_HEX];

	if (sha256_file(path, hex) < 0) {
		fprintf(stderr, "run: %s: cannot read %s: %s (the build makes it before the run)\n", id,
			path, strerror(errno));
		return -1;
	}
	run_record_add_input(rec, shown, hex);
	return 0;
}

/*
 * What the run is made from, by content, into @p rec: the block, and each
 * program (as build/bin/NAME, read from @p bindir), the snippets it is built
 * from and the files the command uses (read under @p root). -1 when one of
 * them cannot be read (a program not built yet), said on stderr.
 */
static int record_inputs(const struct run_file *f, const char *root, const char *bindir,
			 const char *id, struct run_record *rec)
{
	int rc = 0;

	sha256_hex(f->block.data ? f->block.data : "", f->block.len, rec->block_sha256);
	for (size_t i = 0; i < f->nprograms; i++) {
		const struct spec_program *p = &f->programs[i];
		char *path = xasprintf("%s/%s", bindir, p->name), *shown = xasprintf("build/bin/%s", p->name);

		rc |= add_input(rec, id, path, shown);
		free(path);
		free(shown);
		for (size_t k = 0; k < p->sources.len; k++) {
			char *src = xasprintf("%s/snippets/%s", root, p->sources.items[k]);

			rc |= add_input(rec, id, src, src + strlen(root) + 1);
			free(src);
		}
	}
	for (size_t i = 0; i < f->files.len; i++) {
		char *file = xasprintf("%s/%s", root, f->files.items[i]);

		rc |= add_input(rec, id, file, f->files.items[i]);
		free(file);
	}
	return rc ? -1 : 0;
}

static char *cpu_model(void)
{
	struct buf text = {0};
	char *result = xstrdup("unknown");

	if (read_file("/proc/cpuinfo", &text) == 0 && text.data) {
		char *p = strstr(text.data, "model name");

		if (p && (p = strchr(p, ':'))) {
			p++;
			while (*p == ' ' || *p == '\t')
				p++;
			free(result);
			result = xstrndup(p, strcspn(p, "\n"));
		}
	}
	buf_free(&text);
	return result;
}

/* How the run went and where, into @p rec (its inputs are there already). */
static void fill_record(struct run_record *rec, const char *id, const char *chapter, int line,
			const struct runspec *r, const struct capture_result *c,
			const struct options *o, time_t started, int failures, bool skipped)
{
	char date[32];
	struct utsname u;

	strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%SZ", gmtime(&started));
	rec->id = xstrdup(id);
	rec->command = xstrdup(r->command);
	rec->source = xasprintf("%s:%d", chapter, r->command_line ? r->command_line : line);
	rec->exit_status = c->signal ? -1 : c->exit_status;
	rec->signal = c->signal ? xstrdup(signal_name(c->signal) ? signal_name(c->signal) : "unknown") : NULL;
	rec->timed_out = c->timed_out;
	rec->went_quiet = c->went_quiet;
	rec->timeout = r->timeout;
	rec->quiet = r->hangs ? r->quiet : 0;
	rec->wall = c->wall;
	rec->output_bytes = c->output.len + c->dropped;
	rec->dropped_bytes = c->dropped;
	rec->leftovers = c->leftovers;
	rec->is_volatile = r->is_volatile;
	rec->hangs = r->hangs;
	rec->skipped = skipped;
	rec->failures = failures;
	rec->date = xstrdup(date);
	rec->cores = sysconf(_SC_NPROCESSORS_ONLN);
	rec->cpu = cpu_model();
	rec->kernel = uname(&u) == 0 ? xasprintf("%s %s", u.sysname, u.release) : xstrdup("unknown");
	rec->compiler = o->compiler ? xstrdup(o->compiler) : NULL;
	rec->variant = o->variant ? xstrdup(o->variant) : NULL;
	run_record_seal(rec, c->output.data ? c->output.data : "", c->output.len);
}

/*
 * Interrupted (Ctrl-C in the build, a CTest timeout): the command runs in its
 * own session, out of reach of the terminal's signals, so kill its group now
 * and let capture_run() return; main() then removes what the run made and
 * dies of the same signal, having written no output.
 */
static void interrupted(int sig)
{
	capture_stop = sig;
	if (capture_group > 0)
		kill(-capture_group, SIGKILL);
}

/* A .hangs run has printed what it must: its silence is timed from here. */
static bool hang_seen(const char *output, size_t len, void *arg)
{
	return runspec_output_holds(arg, output, len);
}

static int remove_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st;
	(void)type;
	(void)ftw;
	remove(path);
	return 0;
}

/* Remove @p dir and everything in it, never following a symbolic link. */
static void remove_tree(const char *dir)
{
	nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* A new, empty directory under $TMPDIR (or /tmp), or NULL. */
static char *private_tmpdir(void)
{
	const char *base = getenv("TMPDIR");
	char *dir = xasprintf("%s/book-run-XXXXXX", base && *base ? base : "/tmp");

	if (!mkdtemp(dir)) {
		free(dir);
		return NULL;
	}
	return dir;
}

/*
 * A sanitizer build runs its own binaries, with the command exactly as the
 * book shows it: the command runs in a shadow of the repository, a
 * directory whose entries link to the root's, but for build/bin, which
 * links to @p bindir. Every spelling (build/bin/x, cd build && ./bin/x, a
 * script) then reaches the same binaries. Returns the shadow, or NULL when
 * none is needed (bindir is ROOT/build/bin) or it cannot be made (said on
 * stderr; *failed is set).
 */
static char *shadow_root(const char *root, const char *bindir, bool *failed)
{
	char *real_root = realpath(root ? root : ".", NULL), *real_bin = realpath(bindir, NULL);
	char *own = real_root ? xasprintf("%s/build/bin", real_root) : NULL, *dir = NULL;
	DIR *top;
	struct dirent *e;

	*failed = false;
	if (!real_root || !real_bin || !strcmp(own, real_bin))
		goto done;
	dir = private_tmpdir();
	*failed = !dir || !(top = opendir(real_root));
	if (*failed)
		goto done;
	while ((e = readdir(top))) {
		char *from, *to;

		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..") || !strcmp(e->d_name, "build"))
			continue;
		from = xasprintf("%s/%s", real_root, e->d_name);
		to = xasprintf("%s/%s", dir, e->d_name);
		*failed |= symlink(from, to) < 0;
		free(from);
		free(to);
	}
	closedir(top);
	{
		char *build = xasprintf("%s/build", dir), *bin = xasprintf("%s/build/bin", dir);

		*failed |= mkdir(build, 0755) < 0 || symlink(real_bin, bin) < 0;
		free(build);
		free(bin);
	}
done:
	if (*failed)
		fprintf(stderr, "run: cannot make a shadow of %s with build/bin -> %s: %s\n",
			root ? root : ".", bindir, strerror(errno));
	free(real_root);
	free(real_bin);
	free(own);
	return dir;
}

static int take_lock(const char *path, bool exclusive)
{
	int fd;

	if (!path)
		return -1;
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
	if (fd < 0)
		return -1;
	while (flock(fd, exclusive ? LOCK_EX : LOCK_SH) < 0 && errno == EINTR)
		;
	return fd;
}

/*
 * A value the prose quotes and the output does not hold: said at each
 * sentence that quotes it too (the sites tangle wrote beside the run file),
 * since that is where the book needs it.
 */
static void report_quote_sites(const char *spec, const struct runspec *r,
			       const struct expr_values *found, const char *id, struct diag *d)
{
	struct quote_site *sites;
	size_t n;

	if (location_load_quotes(spec, &sites, &n) < 0)
		return;		/* a hand-written run file has none */
	for (size_t i = 0; i < n; i++) {
		const struct expect *e = runspec_value(r, sites[i].name);

		if (e && !expr_values_get(found, sites[i].name))
			diag_error(d, sites[i].chapter, sites[i].line, sites[i].col,
				   "the value '%s' quoted here was not found in the output of run %s: no line "
				   "matches /%s/", sites[i].name, id, e->args.items[0]);
	}
	quote_sites_free(sites, n);
}

/* Show the end of a failing run's output, so the reason is on screen. */
static void show_tail(const struct buf *out)
{
	size_t start = out->len, lines = 0;

	while (start > 0 && lines <= 20)
		if (out->data[--start] == '\n')
			lines++;
	if (start > 0)
		start++;
	fprintf(stderr, "---- last lines of the output ----\n%.*s%s----\n",
		(int)(out->len - start), out->data + start,
		out->len && out->data[out->len - 1] != '\n' ? "\n" : "");
}

int main(int argc, char **argv)
{
	struct options o = {0};
	struct runspec r;
	struct run_file spec;
	struct run_record rec = {0};
	struct capture_opts co = {0};
	struct capture_result c;
	struct diag d;
	struct buf json = {0};
	char *id, *chapter = NULL, *txt_path, *json_path, *fail_txt, *fail_json, *shadow;
	int fence_line = 0, failures, lock_fd;
	bool skipped, shadow_failed;
	time_t started;
	char *tmpdir, *session = NULL, *env[8];
	size_t nenv = 0;

	for (int i = 1; i < argc; i++) {
		const char **slot = NULL;

		if (!strcmp(argv[i], "--quiet")) {
			o.quiet = true;
			continue;
		}
		if (!strcmp(argv[i], "--skip-exit") && i + 1 < argc) {
			o.skip_exit = atoi(argv[++i]);
			if (o.skip_exit < 0 || o.skip_exit > 255)
				usage();
			continue;
		}
		if (!strcmp(argv[i], "--timeout-scale") && i + 1 < argc) {
			o.timeout_scale = atof(argv[++i]);
			if (!(o.timeout_scale > 0))
				usage();
			continue;
		}
		if (!strcmp(argv[i], "--spec"))
			slot = &o.spec;
		else if (!strcmp(argv[i], "--out"))
			slot = &o.out;
		else if (!strcmp(argv[i], "--bindir"))
			slot = &o.bindir;
		else if (!strcmp(argv[i], "--root"))
			slot = &o.root;
		else if (!strcmp(argv[i], "--compiler"))
			slot = &o.compiler;
		else if (!strcmp(argv[i], "--variant"))
			slot = &o.variant;
		else if (!strcmp(argv[i], "--lock"))
			slot = &o.lock;
		if (!slot || i + 1 == argc)
			usage();
		*slot = argv[++i];
	}
	if (!o.spec || !o.out)
		usage();
	if (!o.root)
		o.root = ".";
	if (!o.bindir)
		o.bindir = "build/bin";
	/*
	 * Open MPI's settings for the build's own runs, so that the commands in
	 * the book stay the plain ones: more ranks than cores; no grace period
	 * before a failed job's ranks are killed (mpiexec waits a second by
	 * default); the ob1 messaging layer, which Open MPI selects here anyway,
	 * named so that each start skips probing UCX (0.2 s per mpiexec); running
	 * as root, only when it is root.
	 */
	env[nenv++] = "OMPI_MCA_rmaps_base_oversubscribe=1";
	env[nenv++] = "OMPI_MCA_odls_base_sigkill_timeout=0";
	env[nenv++] = "OMPI_MCA_pml=ob1";
	if (geteuid() == 0) {
		env[nenv++] = "OMPI_ALLOW_RUN_AS_ROOT=1";
		env[nenv++] = "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1";
	}

	diag_init(&d, stderr);
	id = id_of(o.spec);
	if (location_load(o.spec, &chapter, &fence_line) < 0)
		chapter = xstrdup(o.spec);
	if (run_file_load(o.spec, &spec) < 0) {
		fprintf(stderr, "run: %s: cannot read the run file %s: %s; re-run tangle\n", id, o.spec,
			strerror(errno));
		return 2;
	}
	if (run_file_spec(&spec, chapter, fence_line, &r, &d) < 0) {
		fprintf(stderr, "run: %s: the run's block does not parse; re-run tangle\n", id);
		return 2;
	}
	if (record_inputs(&spec, o.root, o.bindir, id, &rec) < 0)
		return 2;
	co.command = r.command;
	shadow = shadow_root(o.root, o.bindir, &shadow_failed);
	if (shadow_failed)
		return 2;
	co.cwd = shadow ? shadow : o.root;
	/* Sanitizer builds run several times slower: their timeouts are scaled. */
	if (o.timeout_scale > 0)
		r.timeout *= o.timeout_scale;
	co.timeout = r.timeout;
	if (r.hangs) {
		co.settled = hang_seen;
		co.settled_arg = &r;
		co.quiet = r.quiet;
	}
	co.grace = 2.0;
	co.max_output = 16u << 20;
	/*
	 * Open MPI creates its session directory, TMPDIR/ompi.HOST.UID, at each
	 * start and removes it at the end: two mpiexec starting at once race on
	 * it ("A call to mkdir was unable to create the desired directory ...
	 * File exists"). Each run gets a directory of its own, removed after it.
	 */
	tmpdir = private_tmpdir();
	if (tmpdir) {
		session = xasprintf("OMPI_MCA_orte_tmpdir_base=%s", tmpdir);
		env[nenv++] = session;
	}
	env[nenv] = NULL;
	co.env = env;

	{
		struct sigaction sa;

		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = interrupted;
		sigaction(SIGINT, &sa, NULL);
		sigaction(SIGTERM, &sa, NULL);
		sigaction(SIGHUP, &sa, NULL);
	}
	lock_fd = take_lock(o.lock, r.is_volatile);
	started = time(NULL);
	if (capture_run(&co, &c) < 0) {
		fprintf(stderr, "run: %s: cannot start the command: %s\n", id, strerror(errno));
		return 2;
	}
	if (lock_fd >= 0)
		close(lock_fd);
	if (tmpdir) {
		remove_tree(tmpdir);
		free(session);
		free(tmpdir);
	}
	if (shadow) {
		remove_tree(shadow);
		free(shadow);
	}
	if (capture_stop) {
		/* Nothing written: the outputs stay as they were. */
		int sig = capture_stop;

		signal(sig, SIG_DFL);
		raise(sig);
		return 128 + sig;
	}

	skipped = runspec_skipped(&r, c.timed_out || c.went_quiet, c.exit_status, c.signal);
	failures = skipped ? 0 :
		runspec_check(&r, c.output.data ? c.output.data : "", c.output.len,
			      c.went_quiet ? RUN_WENT_QUIET : c.timed_out ? RUN_TIMED_OUT : RUN_ENDED,
			      c.exit_status, c.signal, chapter, &d, &rec.values);
	if (!skipped)
		report_quote_sites(o.spec, &r, &rec.values, id, &d);
	if (c.leftovers) {
		diag_error(&d, chapter, r.command_line, 0,
			   "the run left %d process%s running after it ended (killed now): a program forgot to wait for its children",
			   c.leftovers, c.leftovers == 1 ? "" : "es");
		failures++;
	}
	if (c.dropped)
		fprintf(stderr, "%s:%d: warning: the output was cut at %zu bytes (%zu more dropped)\n",
			chapter, r.command_line, c.output.len, c.dropped);

	fill_record(&rec, id, chapter, fence_line, &r, &c, &o, started, failures, skipped);
	run_record_write(&rec, &json);
	txt_path = xasprintf("%s/%s.txt", o.out, id);
	json_path = xasprintf("%s/%s.json", o.out, id);
	fail_txt = xasprintf("%s/%s.failed.txt", o.out, id);
	fail_json = xasprintf("%s/%s.failed.json", o.out, id);
	if (failures == 0) {
		/* The .txt first: a present .json means a complete pair. */
		if (write_atomic(txt_path, c.output.data ? c.output.data : "", c.output.len) < 0 ||
		    write_atomic(json_path, json.data, json.len) < 0) {
			fprintf(stderr, "run: %s: cannot write %s: %s\n", id, o.out, strerror(errno));
			return 2;
		}
		unlink(fail_txt);
		unlink(fail_json);
		if (skipped)
			fprintf(stderr, "run  %-28s SKIPPED: it cannot run on this machine (exit %d); %s:%d\n",
				id, c.exit_status, chapter, r.command_line);
		else if (!o.quiet)
			fprintf(stderr, "run  %-28s ok  %6.2fs%s\n", id, c.wall,
			c.went_quiet ? "  (hung as expected: stopped after its silence)" : "");
	} else {
		unlink(json_path);
		unlink(txt_path);
		write_atomic(fail_txt, c.output.data ? c.output.data : "", c.output.len);
		write_atomic(fail_json, json.data, json.len);
		show_tail(&c.output);
		fprintf(stderr, "run  %-28s FAILED: %d expectation%s of %s:%d not met; output in %s\n",
			id, failures, failures == 1 ? "" : "s", chapter, fence_line, fail_txt);
	}
	buf_free(&json);
	free(txt_path);
	free(json_path);
	free(fail_txt);
	free(fail_json);
	free(id);
	free(chapter);
	capture_result_free(&c);
	runspec_free(&r);
	run_file_free(&spec);
	run_record_free(&rec);
	return failures ? 1 : skipped ? o.skip_exit : 0;
}
