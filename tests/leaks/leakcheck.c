/*
 * leakcheck - after the whole test suite, nothing the suite started is left
 * behind: no POSIX shared memory object or named semaphore (both live in
 * /dev/shm), no POSIX message queue, no process, no temporary file (every
 * test's TMPDIR is the suite's own directory, BINARY/suite-tmp, which
 * "baseline" empties and "check tmp" requires empty again), no named network
 * namespace of the book's clusters (Chapter 4's cluster.sh and slurm.sh name
 * theirs book4-... and book4slurm-...: "check netns"), and no mount on
 * /etc/hosts, /dev/shm or inside the source or binary directory (the Slurm
 * cluster's hosts mount a hosts file and a /dev/shm of their own, in mount
 * namespaces of their own: "check mounts" proves none of it reached the
 * machine's).
 *
 *   leakcheck baseline STATE --source DIR --binary DIR
 *   leakcheck check shm|mqueue|processes|tmp|netns|mounts STATE --source DIR --binary DIR [--grace S]
 *   leakcheck selftest --source DIR --binary DIR
 *
 * "baseline" runs first (a CTest fixture setup) and records what exists;
 * "check" runs last (the fixture's cleanup) and reports what is new. Exit
 * status: 0 nothing left, 1 something left (each reported), 2 an error,
 * 77 this machine gives no way to list what WHAT names (CTest: skipped).
 *
 * Other suites may run at the same time on the machine (another checkout,
 * another user), so a new thing counts only when it is this suite's:
 *   - a process is the suite's when it inherited the suite's mark,
 *     BOOK_SUITE=<the --binary directory>, which CTest puts in the
 *     environment of every test (lit.cmake, tests/CMakeLists.txt); processes
 *     running this checker are not counted;
 *   - an IPC object is the suite's unless a live process that is not the
 *     suite's holds it open or mapped (then another suite is using it);
 *   - a network namespace named like the book's is the suite's when one of
 *     the suite's cluster state files notes it ("netns NAME": cluster.sh and
 *     slurm.sh note each namespace the moment it exists, and keep the file
 *     when they could not remove one) and no live process that is not the
 *     suite's runs in it. The state files are the regular files of the
 *     suite's TMPDIR and the fixtures' BINARY/tests/cluster/cluster.state and
 *     BINARY/tests/slurm/slurm.state. An empty namespace that no state file
 *     of the suite notes is another checkout's cluster between its tests: it
 *     is listed as not counted.
 * A new thing gets --grace seconds (default 3) to go away before it counts:
 * a process that is exiting, an object another suite is about to unlink.
 * A process that clears its environment before it is left behind escapes
 * the check; none of the book's programs does.
 *
 * Message queues are listed in /dev/mqueue when the mqueue filesystem is
 * mounted there. When it is not, a child process mounts it privately (a new
 * mount namespace of its own, which vanishes with it: the machine's mounts
 * are not touched) and lists it there; that needs CAP_SYS_ADMIN. When neither
 * works, the check says so and exits 77: it never reports "nothing left"
 * about something it could not see.
 *
 * "selftest" proves that the check can fail: it leaves a shared memory
 * object, a named semaphore, a message queue and a process behind on purpose,
 * and as root a named network namespace and a mount in the binary directory,
 * checks that each is reported, and removes them.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <mqueue.h>
#include <sched.h>
#include <semaphore.h>
#include <signal.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef MQUEUE_MAGIC
#define MQUEUE_MAGIC 0x19800202
#endif

enum { EXIT_CLEAN = 0, EXIT_LEFT = 1, EXIT_ERROR = 2, EXIT_UNCHECKED = 77 };

extern char **environ;

struct names {
	char **items;
	size_t len, cap;
};

static void names_add(struct names *n, const char *s)
{
	if (n->len == n->cap) {
		n->cap = n->cap ? 2 * n->cap : 32;
		n->items = realloc(n->items, n->cap * sizeof(*n->items));
		if (!n->items) {
			perror("leakcheck: realloc");
			exit(EXIT_ERROR);
		}
	}
	n->items[n->len] = strdup(s);
	if (!n->items[n->len]) {
		perror("leakcheck: strdup");
		exit(EXIT_ERROR);
	}
	n->len++;
}

static bool names_has(const struct names *n, const char *s)
{
	for (size_t i = 0; i < n->len; i++)
		if (!strcmp(n->items[i], s))
			return true;
	return false;
}

static void names_free(struct names *n)
{
	for (size_t i = 0; i < n->len; i++)
		free(n->items[i]);
	free(n->items);
	memset(n, 0, sizeof(*n));
}

static const char *source_dir, *binary_dir;
static char self_exe[PATH_MAX];

/* ---- what exists ------------------------------------------------------ */

/* The entries of @p dir (no "." or ".."); -1 when it cannot be read. */
static int list_dir(const char *dir, struct names *out)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	if (!d)
		return -1;
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			names_add(out, e->d_name);
	closedir(d);
	return 0;
}

/* In a child: mount the mqueue filesystem privately on @p dir, list it to @p fd. */
static void list_mqueue_privately(const char *dir, int fd)
{
	DIR *d;
	struct dirent *e;

	if (unshare(CLONE_NEWNS) < 0) {
		dprintf(fd, "!unshare(CLONE_NEWNS): %s\n", strerror(errno));
		_exit(1);
	}
	/* Nothing done in this namespace may propagate back to the machine's. */
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0) {
		dprintf(fd, "!making the mounts private: %s\n", strerror(errno));
		_exit(1);
	}
	if (mount("mqueue", dir, "mqueue", 0, NULL) < 0) {
		dprintf(fd, "!mount -t mqueue: %s\n", strerror(errno));
		_exit(1);
	}
	d = opendir(dir);
	if (!d) {
		dprintf(fd, "!opendir: %s\n", strerror(errno));
		_exit(1);
	}
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			dprintf(fd, "%s\n", e->d_name);
	closedir(d);
	_exit(0);
}

