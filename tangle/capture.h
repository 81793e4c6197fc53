/**
 * @file capture.h
 * @brief run one shell command and capture what it writes.
 *
 * The command runs under /bin/sh in its own session (so its process group
 * can be signalled as a whole), with stdin from /dev/null and stdout and
 * stderr on one pipe, so the capture keeps the order in which the writes
 * happened. The caller becomes a child subreaper: processes that the command
 * leaves behind are re-parented to it, counted and killed, so nothing
 * outlives a run. At the timeout the group gets SIGTERM, then SIGKILL after
 * a grace period; what was written up to then is kept.
 */
#ifndef TANGLE_CAPTURE_H
#define TANGLE_CAPTURE_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>

#include "util.h"

/** What to run. */
struct capture_opts {
	const char *command;	/**< passed to /bin/sh -c */
	const char *cwd;	/**< working directory, or NULL for the current one */
	double timeout;		/**< seconds before the process group is killed */
	double grace;		/**< seconds between SIGTERM and SIGKILL */
	size_t max_output;	/**< bytes kept; the rest is counted and dropped */
	char *const *env;	/**< extra NAME=VALUE settings, NULL-terminated, or NULL */
};

/** How it went. */
struct capture_result {
	struct buf output;	/**< stdout and stderr as written */
	size_t dropped;		/**< bytes beyond max_output */
	bool timed_out;		/**< killed at the timeout */
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

/**
 * Run @p o->command and fill @p r. Returns 0 when the command could be run
 * (whatever its outcome), -1 with errno set when it could not be started.
 */
int capture_run(const struct capture_opts *o, struct capture_result *r);

/** Release what @p r owns. */
void capture_result_free(struct capture_result *r);

#endif
