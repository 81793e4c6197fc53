/*
 * run - execute one run block of the book and check its expectations.
 *
 *   run --spec build/gen/runs/ID.run --out DIR [--bindir DIR] [--root DIR]
 *       [--compiler TEXT] [--variant NAME] [--lock FILE] [--timeout-scale F]
 *       [--skip-exit N] [--quiet]
 *
 * The command is run exactly as the chapter shows it, from the repository
 * root (--root); "build/bin/" at the start of a word is replaced by --bindir
 * so that the sanitizer builds run their own binaries. Open MPI's settings for
 * running as root and oversubscribing cores are added to the environment,
 * so the command in the book stays the plain one, and each run gets a
 * session directory of its own for Open MPI (OMPI_MCA_orte_tmpdir_base),
 * removed when it ends, so that runs started at the same time never race.
 *
 * On success writes DIR/ID.txt (the output) and DIR/ID.json (how it ended,
 * wall time, provenance) atomically and exits 0. When an expectation fails,
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
 * --timeout-scale multiplies every timeout but that of a .hangs run (the
 * sanitizer builds run several times slower). --quiet prints nothing when the
 * run passes.
 *
 * Runs whose block is .volatile (timings) hold an exclusive lock on --lock
 * while they run, other runs a shared one, so timings are never taken while
 * another run of the book competes for the cores.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "attr.h"
#include "capture.h"
#include "diag.h"
#include "fsutil.h"
#include "json.h"
#include "runspec.h"

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

/* Chapter path and fence line from ID.loc; defaults to the spec itself. */
static void read_location(const char *spec, char **chapter, int *line)
{
	char *loc = xstrndup(spec, strlen(spec) - (ends_with(spec, ".run") ? 4 : 0));
	struct buf text = {0};
	char *path = loc;

	loc = xasprintf("%s.loc", path);
	free(path);
	*chapter = xstrdup(spec);
	*line = 0;
	if (read_file(loc, &text) == 0 && text.len) {
		char *sp = strrchr(text.data, ' ');

		if (sp) {
			free(*chapter);
			*chapter = xstrndup(text.data, (size_t)(sp - text.data));
			*line = atoi(sp + 1);
		}
	}
	buf_free(&text);
	free(loc);
}

/* Parse the spec file: the attribute line, then the block body. */
static int load_spec(const char *spec, const char *chapter, int fence_line,
		     struct runspec *r, struct buf *text, struct diag *d)
{
	struct attrs a;
	struct arena mem = {0};
	struct line *lines = NULL;
	size_t n = 0, start;
	char *nl;
	int rc;

	if (read_file(spec, text) < 0) {
		diag_error(d, spec, 0, 0, "cannot read the run spec: %s", strerror(errno));
		return -1;
	}
	nl = memchr(text->data ? text->data : "", '\n', text->len);
	if (!nl) {
		diag_error(d, spec, 0, 0, "a run spec starts with an attribute line");
		return -1;
	}
	if (attrs_parse(&a, &mem, text->data, (size_t)(nl - text->data), chapter, fence_line, 1, d) < 0) {
		arena_free(&mem);
		return -1;
	}
	start = (size_t)(nl - text->data) + 1;
	while (start < text->len) {
		char *e = memchr(text->data + start, '\n', text->len - start);
		size_t end = e ? (size_t)(e - text->data) : text->len;

		lines = xrealloc(lines, (n + 1) * sizeof(*lines));
		lines[n] = (struct line){.text = text->data + start, .len = end - start,
					 .lineno = fence_line + 1 + (int)n};
		n++;
		start = end + 1;
	}
	rc = runspec_parse(r, &a, lines, n, chapter, fence_line, d);
	free(lines);
	arena_free(&mem);
	return rc;
}