/*
 * The message queues of this IPC namespace. Returns 0 and sets *how, or -1
 * with the reason in @p why.
 */
static int list_mqueues(struct names *out, const char **how, char *why, size_t whylen)
{
	struct statfs fs;
	char dir[] = "/tmp/leakcheck-mqueue-XXXXXX", buf[4096], *line, *save;
	struct names lines = {0};
	size_t len = 0;
	int fds[2], status, rc = 0;
	ssize_t n;
	pid_t pid;

	if (statfs("/dev/mqueue", &fs) == 0 && fs.f_type == MQUEUE_MAGIC) {
		*how = "/dev/mqueue";
		return list_dir("/dev/mqueue", out);
	}
	if (!mkdtemp(dir) || pipe(fds) < 0) {
		snprintf(why, whylen, "cannot prepare a private mount: %s", strerror(errno));
		return -1;
	}
	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		snprintf(why, whylen, "fork: %s", strerror(errno));
		rmdir(dir);
		return -1;
	}
	if (pid == 0) {
		close(fds[0]);
		list_mqueue_privately(dir, fds[1]);
	}
	close(fds[1]);
	while ((n = read(fds[0], buf + len, sizeof(buf) - 1 - len)) > 0 || (n < 0 && errno == EINTR))
		if (n > 0)
			len += (size_t)n;
	buf[len] = '\0';
	close(fds[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	rmdir(dir);
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		names_add(&lines, line);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		snprintf(why, whylen, "no mqueue filesystem at /dev/mqueue, and a private mount failed (%s)",
			 lines.len && lines.items[0][0] == '!' ? lines.items[0] + 1 : "the child failed");
		rc = -1;
	} else {
		for (size_t i = 0; i < lines.len; i++)
			names_add(out, lines.items[i]);
		*how = "a private mount of the mqueue file system, since /dev/mqueue is not one";
	}
	names_free(&lines);
	return rc;
}

/* The named network namespaces of the book's clusters (ip netns add puts them in /run/netns). */
static const char netns_dir[] = "/run/netns";

static bool is_books_netns(const char *name)
{
	return !strncmp(name, "book4-", 6) || !strncmp(name, "book4slurm-", 11);
}

static int list_netns(struct names *out)
{
	struct names all = {0};

	if (list_dir(netns_dir, &all) < 0) {
		int saved = errno;

		names_free(&all);
		errno = saved;
		return saved == ENOENT ? 0 : -1;	/* no /run/netns: no named namespace at all */
	}
	for (size_t i = 0; i < all.len; i++)
		if (is_books_netns(all.items[i]))
			names_add(out, all.items[i]);
	names_free(&all);
	return 0;
}

/* Undo the octal escapes (\040 for a blank) of a path in /proc/self/mountinfo. */
static void unescape_mount_path(char *s)
{
	char *w = s;

	for (char *r = s; *r; r++) {
		if (r[0] == '\\' && r[1] >= '0' && r[1] <= '3' && r[2] >= '0' && r[2] <= '7' &&
		    r[3] >= '0' && r[3] <= '7') {
			*w++ = (char)((r[1] - '0') * 64 + (r[2] - '0') * 8 + (r[3] - '0'));
			r += 3;
		} else {
			*w++ = *r;
		}
	}
	*w = '\0';
}

static bool under(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	return !strncmp(path, dir, n) && (path[n] == '/' || path[n] == '\0');
}

/*
 * The mount points of this mount namespace that the suite could have made:
 * /etc/hosts and /dev/shm (which the Slurm cluster's hosts mount privately),
 * and anything inside the source or the binary directory. A path on which
 * several mounts are stacked is listed once per mount ("PATH", "PATH (mount
 * 2)", ...), so that one more mount on /dev/shm, a mount point already, is
 * seen.
 */
static int list_mounts(struct names *out)
{
	char line[8192];
	FILE *f = fopen("/proc/self/mountinfo", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		char *point = line;

		/* ID PARENT MAJOR:MINOR ROOT MOUNT-POINT ...: the fifth field */
		for (int field = 1; field < 5 && point; field++) {
			point = strchr(point, ' ');
			if (point)
				point++;
		}
		if (!point)
			continue;
		point[strcspn(point, " ")] = '\0';
		unescape_mount_path(point);
		if (!strcmp(point, "/etc/hosts") || !strcmp(point, "/dev/shm") ||
		    under(point, source_dir) || under(point, binary_dir)) {
			char name[sizeof(line) + 32];
			int k = 1;

			snprintf(name, sizeof(name), "%s", point);
			while (names_has(out, name))
				snprintf(name, sizeof(name), "%s (mount %d)", point, ++k);
			names_add(out, name);
		}
	}
	fclose(f);
	return 0;
}

struct proc {
	int pid;
	unsigned long long start;	/* clock ticks after boot: with pid, unique */
	char state;
};

