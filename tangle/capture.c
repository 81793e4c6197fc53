/* capture.c - see capture.h. Linux-specific: pidfd, subreaper, /proc. */
#define _GNU_SOURCE
#include "capture.h"

#include <ctype.h>
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

/*
 * Reading a command as bash does, as far as capture_plan() needs: its tokens
 * at the top level (words, redirection operators, '|', '|&', list operators,
 * '&', a parenthesised group), with quotes, escapes, $(...), ${...},
 * backquotes and <(...) kept inside the word they belong to.
 */
enum sh_kind {
	SH_WORD,
	SH_GROUP,	/* ( ... ) at the start of a token: a subshell or (( ... )) */
	SH_REDIR,	/* < > >> >| <> <& >& &> &>> << <<< <<-, with an IO number before it */
	SH_PIPE,	/* | */
	SH_PIPE_ERR,	/* |& */
	SH_LIST,	/* ; && || a newline ;; */
	SH_BACKGROUND,	/* & */
	SH_END,		/* the end, or a comment */
	SH_BAD,		/* unbalanced: left to bash to report */
};

struct sh_token {
	enum sh_kind kind;
	size_t at, len;
	bool literal;	/* a word without quotes, escapes, expansions or patterns */
};

enum { SH_DEPTH = 64 };	/* nesting deeper than this is left to bash whole */

/* Is @p ch one of @p set (never the NUL that ends a string)? */
static bool one_of(char ch, const char *set)
{
	return ch && strchr(set, ch);
}

/*
 * The index just past the quoted or nested construct that starts at s[i]
 * ('...', "...", `...`, $'...', $(...), $((...)), ${...}, (...), {...}), or
 * 0 when it is not closed (or nests deeper than SH_DEPTH).
 */
static size_t sh_skip(const char *s, size_t i, int depth)
{
	size_t j, k;
	char close;

	if (depth > SH_DEPTH)
		return 0;
	switch (s[i]) {
	case '\'':
		for (j = i + 1; s[j] && s[j] != '\''; j++)
			;
		return s[j] ? j + 1 : 0;
	case '"':
	case '`':
		for (j = i + 1; s[j] && s[j] != s[i];) {
			if (s[j] == '\\' && s[j + 1]) {
				j += 2;
			} else if (s[i] == '"' && (s[j] == '`' || (s[j] == '$' && one_of(s[j + 1], "({")))) {
				if (!(k = sh_skip(s, j, depth + 1)))
					return 0;
				j = k;
			} else {
				j++;
			}
		}
		return s[j] ? j + 1 : 0;
	case '$':
		if (s[i + 1] == '\'') {
			for (j = i + 2; s[j] && s[j] != '\'';)
				j += s[j] == '\\' && s[j + 1] ? 2 : 1;
			return s[j] ? j + 1 : 0;
		}
		return one_of(s[i + 1], "({") ? sh_skip(s, i + 1, depth) : i + 1;
	case '(':
	case '{':
		close = s[i] == '(' ? ')' : '}';
		for (j = i + 1; s[j] && s[j] != close;) {
			if (s[j] == '\\' && s[j + 1]) {
				j += 2;
			} else if (one_of(s[j], "'\"`$({")) {
				if (!(k = sh_skip(s, j, depth + 1)))
					return 0;
				j = k;
			} else {
				j++;
			}
		}
		return s[j] ? j + 1 : 0;
	}
	return i + 1;
}

/* The token of @p s at *pos; *pos moves past it. */
static struct sh_token sh_next(const char *s, size_t *pos)
{
	size_t i = *pos, j;
	struct sh_token t = {SH_WORD, 0, 0, true};
	bool bad = false, want_op = false;	/* a redirection whose operator is still to read */

