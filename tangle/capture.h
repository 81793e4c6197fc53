/**
 * @file capture.h
 * @brief run one shell command and capture what it writes.
 *
 * The command runs under bash in its own session (so its process group can
 * be signalled as a whole), with stdin from /dev/null and stdout and stderr
 * on one pipe, so the capture keeps the order in which the writes happened.
 * The caller becomes a child subreaper: processes that the command leaves
 * behind are re-parented to it, counted and killed, so nothing outlives a
 * run. At the timeout the group gets SIGTERM, then SIGKILL after a grace
 * period; what was written up to then is kept.
 *
 * A run that is meant to hang (a deadlock shown on purpose) is watched
 * instead of timed: once what it has written satisfies the caller
 * (capture_opts.settled), a silence of capture_opts.quiet seconds while it
 * goes on running ends it the same way, with capture_result.went_quiet set.
 * So its verdict never depends on how long the machine took to start it.
 *
 * The way the command ends is the way its last command ends, a death by a
 * signal included, which a shell that waits for a command can only report
 * as the status 128 + N (so that a program that exits with 134 and one that
 * dies of SIGABRT would look alike). So, without changing what the command
 * means (capture_plan()):
 *
 *  - bash, not dash, runs it: bash 5 replaces itself with the last simple
 *    command of a line ("build/bin/x", "cd build && ./bin/x", "X=1 env
 *    ./x"), where dash waits for it. (bash is Essential in Debian, so it is
 *    on every system the book builds on.) It starts clean: BASH_ENV, ENV,
 *    SHELLOPTS, BASHOPTS and exported functions are removed from its
 *    environment, so no startup file, inherited option or function changes
 *    what the command means.
 *  - bash does not replace itself with a command that has redirections
 *    ("build/bin/x > out"): when such a command is the last of the line,
 *    names a program (not a builtin or keyword of bash) and nothing runs in
 *    the background, "exec " is written before its name, which is what bash
 *    would do for it without the redirections.
 *  - a top-level pipeline ("a | b | c", no ';', '&&', '||' or '&' around
 *    it) is connected here, each element run by a bash of its own (so it is
 *    replaced by its program) in the same process group, and its status is
 *    that of its last element, as in bash without pipefail: a death by a
 *    signal of that element is seen as one. "a |& b" pipes a's stderr too.
 *
 * Anything else (a pipeline inside a list, a compound command, a subshell)
 * runs as bash runs it, and a death in it arrives as 128 + N, never as a
 * signal.
 */
#ifndef TANGLE_CAPTURE_H
#define TANGLE_CAPTURE_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>

#include "util.h"

/** What to run. */
struct capture_opts {
	const char *command;	/**< run by bash as capture_plan() says */
	const char *cwd;	/**< working directory, or NULL for the current one */
	double timeout;		/**< seconds before the process group is killed */
	double grace;		/**< seconds between SIGTERM and SIGKILL */
	size_t max_output;	/**< bytes kept; the rest is counted and dropped */
	char *const *env;	/**< extra NAME=VALUE settings, NULL-terminated, or NULL */
	/**
	 * Or NULL. Called with the output so far whenever more arrives: when
	 * it returns true and nothing more arrives for @p quiet seconds while
	 * the command still runs, the command is stopped (went_quiet).
	 */
	bool (*settled)(const char *output, size_t len, void *arg);
	void *settled_arg;	/**< passed to settled */
	double quiet;		/**< seconds of silence after settled holds */
};

/** How it went. */
struct capture_result {
	struct buf output;	/**< stdout and stderr as written */
	size_t dropped;		/**< bytes beyond max_output */
	bool timed_out;		/**< killed at the timeout */
	bool went_quiet;	/**< stopped after settled held and quiet seconds passed */
	int exit_status;	/**< when it exited normally */
	int signal;		/**< the signal that ended it, or 0 */
	double wall;		/**< seconds from start to the shell's exit */
	int leftovers;		/**< processes still alive after the shell ended, killed */
	bool interrupted;	/**< stopped by capture_stop */
};

/**
 * The process group of the command being run, or 0: a signal handler of the
 * caller may kill(-capture_group, SIGKILL) when it is interrupted, since the
 * command's own session never sees the terminal's Ctrl-C.
 */
extern volatile sig_atomic_t capture_group;

/**
 * Set by the caller's signal handler (to the signal's number) to stop the
 * run: capture_run() kills what is left and returns at once, with
 * capture_result.interrupted set, so that the caller can clean up.
 */
extern volatile sig_atomic_t capture_stop;

/** How a command is run: what each bash is given. */
struct capture_plan {
	char **commands;	/**< one per pipeline element, in order; each for "bash -c" */
	size_t n;		/**< 1, or the number of elements of a top-level pipeline */
};

/**
 * Plan how @p command runs (see the file's comment). The commands are its
 * own text, trimmed of blanks around pipeline elements, with at most "exec "
 * inserted before a command name, and " 2>&1" appended to an element followed
 * by "|&". A command that bash would reject (an unclosed quote) is left to
 * bash whole, so that bash reports it. Release with capture_plan_free().
 */
void capture_plan(const char *command, struct capture_plan *p);

/** Release what @p p owns. */
void capture_plan_free(struct capture_plan *p);

/**
 * Run @p o->command and fill @p r. Returns 0 when the command could be run
 * (whatever its outcome), -1 with errno set when it could not be started.
 */
int capture_run(const struct capture_opts *o, struct capture_result *r);

/** Release what @p r owns. */
void capture_result_free(struct capture_result *r);

#endif