/* Read /proc/PID/stat; 0 on success. */
static int read_stat(int pid, struct proc *p)
{
	char path[64], buf[1024], *rp;
	FILE *f;
	int field;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	if (!fgets(buf, sizeof(buf), f)) {
		fclose(f);
		return -1;
	}
	fclose(f);
	rp = strrchr(buf, ')');		/* the name may hold spaces and ')' */
	if (!rp || sscanf(rp + 1, " %c", &p->state) != 1)
		return -1;
	/* starttime is field 22; after ')' comes field 3 (state). */
	rp += 2;
	for (field = 3; field < 22 && rp; field++) {
		rp = strchr(rp, ' ');
		if (rp)
			rp++;
	}
	if (!rp || sscanf(rp, "%llu", &p->start) != 1)
		return -1;
	p->pid = pid;
	return 0;
}

/* Every process now; *n set. */
static struct proc *list_procs(size_t *n)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	struct proc *ps = NULL;
	size_t len = 0, cap = 0;

	if (!d) {
		perror("leakcheck: /proc");
		exit(EXIT_ERROR);
	}
	while ((e = readdir(d))) {
		char *end;
		long pid = strtol(e->d_name, &end, 10);
		struct proc p;

		if (*end || pid <= 0 || read_stat((int)pid, &p) < 0)
			continue;
		if (len == cap) {
			cap = cap ? 2 * cap : 256;
			ps = realloc(ps, cap * sizeof(*ps));
			if (!ps) {
				perror("leakcheck: realloc");
				exit(EXIT_ERROR);
			}
		}
		ps[len++] = p;
	}
	closedir(d);
	*n = len;
	return ps;
}

static void link_of(int pid, const char *what, char *out, size_t len)
{
	char path[64];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/%s", pid, what);
	n = readlink(path, out, len - 1);
	out[n > 0 ? n : 0] = '\0';
}

/* Is @p pid this suite's (see the header)? Processes of this checker are not. */
static bool suites(int pid, bool *is_checker)
{
	char exe[PATH_MAX], path[64], *env, *mark;
	size_t len = 0, cap = 1 << 16, marklen;
	bool found = false;
	FILE *f;

	link_of(pid, "exe", exe, sizeof(exe));
	*is_checker = exe[0] && !strcmp(exe, self_exe);
	snprintf(path, sizeof(path), "/proc/%d/environ", pid);
	f = fopen(path, "r");
	if (!f)
		return false;
	env = malloc(cap);
	while (env && !feof(f) && !ferror(f)) {
		if (len == cap) {
			char *bigger = realloc(env, cap * 2);

			if (!bigger)
				break;
			env = bigger;
			cap *= 2;
		}
		len += fread(env + len, 1, cap - len, f);
	}
	fclose(f);
	marklen = strlen("BOOK_SUITE=") + strlen(binary_dir) + 1;
	mark = malloc(marklen);
	if (env && mark) {
		snprintf(mark, marklen, "BOOK_SUITE=%s", binary_dir);
		/* The environment is NUL-separated NAME=VALUE strings. */
		for (size_t i = 0; i < len && !found; i += strnlen(env + i, len - i) + 1)
			found = strnlen(env + i, len - i) == marklen - 1 && !memcmp(env + i, mark, marklen - 1);
	}
	free(mark);
	free(env);
	return found;
}

/* ---- the state file ----------------------------------------------------- */

static int write_state(const char *file)
{
	struct names shm = {0}, mq = {0}, netns = {0}, mounts = {0};
	const char *how = NULL;
	char why[512];
	size_t n;
	struct proc *ps = list_procs(&n);
	FILE *f = fopen(file, "w");

	if (!f) {
		fprintf(stderr, "leakcheck: %s: %s\n", file, strerror(errno));
		return EXIT_ERROR;
	}
	for (size_t i = 0; i < n; i++)
		fprintf(f, "P %d %llu\n", ps[i].pid, ps[i].start);
	if (list_dir("/dev/shm", &shm) == 0)
		for (size_t i = 0; i < shm.len; i++)
			fprintf(f, "S %s\n", shm.items[i]);
	if (list_mqueues(&mq, &how, why, sizeof(why)) == 0)
		for (size_t i = 0; i < mq.len; i++)
			fprintf(f, "Q %s\n", mq.items[i]);
	if (list_netns(&netns) == 0)
		for (size_t i = 0; i < netns.len; i++)
			fprintf(f, "N %s\n", netns.items[i]);
	if (list_mounts(&mounts) == 0)
		for (size_t i = 0; i < mounts.len; i++)
			fprintf(f, "M %s\n", mounts.items[i]);
	if (fclose(f) != 0) {
		fprintf(stderr, "leakcheck: %s: %s\n", file, strerror(errno));
		return EXIT_ERROR;
	}
	printf("baseline: %zu processes, %zu entries in /dev/shm, ", n, shm.len);
	if (how)
		printf("%zu message queues, listed through %s\n", mq.len, how);
	else
		printf("message queues not listable: %s\n", why);
	printf("baseline: %zu network namespaces of the book's clusters, %zu mounts on /etc/hosts, "
	       "/dev/shm or in the source or binary directory\n", netns.len, mounts.len);
	free(ps);
	names_free(&shm);
	names_free(&mq);
	names_free(&netns);
	names_free(&mounts);
	return EXIT_CLEAN;
}

struct baseline {
	struct names shm, mq, netns, mounts;
	struct proc *procs;
	size_t nprocs;
};