	while (s[i] == ' ' || s[i] == '\t')
		i++;
	t.at = j = i;
	switch (s[i]) {
	case '\0':
	case '#':
		t.kind = SH_END;
		*pos = i;
		return t;
	case '\n':
		t.kind = SH_LIST;
		j = i + 1;
		break;
	case '|':
		t.kind = s[i + 1] == '|' ? SH_LIST : s[i + 1] == '&' ? SH_PIPE_ERR : SH_PIPE;
		j = i + 1 + (t.kind != SH_PIPE);
		break;
	case ';':
		t.kind = SH_LIST;
		j = i + 1 + one_of(s[i + 1], ";&");
		break;
	case '&':
		if (s[i + 1] == '>') {
			t.kind = SH_REDIR;	/* &> and &>> */
			j = i + 2 + (s[i + 2] == '>');
		} else {
			t.kind = s[i + 1] == '&' ? SH_LIST : SH_BACKGROUND;
			j = i + 1 + (t.kind == SH_LIST);
		}
		break;
	case '(':
		t.kind = SH_GROUP;
		j = sh_skip(s, i, 0);
		bad = j == 0;
		break;
	case ')':
		bad = true;
		break;
	default:
		if (one_of(s[i], "<>") && s[i + 1] != '(') {
			t.kind = SH_REDIR;
			want_op = true;
			break;
		}
		/* A word; <(...) and >(...) at its start are part of it. */
		while (!bad && s[j] && !one_of(s[j], " \t\n|&;()") &&
		       (!one_of(s[j], "<>") || (j == i && s[j + 1] == '('))) {
			size_t k;

			if (one_of(s[j], "<>")) {
				t.literal = false;
				bad = !(k = sh_skip(s, j + 1, 0));
				j = k;
			} else if (s[j] == '\\') {
				t.literal = false;
				j += s[j + 1] ? 2 : 1;
			} else if (one_of(s[j], "'\"`") || (s[j] == '$' && one_of(s[j + 1], "'({"))) {
				t.literal = false;
				bad = !(k = sh_skip(s, j, 0));
				j = k;
			} else {
				t.literal &= !one_of(s[j], "$*?[]{}~");
				j++;
			}
		}
		/* An IO number: "2>", "10<&". */
		if (!bad && one_of(s[j], "<>") && strspn(s + i, "0123456789") == j - i) {
			t.kind = SH_REDIR;
			want_op = true;
		}
		break;
	}
	if (want_op) {
		/* From j: <<< <<- << <& <> < >> >& >| > */
		if (s[j] == '<')
			j += s[j + 1] == '<' ? 2 + one_of(s[j + 2], "<-") : 1 + one_of(s[j + 1], "&>");
		else
			j += 1 + one_of(s[j + 1], ">&|");
	}
	if (bad) {
		t.kind = SH_BAD;
		j = i + 1;
	}
	t.len = j - i;
	*pos = j;
	return t;
}

/* Builtins and reserved words of bash 5.2 (compgen -b, compgen -k): never "exec"-ed. */
static bool sh_is_builtin(const char *w, size_t n)
{
	static const char *const words[] = {
		".", ":", "[", "alias", "bg", "bind", "break", "builtin", "caller", "cd", "command",
		"compgen", "complete", "compopt", "continue", "declare", "dirs", "disown", "echo",
		"enable", "eval", "exec", "exit", "export", "false", "fc", "fg", "getopts", "hash",
		"help", "history", "jobs", "kill", "let", "local", "logout", "mapfile", "popd",
		"printf", "pushd", "pwd", "read", "readarray", "readonly", "return", "set", "shift",
		"shopt", "source", "suspend", "test", "times", "trap", "true", "type", "typeset",
		"ulimit", "umask", "unalias", "unset", "wait",
	};

	for (size_t k = 0; k < sizeof(words) / sizeof(words[0]); k++)
		if (strlen(words[k]) == n && !memcmp(words[k], w, n))
			return true;
	return false;
}

static bool sh_is_keyword(const char *w, size_t n)
{
	static const char *const words[] = {
		"if", "then", "else", "elif", "fi", "case", "esac", "for", "select", "while",
		"until", "do", "done", "in", "function", "time", "{", "}", "!", "[[", "]]", "coproc",
	};

	for (size_t k = 0; k < sizeof(words) / sizeof(words[0]); k++)
		if (strlen(words[k]) == n && !memcmp(words[k], w, n))
			return true;
	return false;
}