/* Replace "build/bin/" at the start of a word by bindir + "/". */
static char *rewrite_command(const char *cmd, const char *bindir)
{
	struct buf b = {0};
	const char *p = cmd;

	if (!bindir || !strcmp(bindir, "build/bin"))
		return xstrdup(cmd);
	while (*p) {
		bool word_start = p == cmd || p[-1] == ' ' || p[-1] == '\t' || p[-1] == '=';

		if (word_start && starts_with(p, "build/bin/")) {
			buf_printf(&b, "%s/", bindir);
			p += 10;
		} else {
			buf_putc(&b, *p++);
		}
	}
	return buf_detach(&b);
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

static void put_str(struct buf *j, const char *key, const char *value, bool more)
{
	buf_printf(j, "  \"%s\": ", key);
	if (value)
		json_string(j, value);
	else
		buf_puts(j, "null");
	buf_puts(j, more ? ",\n" : "\n");
}

static char *metadata(const char *id, const char *chapter, int line, const struct runspec *r,
		      const struct capture_result *c, const struct options *o, time_t started,
		      int failures, bool skipped)
{
	struct buf j = {0};
	char date[32], *cpu = cpu_model(), *kernel;
	struct utsname u;

	strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%SZ", gmtime(&started));
	kernel = uname(&u) == 0 ? xasprintf("%s %s", u.sysname, u.release) : xstrdup("unknown");
	buf_puts(&j, "{\n");
	put_str(&j, "id", id, true);
	put_str(&j, "command", r->command, true);
	buf_printf(&j, "  \"source\": ");
	{
		char *src = xasprintf("%s:%d", chapter, r->command_line ? r->command_line : line);

		json_string(&j, src);
		free(src);
	}
	buf_puts(&j, ",\n");
	buf_printf(&j, "  \"exit_status\": %d,\n", c->signal ? -1 : c->exit_status);
	put_str(&j, "signal", c->signal ? (signal_name(c->signal) ? signal_name(c->signal) : "unknown") : NULL, true);
	buf_printf(&j, "  \"timed_out\": %s,\n", c->timed_out ? "true" : "false");
	buf_printf(&j, "  \"timeout\": %g,\n", r->timeout);
	buf_printf(&j, "  \"wall_seconds\": %.3f,\n", c->wall);
	buf_printf(&j, "  \"output_bytes\": %zu,\n", c->output.len + c->dropped);
	buf_printf(&j, "  \"dropped_bytes\": %zu,\n", c->dropped);
	buf_printf(&j, "  \"leftover_processes\": %d,\n", c->leftovers);
	buf_printf(&j, "  \"volatile\": %s,\n", r->is_volatile ? "true" : "false");
	buf_printf(&j, "  \"hangs\": %s,\n", r->hangs ? "true" : "false");
	buf_printf(&j, "  \"skipped\": %s,\n", skipped ? "true" : "false");
	buf_printf(&j, "  \"failures\": %d,\n", failures);
	put_str(&j, "date", date, true);
	buf_printf(&j, "  \"cores\": %ld,\n", sysconf(_SC_NPROCESSORS_ONLN));
	put_str(&j, "cpu", cpu, true);
	put_str(&j, "kernel", kernel, true);
	put_str(&j, "compiler", o->compiler, true);
	put_str(&j, "variant", o->variant, false);
	buf_puts(&j, "}\n");
	free(cpu);
	free(kernel);
	return buf_detach(&j);
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
	struct buf spec_text = {0};
	struct capture_opts co = {0};
	struct capture_result c;
	struct diag d;
	char *id, *chapter, *cmd, *meta, *txt_path, *json_path, *fail_txt, *fail_json;
	int fence_line, failures, lock_fd;
	bool skipped;
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
	read_location(o.spec, &chapter, &fence_line);
	if (load_spec(o.spec, chapter, fence_line, &r, &spec_text, &d) < 0) {
		fprintf(stderr, "run: %s: the spec does not parse; re-run tangle\n", id);
		return 2;
	}
	cmd = rewrite_command(r.command, o.bindir);
	co.command = cmd;
	co.cwd = o.root;
	/*
	 * Sanitizer builds run several times slower: their timeouts are scaled.
	 * A run that must hang keeps its own, since it waits for nothing.
	 */
	if (o.timeout_scale > 0 && !r.hangs)
		r.timeout *= o.timeout_scale;
	co.timeout = r.timeout;
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
	if (capture_stop) {
		/* Nothing written: the outputs stay as they were. */
		int sig = capture_stop;

		signal(sig, SIG_DFL);
		raise(sig);
		return 128 + sig;
	}

	skipped = runspec_skipped(&r, c.timed_out, c.exit_status, c.signal);
	failures = skipped ? 0 :
		runspec_check(&r, c.output.data ? c.output.data : "", c.output.len,
			      c.timed_out, c.exit_status, c.signal, chapter, &d);
	if (c.leftovers) {
		diag_error(&d, chapter, r.command_line, 0,
			   "the run left %d process%s running after it ended (killed now): a program forgot to wait for its children",
			   c.leftovers, c.leftovers == 1 ? "" : "es");
		failures++;
	}
	if (c.dropped)
		fprintf(stderr, "%s:%d: warning: the output was cut at %zu bytes (%zu more dropped)\n",
			chapter, r.command_line, c.output.len, c.dropped);

	meta = metadata(id, chapter, fence_line, &r, &c, &o, started, failures, skipped);
	txt_path = xasprintf("%s/%s.txt", o.out, id);
	json_path = xasprintf("%s/%s.json", o.out, id);
	fail_txt = xasprintf("%s/%s.failed.txt", o.out, id);
	fail_json = xasprintf("%s/%s.failed.json", o.out, id);
	if (failures == 0) {
		/* The .txt first: a present .json means a complete pair. */
		if (write_atomic(txt_path, c.output.data ? c.output.data : "", c.output.len) < 0 ||
		    write_atomic(json_path, meta, strlen(meta)) < 0) {
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
			c.timed_out ? "  (stopped at its timeout, as expected)" : "");
	} else {
		unlink(json_path);
		unlink(txt_path);
		write_atomic(fail_txt, c.output.data ? c.output.data : "", c.output.len);
		write_atomic(fail_json, meta, strlen(meta));
		show_tail(&c.output);
		fprintf(stderr, "run  %-28s FAILED: %d expectation%s of %s:%d not met; output in %s\n",
			id, failures, failures == 1 ? "" : "s", chapter, fence_line, fail_txt);
	}
	free(meta);
	free(txt_path);
	free(json_path);
	free(fail_txt);
	free(fail_json);
	free(cmd);
	free(id);
	free(chapter);
	capture_result_free(&c);
	runspec_free(&r);
	buf_free(&spec_text);
	return failures ? 1 : skipped ? o.skip_exit : 0;
}