static int read_state(const char *file, struct baseline *b)
{
	char line[PATH_MAX + 8];
	FILE *f = fopen(file, "r");
	size_t cap = 0;

	memset(b, 0, sizeof(*b));
	if (!f) {
		fprintf(stderr, "leakcheck: no baseline %s: %s (did the baseline test run?)\n",
			file, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (line[0] == 'S' && line[1] == ' ')
			names_add(&b->shm, line + 2);
		else if (line[0] == 'Q' && line[1] == ' ')
			names_add(&b->mq, line + 2);
		else if (line[0] == 'N' && line[1] == ' ')
			names_add(&b->netns, line + 2);
		else if (line[0] == 'M' && line[1] == ' ')
			names_add(&b->mounts, line + 2);
		else if (line[0] == 'P') {
			struct proc p = {0};

			if (sscanf(line + 1, "%d %llu", &p.pid, &p.start) != 2)
				continue;
			if (b->nprocs == cap) {
				cap = cap ? 2 * cap : 256;
				b->procs = realloc(b->procs, cap * sizeof(*b->procs));
				if (!b->procs) {
					perror("leakcheck: realloc");
					exit(EXIT_ERROR);
				}
			}
			b->procs[b->nprocs++] = p;
		}
	}
	fclose(f);
	return 0;
}

static void baseline_free(struct baseline *b)
{
	names_free(&b->shm);
	names_free(&b->mq);
	names_free(&b->netns);
	names_free(&b->mounts);
	free(b->procs);
}

/* ---- the checks --------------------------------------------------------- */

static void sleep_s(double s)
{
	struct timespec t = {(time_t)s, (long)((s - (double)(time_t)s) * 1e9)};

	while (nanosleep(&t, &t) < 0 && errno == EINTR)
		;
}

/*
 * A live process that is not the suite's holds @p target (a /dev/shm path,
 * or "/NAME" for a message queue) open or mapped: returns its pid, else 0.
 */
static int foreign_holder(const char *target, bool mapped_too)
{
	size_t n;
	struct proc *ps = list_procs(&n);
	int found = 0;

	for (size_t i = 0; i < n && !found; i++) {
		char dir[64], link[PATH_MAX], path[PATH_MAX + 64];
		bool checker, holds = false;
		struct dirent *e;
		DIR *d;

		if (suites(ps[i].pid, &checker))
			continue;
		snprintf(dir, sizeof(dir), "/proc/%d/fd", ps[i].pid);
		d = opendir(dir);
		while (d && !holds && (e = readdir(d))) {
			ssize_t len;

			snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
			len = readlink(path, link, sizeof(link) - 1);
			if (len <= 0)
				continue;
			link[len] = '\0';
			holds = !strcmp(link, target);
		}
		if (d)
			closedir(d);
		if (!holds && mapped_too) {
			FILE *maps;

			snprintf(path, sizeof(path), "/proc/%d/maps", ps[i].pid);
			maps = fopen(path, "r");
			while (maps && !holds && fgets(link, sizeof(link), maps)) {
				char *p = strchr(link, '/');

				if (p) {
					p[strcspn(p, "\n")] = '\0';
					holds = !strcmp(p, target);
				}
			}
			if (maps)
				fclose(maps);
		}
		if (holds)
			found = ps[i].pid;
	}
	free(ps);
	return found;
}

/* The parent of @p pid, or 0. */
static int parent_of(int pid)
{
	char path[64], buf[1024], *rp;
	int ppid = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	f = fopen(path, "r");
	if (!f)
		return 0;
	if (fgets(buf, sizeof(buf), f) && (rp = strrchr(buf, ')')))
		sscanf(rp + 1, " %*c %d", &ppid);
	fclose(f);
	return ppid;
}

/*
 * A live process that is not the suite's runs in the network namespace @p
 * name: its pid, else 0. A process whose parent is the suite's counts as the
 * suite's too: a daemon's helper that cleared its environment (slurmctld's
 * slurmscriptd) does not make the namespace another suite's.
 */
static int foreign_netns_user(const char *name)
{
	char path[sizeof(netns_dir) + PATH_MAX], want[64];
	struct stat st;
	size_t n;
	struct proc *ps;
	int found = 0;

	snprintf(path, sizeof(path), "%s/%s", netns_dir, name);
	if (stat(path, &st) < 0)
		return 0;
	snprintf(want, sizeof(want), "net:[%llu]", (unsigned long long)st.st_ino);
	ps = list_procs(&n);
	for (size_t i = 0; i < n && !found; i++) {
		char link[64];
		bool checker;

		link_of(ps[i].pid, "ns/net", link, sizeof(link));
		if (!strcmp(link, want) && !suites(ps[i].pid, &checker) &&
		    !suites(parent_of(ps[i].pid), &checker))
			found = ps[i].pid;
	}
	free(ps);
	return found;
}

/* The suite's TMPDIR: every test's temporary files go there. */
static char *suite_tmp(void)
{
	static char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/suite-tmp", binary_dir);
	return path;
}

/* The file @p path (a cluster's state file) has the line "netns @p name". */
static bool file_notes_netns(const char *path, const char *name)
{
	char line[512];
	bool found = false;
	struct stat st;
	FILE *f;

	if (stat(path, &st) < 0 || !S_ISREG(st.st_mode) || !(f = fopen(path, "r")))
		return false;
	while (!found && fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		found = !strncmp(line, "netns ", 6) && !strcmp(line + 6, name);
	}
	fclose(f);
	return found;
}

/* One of the suite's cluster state files notes the network namespace @p name. */
static bool suite_notes_netns(const char *name)
{
	static const char *const fixtures[] = {"tests/cluster/cluster.state", "tests/slurm/slurm.state"};
	char path[PATH_MAX];
	struct names tmp = {0};
	bool found = false;

	for (size_t i = 0; i < sizeof(fixtures) / sizeof(fixtures[0]) && !found; i++) {
		int len = snprintf(path, sizeof(path), "%s/%s", binary_dir, fixtures[i]);

		found = len > 0 && (size_t)len < sizeof(path) && file_notes_netns(path, name);
	}
	list_dir(suite_tmp(), &tmp);
	for (size_t i = 0; i < tmp.len && !found; i++) {
		int len = snprintf(path, sizeof(path), "%s/%s", suite_tmp(), tmp.items[i]);

		found = len > 0 && (size_t)len < sizeof(path) && file_notes_netns(path, name);
	}
	names_free(&tmp);
	return found;
}

/*
 * The objects of @p now that the baseline lacks, that survive the grace
 * period and that no other suite holds: each is reported, and counted.
 * @p kind is shm, mqueue, netns or mounts.
 */
static size_t left_objects(const char *kind, const struct names *before,
			   int (*list)(struct names *), double grace,
			   struct names *left)
{
	struct names now = {0};
	double waited = 0;

	for (;;) {
		names_free(&now);
		list(&now);
		names_free(left);
		for (size_t i = 0; i < now.len; i++)
			if (!names_has(before, now.items[i]))
				names_add(left, now.items[i]);
		if (!left->len || waited >= grace)
			break;
		sleep_s(0.25);
		waited += 0.25;
	}
	names_free(&now);
	for (size_t i = 0; i < left->len;) {
		char target[PATH_MAX];
		int holder = 0;
		bool shm = !strcmp(kind, "shm"), netns = !strcmp(kind, "netns");
		const char *what = shm ? "" : netns ? "network namespace " : "message queue ";

		if (!strcmp(kind, "mounts")) {
			printf("LEFT BEHIND: a mount on %s\n", left->items[i]);
			i++;
			continue;
		}
		if (netns) {
			snprintf(target, sizeof(target), "%s", left->items[i]);
			holder = foreign_netns_user(target);
		} else {
			snprintf(target, sizeof(target), shm ? "/dev/shm/%s" : "/%s", left->items[i]);
			holder = foreign_holder(target, shm);
		}
		if (holder) {
			printf("not counted: %s%s, new since the baseline, is in use by process %d, "
			       "which is not this suite's\n", what, target, holder);
			free(left->items[i]);
			left->items[i] = left->items[--left->len];
			continue;
		}
		if (netns && !suite_notes_netns(target)) {
			printf("not counted: %s%s, new since the baseline, is noted in no state file "
			       "of this suite (another checkout's cluster)\n", what, target);
			free(left->items[i]);
			left->items[i] = left->items[--left->len];
			continue;
		}
		printf("LEFT BEHIND: %s%s\n", what, target);
		i++;
	}
	return left->len;
}

static int list_shm(struct names *out)
{
	return list_dir("/dev/shm", out);
}

static int list_mq_quiet(struct names *out)
{
	const char *how;
	char why[512];

	return list_mqueues(out, &how, why, sizeof(why));
}

static bool in_baseline(const struct baseline *b, const struct proc *p)
{
	for (size_t i = 0; i < b->nprocs; i++)
		if (b->procs[i].pid == p->pid && b->procs[i].start == p->start)
			return true;
	return false;
}

static void read_text(int pid, const char *what, char *out, size_t len)
{
	char path[64];
	size_t n = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/%s", pid, what);
	out[0] = '\0';
	f = fopen(path, "r");
	if (!f)
		return;
	n = fread(out, 1, len - 1, f);
	fclose(f);
	out[n] = '\0';
	for (size_t i = 0; i + 1 < n; i++)	/* cmdline: NULs between arguments */
		if (out[i] == '\0')
			out[i] = ' ';
	out[strcspn(out, "\n")] = '\0';
}

/* The suite's processes that the baseline lacks and that outlive the grace period. */
static size_t left_processes(const struct baseline *b, double grace, int *pids, size_t max)
{
	double waited = 0;
	size_t count;

	for (;;) {
		size_t n;
		struct proc *ps = list_procs(&n);

		count = 0;
		for (size_t i = 0; i < n; i++) {
			bool checker;

			if (ps[i].pid == getpid() || in_baseline(b, &ps[i]))
				continue;
			if (suites(ps[i].pid, &checker) && !checker && count < max)
				pids[count++] = ps[i].pid;
		}
		free(ps);
		if (!count || waited >= grace)
			break;
		sleep_s(0.25);
		waited += 0.25;
	}
	for (size_t i = 0; i < count; i++) {
		char cmd[512], cwd[PATH_MAX];
		struct proc p = {0};

		read_stat(pids[i], &p);
		read_text(pids[i], "cmdline", cmd, sizeof(cmd));
		link_of(pids[i], "cwd", cwd, sizeof(cwd));
		printf("LEFT BEHIND: process %d, state %c, in %s: %s\n", pids[i],
		       p.state ? p.state : '?', cwd[0] ? cwd : "?", cmd[0] ? cmd : "(no command line)");
	}
	return count;
}

static int remove_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st;
	(void)type;
	if (ftw->level > 0)
		remove(path);
	return 0;
}

