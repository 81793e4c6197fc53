/* capture.c - see capture.h. Linux-specific: pidfd, subreaper, /proc. */
#define _GNU_SOURCE
#include "capture.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

volatile sig_atomic_t capture_group;
volatile sig_atomic_t capture_stop;

static void sleep_briefly(void)
{
	struct timespec ts = {0, 10 * 1000 * 1000};

	nanosleep(&ts, NULL);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* In the child: never returns. Errors go to the pipe, where they are captured. */
static void start_child(const struct capture_opts *o, int out)
{
	int null = open("/dev/null", O_RDONLY);

	setsid();
	if (null >= 0) {
		dup2(null, 0);
		close(null);
	}
	dup2(out, 1);
	dup2(out, 2);
	if (out > 2)
		close(out);
	signal(SIGPIPE, SIG_DFL);
	if (o->cwd && chdir(o->cwd) < 0) {
		dprintf(2, "run: cannot enter %s: %s\n", o->cwd, strerror(errno));
		_exit(127);
	}
	for (char *const *e = o->env; e && *e; e++)
		putenv(*e);
	execl("/bin/sh", "sh", "-c", o->command, (char *)NULL);
	dprintf(2, "run: cannot execute /bin/sh: %s\n", strerror(errno));
	_exit(127);
}

static void drain(int fd, struct capture_result *r, size_t max, bool *eof)
{
	char chunk[65536];

	for (;;) {
		ssize_t n = read(fd, chunk, sizeof(chunk));

		if (n > 0) {
			size_t keep = r->output.len >= max ? 0 : max - r->output.len;

			if ((size_t)n < keep)
				keep = (size_t)n;
			buf_add(&r->output, chunk, keep);
			r->dropped += (size_t)n - keep;
			continue;
		}
		if (n == 0)
			*eof = true;
		else if (errno == EINTR)
			continue;
		return;
	}
}

/*
 * Direct children of this process other than @p except, from /proc; zombie[i]
 * tells which have already exited (they only need reaping).
 */
static size_t list_children(pid_t self, pid_t except, pid_t *out, bool *zombie, size_t max)
{
	DIR *proc = opendir("/proc");
	struct dirent *e;
	size_t n = 0;

	if (!proc)
		return 0;
	while ((e = readdir(proc)) && n < max) {
		char path[64], stat[512], *rp;
		long ppid;
		char state;
		FILE *f;
		pid_t pid = (pid_t)strtol(e->d_name, &rp, 10);

		if (*rp || pid <= 0 || pid == except)
			continue;
		snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
		f = fopen(path, "r");
		if (!f)
			continue;
		if (!fgets(stat, sizeof(stat), f)) {
			fclose(f);
			continue;
		}
		fclose(f);
		/* The command name may hold spaces and parentheses: skip to the last ')'. */
		rp = strrchr(stat, ')');
		if (rp && sscanf(rp + 1, " %c %ld", &state, &ppid) == 2 && ppid == (long)self) {
			zombie[n] = state == 'Z';
			out[n++] = pid;
		}
	}
	closedir(proc);
	return n;
}

/*
 * Kill and reap whatever the command left behind. Killing a process orphans
 * its children, which the subreaper setting hands to us: repeat until none.
 * With @p grace, a process first gets that long to end by itself: one that
 * is on its way out when the command returns (a launcher's daemon, say) was
 * not left behind.
 */
static int reap_leftovers(pid_t self, pid_t main_child, double grace)
{
	int count = 0;
	double until = now() + grace;

	for (int round = 0; round < 100; round++) {
		pid_t kids[256];
		bool zombie[256];
		size_t n = list_children(self, main_child, kids, zombie, 256), alive = 0;

		if (n == 0)
			break;
		for (size_t i = 0; i < n; i++)
			alive += !zombie[i];
		if (alive && now() < until) {
			for (size_t i = 0; i < n; i++)
				if (zombie[i])
					waitpid(kids[i], NULL, 0);
			sleep_briefly();
			continue;
		}
		for (size_t i = 0; i < n; i++) {
			if (!zombie[i])
				kill(kids[i], SIGKILL);
			if (waitpid(kids[i], NULL, 0) == kids[i] && !zombie[i])
				count++;
		}
	}
	return count;
}

int capture_run(const struct capture_opts *o, struct capture_result *r)
{
	int fds[2], pidfd;
	pid_t pid, self = getpid();
	double start, deadline, kill_at = 0, linger_until = 0;
	bool eof = false, exited = false, termed = false;
	int status = 0, saved;

	memset(r, 0, sizeof(*r));
	if (pipe2(fds, O_CLOEXEC) < 0)
		return -1;
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	start = now();
	pid = fork();
	if (pid < 0) {
		saved = errno;
		close(fds[0]);
		close(fds[1]);
		errno = saved;
		return -1;
	}
	if (pid == 0) {
		close(fds[0]);
		start_child(o, fds[1]);
	}
	close(fds[1]);
	capture_group = pid;
	fcntl(fds[0], F_SETFL, fcntl(fds[0], F_GETFL) | O_NONBLOCK);
	pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	deadline = start + o->timeout;

	while (!exited || !eof) {
		struct pollfd p[2];
		nfds_t np = 0;
		double t = now(), wake = termed ? kill_at : deadline;
		int ms;

		/*
		 * The shell is gone but something it started still holds the pipe:
		 * give it a moment, then treat it as left behind, not as a timeout.
		 */
		if (capture_stop) {
			r->interrupted = true;
			kill(-pid, SIGKILL);
			reap_leftovers(self, pid, 0);
			if (!exited) {
				waitpid(pid, &status, 0);
				exited = true;
				r->wall = now() - start;
			}
			break;
		}
		if (exited && !termed && linger_until > 0 && t >= linger_until)
			break;
		if (exited && !termed && linger_until > 0 && linger_until < wake)
			wake = linger_until;
		if (t >= wake) {
			if (!termed) {
				r->timed_out = true;
				kill(-pid, SIGTERM);
				termed = true;
				kill_at = t + o->grace;
				continue;
			}
			kill(-pid, SIGKILL);
			reap_leftovers(self, pid, 0);	/* escaped the group: still ours */
			if (!exited) {
				waitpid(pid, &status, 0);
				exited = true;
				r->wall = now() - start;
			}
			drain(fds[0], r, o->max_output, &eof);
			break;
		}
		ms = (int)((wake - t) * 1000) + 1;
		if (!eof) {
			p[np].fd = fds[0];
			p[np++].events = POLLIN;
		}
		if (!exited && pidfd >= 0) {
			p[np].fd = pidfd;
			p[np++].events = POLLIN;
		}
		if (pidfd < 0 && !exited && ms > 10)
			ms = 10;	/* no pidfd: poll for the exit */
		if (poll(p, np, ms) < 0 && errno != EINTR)
			break;
		if (!eof)
			drain(fds[0], r, o->max_output, &eof);
		if (!exited && waitpid(pid, &status, WNOHANG) == pid) {
			exited = true;
			r->wall = now() - start;
			linger_until = now() + o->grace;
		}
	}
	close(fds[0]);
	if (pidfd >= 0)
		close(pidfd);
	/*
	 * Whatever is still running was left behind: orphans have been handed
	 * to us, whether they stayed in the group or left it. Count and kill
	 * them, then anything of the group that was not yet orphaned.
	 */
	r->leftovers = reap_leftovers(self, pid, r->timed_out ? 0 : 0.5);
	kill(-pid, SIGKILL);
	r->leftovers += reap_leftovers(self, pid, 0);
	capture_group = 0;
	if (r->timed_out)
		r->leftovers = 0;	/* killing everything is what a timeout does */
	if (WIFSIGNALED(status))
		r->signal = WTERMSIG(status);
	else if (WIFEXITED(status))
		r->exit_status = WEXITSTATUS(status);
	return 0;
}

void capture_result_free(struct capture_result *r)
{
	buf_free(&r->output);
}