/* NAME= or NAME+= at the start of a word: an assignment, not a command name. */
static bool sh_is_assignment(const char *w, size_t n)
{
	size_t i = 0;

	if (!n || !(isalpha((unsigned char)w[0]) || w[0] == '_'))
		return false;
	while (i < n && (isalnum((unsigned char)w[i]) || w[i] == '_'))
		i++;
	return (i < n && w[i] == '=') || (i + 1 < n && w[i] == '+' && w[i + 1] == '=');
}

/*
 * Where "exec " goes in @p s so that bash replaces itself with the last
 * simple command, or (size_t)-1: only when that command has a redirection
 * (otherwise bash does it itself), its name is a literal word that is no
 * builtin or keyword, and the line defines no function (so exec runs the
 * program bash would run), and nothing of the line runs in the background
 * or in a pipe.
 */
static size_t exec_point(const char *s)
{
	size_t pos = 0, name = (size_t)-1;
	bool redirected = false, want_target = false, named = false, simple = true, defines = false;
	enum sh_kind prev = SH_END;

	for (;;) {
		struct sh_token t = sh_next(s, &pos);

		/* "name () ..." and "function name ...": a function bash would run instead. */
		if ((t.kind == SH_GROUP && prev == SH_WORD) ||
		    (t.kind == SH_WORD && t.len == 8 && !memcmp(s + t.at, "function", 8)))
			defines = true;
		prev = t.kind;
		switch (t.kind) {
		case SH_END:
			return redirected && simple && named && !want_target && !defines ? name : (size_t)-1;
		case SH_LIST:
			name = (size_t)-1;
			redirected = want_target = named = false;
			simple = true;
			break;
		case SH_REDIR:
			redirected = want_target = true;
			break;
		case SH_WORD:
			if (want_target) {
				want_target = false;
			} else if (!named && !sh_is_assignment(s + t.at, t.len)) {
				named = true;
				if (t.literal && !sh_is_builtin(s + t.at, t.len) &&
				    !sh_is_keyword(s + t.at, t.len))
					name = t.at;
				else
					simple = false;
			}
			break;
		case SH_GROUP:
			if (!named)
				simple = false;
			named = true;
			break;
		case SH_PIPE:
		case SH_PIPE_ERR:
		case SH_BACKGROUND:
		case SH_BAD:
			return (size_t)-1;
		}
	}
}

/* @p s (@p n bytes) trimmed of blanks, with " 2>&1" if @p err and "exec " where it belongs. */
static char *plan_command(const char *s, size_t n, bool err)
{
	char *text, *with;
	size_t at;

	while (n && (*s == ' ' || *s == '\t')) {
		s++;
		n--;
	}
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	text = err ? xasprintf("%.*s 2>&1", (int)n, s) : xstrndup(s, n);
	at = exec_point(text);
	if (at == (size_t)-1)
		return text;
	with = xasprintf("%.*sexec %s", (int)at, text, text + at);
	free(text);
	return with;
}

void capture_plan(const char *command, struct capture_plan *p)
{
	size_t pos = 0, start = 0, n = 0, cap = 0;
	struct { size_t at, len; bool err; } *el = NULL;
	bool split = true, first = true;

	for (;;) {
		struct sh_token t = sh_next(command, &pos);

		if (first) {
			/* An empty element, or one that starts a compound command or a "time" or "!". */
			if (t.kind != SH_WORD && t.kind != SH_GROUP && t.kind != SH_REDIR)
				split = false;
			if (t.kind == SH_WORD && sh_is_keyword(command + t.at, t.len))
				split = false;
			first = false;
		}
		if (t.kind == SH_LIST || t.kind == SH_BACKGROUND || t.kind == SH_BAD)
			split = false;
		if (!split)
			break;
		if (t.kind == SH_PIPE || t.kind == SH_PIPE_ERR || t.kind == SH_END) {
			if (n == cap) {
				cap = cap ? 2 * cap : 4;
				el = xrealloc(el, cap * sizeof(*el));
			}
			el[n].at = start;
			el[n].len = (t.kind == SH_END ? strlen(command) : t.at) - start;
			el[n++].err = t.kind == SH_PIPE_ERR;
			start = t.at + t.len;
			first = true;
			if (t.kind == SH_END)
				break;
		}
	}
	if (!split || n < 2) {
		p->n = 1;
		p->commands = xcalloc(1, sizeof(*p->commands));
		p->commands[0] = plan_command(command, strlen(command), false);
	} else {
		p->n = n;
		p->commands = xcalloc(n, sizeof(*p->commands));
		for (size_t i = 0; i < n; i++)
			p->commands[i] = plan_command(command + el[i].at, el[i].len, el[i].err);
	}
	free(el);
}