/* Create the suite's TMPDIR, or empty what an interrupted suite left in it. */
static int prepare_suite_tmp(void)
{
	struct names old = {0};

	if (mkdir(suite_tmp(), 0777) < 0 && errno != EEXIST) {
		fprintf(stderr, "leakcheck: %s: %s\n", suite_tmp(), strerror(errno));
		return EXIT_ERROR;
	}
	list_dir(suite_tmp(), &old);
	if (old.len)
		printf("baseline: removed %zu entr%s an earlier, interrupted suite left in %s\n",
		       old.len, old.len == 1 ? "y" : "ies", suite_tmp());
	names_free(&old);
	nftw(suite_tmp(), remove_entry, 16, FTW_DEPTH | FTW_PHYS);
	return EXIT_CLEAN;
}

/* What is still in @p dir after up to @p grace seconds. */
/*
 * Is @p path Open MPI's session directory (ompi.HOST.UID/pid.N/...) of
 * mpiexecs that have all ended? A run that stops an MPI deadlock on purpose
 * signals mpiexec, which may die before it removes the directory: Open MPI's
 * leftover, not the book's. One of a live mpiexec still counts.
 */
static bool ended_ompi_session(const char *dir, const char *name)
{
	char path[PATH_MAX];
	struct names pids = {0};
	bool ended;
	int len = snprintf(path, sizeof(path), "%s/%s", dir, name);

	if (strncmp(name, "ompi.", 5) || len < 0 || (size_t)len >= sizeof(path) || list_dir(path, &pids) < 0)
		return false;
	ended = pids.len > 0;
	for (size_t i = 0; i < pids.len && ended; i++) {
		char *end;
		long pid = strncmp(pids.items[i], "pid.", 4) ? 0 : strtol(pids.items[i] + 4, &end, 10);

		ended = pid > 0 && !*end && kill((pid_t)pid, 0) < 0 && errno == ESRCH;
	}
	names_free(&pids);
	return ended;
}

static size_t left_in_dir(const char *dir, double grace, struct names *left)
{
	for (double waited = 0;; waited += 0.1) {
		names_free(left);
		list_dir(dir, left);
		if (!left->len || waited >= grace)
			break;
		usleep(100000);
	}
	for (size_t i = 0; i < left->len;) {
		if (ended_ompi_session(dir, left->items[i])) {
			char path[PATH_MAX];

			snprintf(path, sizeof(path), "%s/%s", dir, left->items[i]);
			printf("not counted, removed: %s, Open MPI's session directory of an mpiexec that "
			       "ended by a signal (a deadlock stopped on purpose)\n", path);
			nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
			rmdir(path);
			free(left->items[i]);
			left->items[i] = left->items[--left->len];
			continue;
		}
		printf("LEFT BEHIND: %s/%s\n", dir, left->items[i]);
		i++;
	}
	return left->len;
}

static int check(const char *what, const char *file, double grace)
{
	struct baseline b;
	struct names left = {0};
	size_t n = 0;

	if (read_state(file, &b) < 0)
		return EXIT_ERROR;
	if (!strcmp(what, "shm")) {
		n = left_objects("shm", &b.shm, list_shm, grace, &left);
		printf("/dev/shm: %zu shared memory object%s or semaphore%s left behind by the suite\n",
		       n, n == 1 ? "" : "s", n == 1 ? "" : "s");
	} else if (!strcmp(what, "mqueue")) {
		struct names probe = {0};
		const char *how = NULL;
		char why[512];

		if (list_mqueues(&probe, &how, why, sizeof(why)) < 0) {
			printf("message queues NOT CHECKED: %s\n", why);
			baseline_free(&b);
			return EXIT_UNCHECKED;
		}
		names_free(&probe);
		n = left_objects("mqueue", &b.mq, list_mq_quiet, grace, &left);
		printf("message queues, listed through %s: %zu left behind by the suite\n", how, n);
	} else if (!strcmp(what, "processes")) {
		int pids[256];

		n = left_processes(&b, grace, pids, 256);
		printf("processes: %zu of the suite's still running (carrying BOOK_SUITE=%s)\n",
		       n, binary_dir);
	} else if (!strcmp(what, "tmp")) {
		n = left_in_dir(suite_tmp(), grace, &left);
		printf("temporary files: %zu left in the suite's TMPDIR, %s\n", n, suite_tmp());
	} else if (!strcmp(what, "netns")) {
		struct names probe = {0};

		if (list_netns(&probe) < 0) {
			printf("network namespaces NOT CHECKED: %s: %s\n", netns_dir, strerror(errno));
			baseline_free(&b);
			return EXIT_UNCHECKED;
		}
		names_free(&probe);
		n = left_objects("netns", &b.netns, list_netns, grace, &left);
		printf("network namespaces named book4-* or book4slurm-* in %s: %zu left behind by the suite\n",
		       netns_dir, n);
	} else if (!strcmp(what, "mounts")) {
		struct names probe = {0};

		if (list_mounts(&probe) < 0) {
			printf("mounts NOT CHECKED: /proc/self/mountinfo: %s\n", strerror(errno));
			baseline_free(&b);
			return EXIT_UNCHECKED;
		}
		names_free(&probe);
		n = left_objects("mounts", &b.mounts, list_mounts, grace, &left);
		printf("mounts on /etc/hosts, /dev/shm or in %s or %s: %zu left behind by the suite\n",
		       source_dir, binary_dir, n);
	} else {
		fprintf(stderr, "leakcheck: check what? shm, mqueue, processes, tmp, netns or mounts, not '%s'\n",
			what);
		baseline_free(&b);
		return EXIT_ERROR;
	}
	names_free(&left);
	baseline_free(&b);
	return n ? EXIT_LEFT : EXIT_CLEAN;
}

/* ---- the self-test ------------------------------------------------------ */