void capture_plan_free(struct capture_plan *p)
{
	for (size_t i = 0; i < p->n; i++)
		free(p->commands[i]);
	free(p->commands);
	memset(p, 0, sizeof(*p));
}

/*
 * bash reads BASH_ENV (a startup file), SHELLOPTS and BASHOPTS (options)
 * and BASH_FUNC_NAME%% (exported functions) from its environment: none of
 * them may change what the command means.
 */
static void clean_environment(void)
{
	extern char **environ;
	static const char *const names[] = {"BASH_ENV", "ENV", "SHELLOPTS", "BASHOPTS"};
	bool again = true;

	for (size_t k = 0; k < sizeof(names) / sizeof(names[0]); k++)
		unsetenv(names[k]);
	while (again) {
		again = false;
		for (char **e = environ; e && *e; e++) {
			if (!strncmp(*e, "BASH_FUNC_", 10)) {
				char name[256];
				size_t n = strcspn(*e, "=");

				if (n >= sizeof(name))
					n = sizeof(name) - 1;
				memcpy(name, *e, n);
				name[n] = '\0';
				if (unsetenv(name) == 0)
					again = true;
				break;
			}
		}
	}
}

static const char bash[] = "/bin/bash";

/* In the pipeline's leader: stop the elements started so far, and give up. */
static void abandon_pipeline(const pid_t *pids, size_t n, const char *what)
{
	dprintf(2, "run: cannot %s the pipeline: %s\n", what, strerror(errno));
	for (size_t i = 0; i < n; i++) {
		kill(pids[i], SIGKILL);
		while (waitpid(pids[i], NULL, 0) < 0 && errno == EINTR)
			;
	}
	_exit(127);
}

/*
 * In the child that leads a pipeline (the session's leader, never exec'd):
 * start each element with its own bash, stdout to the next one's stdin, all
 * in this process group; wait for every one, as bash does; write the last
 * one's wait status to @p report and exit. @p pids has room for every
 * element. Never returns.
 */
static void run_pipeline(const struct capture_plan *plan, pid_t *pids, int report)
{
	int in = -1, status = 0;

	for (size_t i = 0; i < plan->n; i++) {
		int p[2] = {-1, -1};
		char *argv[] = {"bash", "-c", plan->commands[i], NULL};

		if (i + 1 < plan->n && pipe2(p, O_CLOEXEC) < 0)
			abandon_pipeline(pids, i, "connect");
		pids[i] = fork();
		if (pids[i] < 0)
			abandon_pipeline(pids, i, "start");
		if (pids[i] == 0) {
			/* dup2() clears close-on-exec on the copy only. */
			if (in >= 0)
				dup2(in, 0);
			if (p[1] >= 0)
				dup2(p[1], 1);
			execv(bash, argv);
			dprintf(2, "run: cannot execute %s: %s\n", bash, strerror(errno));
			_exit(127);
		}
		if (in >= 0)
			close(in);
		if (p[1] >= 0)
			close(p[1]);
		in = p[0];
	}
	for (size_t i = 0; i < plan->n; i++) {
		int st;

		while (waitpid(pids[i], &st, 0) < 0 && errno == EINTR)
			;
		if (i + 1 == plan->n)
			status = st;
	}
	if (write(report, &status, sizeof(status)) != (ssize_t)sizeof(status))
		_exit(127);
	_exit(0);
}