/* Run a command (argv[0] looked up in PATH) and wait for it; its exit status, or -1. */
static int run_command(char *const argv[])
{
	pid_t pid;
	int status;

	if (posix_spawnp(&pid, argv[0], NULL, NULL, argv, environ) != 0)
		return -1;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/*
 * As root: leave a network namespace of the book's name and a mount in the
 * binary directory behind, check that each is reported, remove them.
 * Returns the number of failures.
 */
static int selftest_netns_and_mounts(const struct baseline *b)
{
	char netns[64], mountpoint[PATH_MAX];
	char *add[] = {"ip", "netns", "add", netns, NULL}, *del[] = {"ip", "netns", "del", netns, NULL};
	struct names left = {0};
	int failures = 0;
	bool found;

	if (geteuid() != 0) {
		printf("selftest: network namespaces and mounts not tested (they need root)\n");
		return 0;
	}
	snprintf(netns, sizeof(netns), "book4-leakcheck-selftest-%d", (int)getpid());
	if (run_command(add) != 0) {
		printf("selftest: ip netns add failed: network namespaces not tested\n");
	} else {
		char state[PATH_MAX];
		FILE *f;

		/* Noted by no state file of the suite: another checkout's. */
		left_objects("netns", &b->netns, list_netns, 0, &left);
		found = names_has(&left, netns);
		printf("selftest: network namespace noted nowhere %s\n", found ? "COUNTED" : "not counted");
		failures += found;
		names_free(&left);
		/* Noted as cluster.sh notes it: the suite's, left behind. */
		snprintf(state, sizeof(state), "%s/leakcheck-selftest-%d.state", suite_tmp(), (int)getpid());
		mkdir(suite_tmp(), 0777);	/* made by the configure step; EEXIST is the rule */
		f = fopen(state, "w");
		if (f && fprintf(f, "name book4-x\nnetns %s\n", netns) < 0) {
			fclose(f);
			f = NULL;
		}
		if (!f || fclose(f) != 0) {
			printf("selftest: %s: %s\n", state, strerror(errno));
			failures++;
		} else {
			left_objects("netns", &b->netns, list_netns, 0, &left);
			found = names_has(&left, netns);
			printf("selftest: network namespace %s\n", found ? "reported" : "NOT REPORTED");
			failures += !found;
			names_free(&left);
		}
		unlink(state);
		run_command(del);
	}
	snprintf(mountpoint, sizeof(mountpoint), "%s/leakcheck-selftest-mount-%d", binary_dir, (int)getpid());
	if (mkdir(mountpoint, 0700) < 0 || mount("tmpfs", mountpoint, "tmpfs", 0, "size=4k") < 0) {
		printf("selftest: mounting a tmpfs on %s: %s: mounts not tested\n", mountpoint, strerror(errno));
	} else {
		left_objects("mounts", &b->mounts, list_mounts, 0, &left);
		found = names_has(&left, mountpoint);
		printf("selftest: mount %s\n", found ? "reported" : "NOT REPORTED");
		failures += !found;
		names_free(&left);
		umount2(mountpoint, MNT_DETACH);
	}
	rmdir(mountpoint);
	return failures;
}

static int selftest(void)
{
	char state[] = "/tmp/leakcheck-selftest-XXXXXX", name[64], shm_file[96], sem_file[96];
	struct baseline b;
	struct names left = {0};
	struct mq_attr attr = {0};
	char *sleeper_argv[] = {"sleep", "60", NULL};
	int fd, failures = 0, pids[256], status;
	size_t n;
	bool found;
	pid_t sleeper;
	sem_t *sem;
	mqd_t mq;
	int mq_ok;

	fd = mkstemp(state);
	if (fd < 0) {
		perror("leakcheck: mkstemp");
		return EXIT_ERROR;
	}
	close(fd);
	if (write_state(state) != EXIT_CLEAN || read_state(state, &b) < 0)
		return EXIT_ERROR;

	/* Leave one of each behind on purpose. */
	snprintf(name, sizeof(name), "/book-leakcheck-selftest-%d", (int)getpid());
	snprintf(shm_file, sizeof(shm_file), "/dev/shm%s", name);
	snprintf(sem_file, sizeof(sem_file), "/dev/shm/sem.%s", name + 1);
	fd = shm_open(name, O_CREAT | O_EXCL | O_RDWR, 0600);
	if (fd < 0) {
		perror("leakcheck: shm_open");
		return EXIT_ERROR;
	}
	close(fd);
	sem = sem_open(name, O_CREAT | O_EXCL, 0600, 0);
	if (sem == SEM_FAILED) {
		perror("leakcheck: sem_open");
		shm_unlink(name);
		return EXIT_ERROR;
	}
	sem_close(sem);
	attr.mq_maxmsg = 1;
	attr.mq_msgsize = 8;
	mq = mq_open(name, O_CREAT | O_EXCL | O_RDWR, 0600, &attr);
	mq_ok = mq != (mqd_t)-1;
	if (mq_ok)
		mq_close(mq);
	else
		printf("selftest: mq_open: %s (the message queue part is not tested)\n", strerror(errno));
	if (chdir(source_dir) < 0 ||
	    (errno = posix_spawnp(&sleeper, "sleep", NULL, NULL, sleeper_argv, environ)) != 0) {
		perror("leakcheck: starting the left-behind process");
		shm_unlink(name);
		sem_unlink(name);
		if (mq_ok)
			mq_unlink(name);
		return EXIT_ERROR;
	}

	/* Each must be reported. */
	n = left_objects("shm", &b.shm, list_shm, 0, &left);
	found = names_has(&left, shm_file + strlen("/dev/shm/")) && names_has(&left, sem_file + strlen("/dev/shm/"));
	printf("selftest: shared memory object and semaphore %s (%zu reported)\n",
	       found ? "reported" : "NOT REPORTED", n);
	failures += !found;
	names_free(&left);
	if (mq_ok) {
		struct names probe = {0};
		const char *how;
		char why[512];

		if (list_mqueues(&probe, &how, why, sizeof(why)) == 0) {
			n = left_objects("mqueue", &b.mq, list_mq_quiet, 0, &left);
			found = names_has(&left, name + 1);
			printf("selftest: message queue %s (%zu reported)\n",
			       found ? "reported" : "NOT REPORTED", n);
			failures += !found;
			names_free(&left);
		} else {
			printf("selftest: message queues not listable here: %s\n", why);
		}
		names_free(&probe);
	}
	failures += selftest_netns_and_mounts(&b);
	n = left_processes(&b, 0, pids, 256);
	found = false;
	for (size_t i = 0; i < n; i++)
		found |= pids[i] == sleeper;
	printf("selftest: left-behind process %s (%zu reported)\n", found ? "reported" : "NOT REPORTED", n);
	failures += !found;

	{
		/* A temporary file left behind, in a directory of the selftest's own. */
		char dir[] = "/tmp/leakcheck-tmp-XXXXXX", file[64];
		struct names in = {0};

		if (mkdtemp(dir)) {
			snprintf(file, sizeof(file), "%s/left.txt", dir);
			fd = open(file, O_CREAT | O_WRONLY, 0600);
			if (fd >= 0)
				close(fd);
			found = left_in_dir(dir, 0, &in) == 1 && names_has(&in, "left.txt");
			printf("selftest: temporary file %s\n", found ? "reported" : "NOT REPORTED");
			failures += !found;
			names_free(&in);
			unlink(file);
			/* Open MPI's session directory: of a live mpiexec, counted; of an ended one, not. */
			{
				char session[96], live[128], dead[128];
				pid_t gone = fork();

				if (gone == 0)
					_exit(0);
				while (gone > 0 && waitpid(gone, &status, 0) < 0 && errno == EINTR)
					;
				snprintf(session, sizeof(session), "%s/ompi.selftest.0", dir);
				snprintf(live, sizeof(live), "%s/pid.%d", session, (int)sleeper);
				snprintf(dead, sizeof(dead), "%s/pid.%d", session, (int)gone);
				if (gone > 0 && mkdir(session, 0700) == 0 && mkdir(live, 0700) == 0) {
					found = left_in_dir(dir, 0, &in) == 1;
					names_free(&in);
					rmdir(live);
					mkdir(dead, 0700);
					found = found && left_in_dir(dir, 0, &in) == 0 && access(session, F_OK) < 0;
					names_free(&in);
					printf("selftest: Open MPI's session directory %s\n",
					       found ? "counted while its mpiexec runs, removed once it ended"
						     : "NOT TOLD APART");
					failures += !found;
				}
				rmdir(dead);
				rmdir(session);
			}
			rmdir(dir);
		}
	}

	/* Remove them again. */
	kill(sleeper, SIGKILL);
	while (waitpid(sleeper, &status, 0) < 0 && errno == EINTR)
		;
	shm_unlink(name);
	sem_unlink(name);
	if (mq_ok)
		mq_unlink(name);
	unlink(state);
	baseline_free(&b);
	printf("selftest: %s\n", failures ? "FAILED" : "every planted leak was reported, and removed");
	return failures ? EXIT_LEFT : EXIT_CLEAN;
}

/* ---- main --------------------------------------------------------------- */

static _Noreturn void usage(void)
{
	fputs("usage: leakcheck baseline STATE --source DIR --binary DIR\n"
	      "       leakcheck check shm|mqueue|processes|tmp|netns|mounts STATE --source DIR --binary DIR [--grace S]\n"
	      "       leakcheck selftest --source DIR --binary DIR\n", stderr);
	exit(EXIT_ERROR);
}

static const char *real_dir(const char *dir)
{
	char *r = realpath(dir, NULL);

	if (!r) {
		fprintf(stderr, "leakcheck: %s: %s\n", dir, strerror(errno));
		exit(EXIT_ERROR);
	}
	return r;
}

int main(int argc, char **argv)
{
	const char *args[3] = {0};
	double grace = 3;
	int nargs = 0;
	ssize_t n;

	setvbuf(stdout, NULL, _IOLBF, 0);
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--source") && i + 1 < argc)
			source_dir = real_dir(argv[++i]);
		else if (!strcmp(argv[i], "--binary") && i + 1 < argc)
			binary_dir = real_dir(argv[++i]);
		else if (!strcmp(argv[i], "--grace") && i + 1 < argc)
			grace = strtod(argv[++i], NULL);
		else if (nargs < 3)
			args[nargs++] = argv[i];
		else
			usage();
	}
	if (!source_dir || !binary_dir || nargs < 1)
		usage();
	n = readlink("/proc/self/exe", self_exe, sizeof(self_exe) - 1);
	self_exe[n > 0 ? n : 0] = '\0';
	if (!strcmp(args[0], "baseline") && nargs == 2) {
		int rc = prepare_suite_tmp();

		return rc == EXIT_CLEAN ? write_state(args[1]) : rc;
	}
	if (!strcmp(args[0], "check") && nargs == 3)
		return check(args[1], args[2], grace);
	if (!strcmp(args[0], "selftest") && nargs == 1)
		return selftest();
	usage();
}