/* In the child: never returns. Errors go to the pipe, where they are captured. */
static void start_child(const struct capture_opts *o, const struct capture_plan *plan,
			pid_t *pids, int out, int report)
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
	/* The caller's handlers (run's, for SIGINT, SIGTERM, SIGHUP) are not the command's. */
	for (int sig = 1; sig < NSIG; sig++) {
		struct sigaction sa;

		if (sigaction(sig, NULL, &sa) == 0 && sa.sa_handler != SIG_IGN && sa.sa_handler != SIG_DFL)
			signal(sig, SIG_DFL);
	}
	signal(SIGPIPE, SIG_DFL);
	if (o->cwd && chdir(o->cwd) < 0) {
		dprintf(2, "run: cannot enter %s: %s\n", o->cwd, strerror(errno));
		_exit(127);
	}
	clean_environment();
	for (char *const *e = o->env; e && *e; e++)
		putenv(*e);
	if (plan->n > 1)
		run_pipeline(plan, pids, report);
	execl(bash, "bash", "-c", plan->commands[0], (char *)NULL);
	dprintf(2, "run: cannot execute %s: %s\n", bash, strerror(errno));
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
	int fds[2], report[2] = {-1, -1}, pidfd;
	pid_t pid, self = getpid(), *pids;
	double start, deadline, kill_at = 0, linger_until = 0, quiet_at = 0;
	bool eof = false, exited = false, termed = false;
	size_t seen = (size_t)-1;	/* output bytes when settled() was last asked */
	int status = 0, saved;
	struct capture_plan plan;

	memset(r, 0, sizeof(*r));
	/* Everything the child needs is made before it is forked: it allocates nothing. */
	capture_plan(o->command, &plan);
	pids = xcalloc(plan.n, sizeof(*pids));
	if (pipe2(fds, O_CLOEXEC) < 0)
		goto fail;
	/* A pipeline's leader reports its last element's wait status on report[]. */
	if (plan.n > 1 && pipe2(report, O_CLOEXEC | O_NONBLOCK) < 0) {
		saved = errno;
		close(fds[0]);
		close(fds[1]);
		errno = saved;
		goto fail;
	}
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	start = now();
	pid = fork();
	if (pid < 0) {
		saved = errno;
		close(fds[0]);
		close(fds[1]);
		if (report[0] >= 0) {
			close(report[0]);
			close(report[1]);
		}
		errno = saved;
		goto fail;
	}
	if (pid == 0) {
		close(fds[0]);
		if (report[0] >= 0)
			close(report[0]);
		start_child(o, &plan, pids, fds[1], report[1]);
	}
	close(fds[1]);
	if (report[1] >= 0)
		close(report[1]);
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
		if (!exited && !termed && quiet_at > 0 && quiet_at < wake)
			wake = quiet_at;
		if (t >= wake) {
			if (!termed) {
				if (quiet_at > 0 && t >= quiet_at && !exited)
					r->went_quiet = true;	/* silent since it printed enough */
				else
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
		/* Each new output restarts the silence, if the output is what it must be. */
		if (o->settled && !termed && r->output.len + r->dropped != seen) {
			seen = r->output.len + r->dropped;
			quiet_at = o->settled(r->output.data ? r->output.data : "", r->output.len,
					      o->settled_arg) ? now() + o->quiet : 0;
		}
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
	r->leftovers = reap_leftovers(self, pid, r->timed_out || r->went_quiet ? 0 : 0.5);
	kill(-pid, SIGKILL);
	r->leftovers += reap_leftovers(self, pid, 0);
	capture_group = 0;
	if (r->timed_out || r->went_quiet)
		r->leftovers = 0;	/* killing everything is what a timeout does */
	/*
	 * A pipeline's leader that ended by itself has written how the last
	 * element ended; one that was killed (a timeout, an interruption) has not,
	 * and its own end is the pipeline's.
	 */
	if (report[0] >= 0) {
		int last;

		if (WIFEXITED(status) && WEXITSTATUS(status) == 0 &&
		    read(report[0], &last, sizeof(last)) == (ssize_t)sizeof(last))
			status = last;
		close(report[0]);
	}
	if (WIFSIGNALED(status))
		r->signal = WTERMSIG(status);
	else if (WIFEXITED(status))
		r->exit_status = WEXITSTATUS(status);
	capture_plan_free(&plan);
	free(pids);
	return 0;

fail:
	saved = errno;
	capture_plan_free(&plan);
	free(pids);
	errno = saved;
	return -1;
}

void capture_result_free(struct capture_result *r)
{
	buf_free(&r->output);
}
