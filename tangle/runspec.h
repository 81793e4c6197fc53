/**
 * @file runspec.h
 * @brief run blocks: a command as the reader types it, and what must
 * hold of its output.
 *
 *     ```{.console .run timeout=10}
 *     $ build/bin/barrier
 *     line: START RACE!!!!
 *     count 3: reached the barrier at
 *     order: reached the barrier => ^Race over!$
 *     ```
 *
 * The first line is "$ command" (a trailing '\' continues it on the next
 * line). Every later non-blank line is one expectation, "keyword: argument"
 * or "keyword FORM: argument". The kinds are the rows of one table in
 * runspec.c (expect_kinds()): keyword, the form of what may stand between
 * it and the colon, the check and the description; the "known:" lists of
 * error messages are made from it.
 *
 *   contains: RE       some output line matches the extended regex RE
 *   lacks: RE          no output line matches RE
 *   count N: RE        exactly N output lines match RE
 *   order: A => B      every line matching A comes before every line
 *                      matching B, and both match (chains: A => B => C)
 *   line: TEXT         some output line is exactly TEXT
 *   output: TEXT       consecutive output: lines are the whole output, in order
 *   anyorder: TEXT     consecutive anyorder: lines all appear, in any order
 *   value NAME: RE     the first line matching RE holds the value NAME: its
 *                      first group (the whole match without one); prose
 *                      quotes it, and a claim may test it (quote.h)
 *   claim: TEST        the test (expr.h) over this run's values holds
 *   claim else note: TEST  the same; when it does not hold, the run passes
 *                      and the book shows a note beside the output
 *
 * Attributes: timeout=SECONDS (default 60: it only ever ends a run that
 * would not end, so it is generous for a slow, loaded or oddly configured
 * machine and costs nothing where the run ends), exit=N (default 0),
 * signal=NAME (the run must die of this signal: capture.h says how the death
 * of the command's last program is seen; for a command that runs mpiexec,
 * mpiexec's report that a rank died of it counts too, see runspec_check()),
 * name=ID (the run's name),
 * labels="a b" (extra CTest labels), skip=N (exit status N means the command
 * cannot run on this machine, e.g. it needs root: the run is reported as
 * skipped, its expectations unchecked); classes .volatile (output varies,
 * timings: shown with provenance, never compared exactly, run alone) and
 * .hangs (a deadlock shown on purpose: the run must print what its
 * expectations say, and then nothing more for quiet=SECONDS, default 1,
 * while it goes on running; it is then stopped. Its timeout bounds only
 * the wait for that output, so how long a machine takes to start the
 * program never decides the verdict).
 */
#ifndef TANGLE_RUNSPEC_H
#define TANGLE_RUNSPEC_H

#include <regex.h>
#include <stdbool.h>
#include <stddef.h>

#include "attr.h"
#include "chapter.h"
#include "diag.h"
#include "expr.h"
#include "util.h"

/** The kinds of expectation, one per keyword. */
enum expect_kind {
	EXPECT_CONTAINS,
	EXPECT_LACKS,
	EXPECT_COUNT,
	EXPECT_ORDER,
	EXPECT_LINE,
	EXPECT_OUTPUT,
	EXPECT_ANYORDER,
	EXPECT_VALUE,
	EXPECT_CLAIM,
};

/** What may stand between an expectation's keyword and its colon. */
enum expect_form {
	FORM_NONE,	/**< nothing: "contains: RE" */
	FORM_COUNT,	/**< a count: "count 3: RE" */
	FORM_NAME,	/**< a value's name: "value serial: RE" */
	FORM_ELSE,	/**< nothing, or what a failure does: "claim else note: TEST" */
};

/** What the argument after the colon is. */
enum expect_body {
	BODY_REGEX,	/**< an extended regex */
	BODY_CHAIN,	/**< regexes joined by "=>" */
	BODY_TEXT,	/**< a literal line */
	BODY_LINES,	/**< a literal line, consecutive rows joined into one expectation */
	BODY_TEST,	/**< a test over the run's values (expr.h) */
};

struct expect;
struct check_ctx;

/** One row of the table of expectation kinds. */
struct expect_kind_info {
	const char *keyword;	/**< "count" */
	enum expect_form form;	/**< what follows the keyword */
	const char *spelling;	/**< as the README writes it: "count N" */
	enum expect_body body;	/**< what follows the colon */
	/** Check @p e against the output; report failures and return their number. */
	int (*check)(const struct expect *e, struct check_ctx *cx);
	/** Append a one-line English description of @p e, for the book. */
	void (*describe)(const struct expect *e, struct buf *b);
};

/** The table of expectation kinds, indexed by enum expect_kind; @p n gets its length. */
const struct expect_kind_info *expect_kinds(size_t *n);

/** "contains, lacks, count N, ...": every kind's spelling, for messages. */
const char *expect_known(void);

/** One expectation; output: and anyorder: groups hold one line per arg. */
struct expect {
	enum expect_kind kind; /**< which keyword */
	int line;		/**< chapter line of the (first) keyword */
	int col;		/**< column of the argument */
	long count;		/**< for EXPECT_COUNT */
	char *name;		/**< for EXPECT_VALUE: the value's name */
	bool note;		/**< for EXPECT_CLAIM: a failure is shown as a note */
	struct expr *test;	/**< for EXPECT_CLAIM: the parsed test */
	struct strlist args;	/**< regexes, literal lines, or the test as written */
};

/** A parsed run block. */
struct runspec {
	char *command;		/**< without "$ ", continuation lines joined */
	int command_line; /**< chapter line of the "$ " line */
	double timeout;		/**< seconds */
	double quiet;		/**< .hangs: seconds of silence that show the hang */
	int exit_status;	/**< expected exit status (when signal == 0) */
	int signal;		/**< expected terminating signal, or 0 */
	int skip_status;	/**< skip=N: the exit status that means "cannot run here", or 0 */
	bool hangs;		/**< must print its expectations, then hang */
	bool is_volatile;	/**< output varies between runs */
	char *name;		/**< name= attribute, or NULL */
	struct strlist labels;	/**< labels= attribute, split on blanks */
	struct strlist programs;/**< NAME of each program the command runs (command.h) */
	struct strlist files;	/**< snippets/PATH of each file it uses (a script, a data file) */
	struct strlist maybe_programs; /**< uses only if the book has them (command.h) */
	struct strlist maybe_files; /**< uses only if the book has them (command.h) */
	int ranks;		/**< mpiexec -n N (wherever mpiexec is in the command), or 1 */
	struct expect *expects; /**< the expectations, in the order written */
	size_t nexpects; /**< number of expectations */
};

/**
 * Parse a run block whose attributes are @p a and body @p lines (line numbers
 * in the chapter @p path). Errors go to @p d; returns 0 or -1.
 */
int runspec_parse(struct runspec *r, const struct attrs *a,
		  const struct line *lines, size_t nlines, const char *path,
		  int fence_line, struct diag *d);

/** Release everything @p r owns. */
void runspec_free(struct runspec *r);

/** Name of a signal ("SIGKILL") for a number, or NULL. */
const char *signal_name(int sig);
/** Number of a signal given as "SIGKILL", "KILL" or "9"; 0 when unknown. */
int signal_number(const char *name);

/** How a run ended, as runspec_check() reads it. */
enum run_end {
	RUN_ENDED,	/**< it exited or died by itself */
	RUN_TIMED_OUT,	/**< it was still running at its timeout, and stopped */
	RUN_WENT_QUIET,	/**< a .hangs run stopped after its quiet= seconds of silence */
};

/**
 * Check @p r's expectations against @p output (the captured stdout and
 * stderr) and the way the run ended (@p end). A .hangs run passes only when
 * it went quiet: it printed what its expectations say (runspec_output_holds())
 * and then nothing for r->quiet seconds while it went on running. Each failure is reported to @p d at the
 * expectation's line in @p path. Returns the number of failures. The values
 * found (value NAME rows) go to @p values, when it is not NULL; a claim
 * "else note" that does not hold is reported as a warning, not a failure.
 *
 * signal=N holds when the run died of N; or, when the command runs mpiexec
 * (mpirun, orterun), when mpiexec exited with 128 + N and its output has
 * Open MPI's report "mpiexec noticed that process rank R with PID P on node
 * H exited on signal N (...)": a rank died of N. An exit with 128 + N alone
 * never holds, since any program may exit with it.
 */
int runspec_check(const struct runspec *r, const char *output, size_t len,
		  enum run_end end, int exit_status, int signal,
		  const char *path, struct diag *d, struct expr_values *values);

/**
 * Evaluate the claim @p e (an EXPECT_CLAIM) over @p values. Returns 1 when
 * it holds, 0 when it does not, -1 when it cannot be evaluated (a value is
 * missing or not a number); unless it holds, @p why gets an explanation for
 * a reader: "hidden = -0.19; the text assumes hidden > 0".
 */
int expect_claim_holds(const struct expect *e, const struct expr_values *values, struct buf *why);

/**
 * Do all of @p r's expectations but its claims hold of @p output, the
 * output so far of a run still running? What a .hangs run is recognised
 * by: once they hold, its silence is timed. Reports nothing.
 */
bool runspec_output_holds(const struct runspec *r, const char *output, size_t len);

/** The value NAME rows of @p r: the expectation defining @p name, or NULL. */
const struct expect *runspec_value(const struct runspec *r, const char *name);

/**
 * Compile the extended regex @p re (regcomp() with REG_EXTENDED | @p cflags)
 * so that it matches characters of UTF-8 text, not bytes, whatever the
 * locale of the process or its environment: it is compiled, and must be run
 * with regex_matches(), in glibc's C.UTF-8 locale, set for this thread only
 * while each call runs. So '.' is one character ("é", "中"), and
 * [[:alpha:]] holds "é"; a byte that is not UTF-8 is matched by no '.' and
 * no bracket expression. Returns 0, regcomp()'s error code, or -1 with
 * errno set when the C.UTF-8 locale cannot be loaded (which
 * regex_locale_problem() describes). Release @p rx with regfree().
 */
int regex_compile(regex_t *rx, const char *re, int cflags);

/** Does @p rx (from regex_compile()) match somewhere in the string @p s? */
bool regex_matches(const regex_t *rx, const char *s);

/**
 * Where @p rx (from regex_compile(), without REG_NOSUB) matches in @p s:
 * the span of its first group, or of the whole match when it has none, in
 * @p start and @p end. False when it does not match.
 */
bool regex_capture(const regex_t *rx, const char *s, size_t *start, size_t *end);

/** Why regex_compile() cannot load its locale, or NULL when it can. */
const char *regex_locale_problem(void);

/**
 * What makes the extended regex @p re unfit for the book, or NULL. Adjacent
 * repetition operators ("a++") are undefined in POSIX and make glibc's
 * regcomp() expand the pattern exponentially; a product of bounds that grows
 * too large ("((a{99}){99}){99}") or one large bound ("a{0,4999}") makes it
 * take time and memory that grow with the square of the copies. The
 * compiler is never given such a pattern.
 */
const char *regex_problem(const char *re);

/**
 * Did the run end with @p r's skip= status, saying that it cannot run on this
 * machine? (Never when it timed out or died of a signal.)
 */
bool runspec_skipped(const struct runspec *r, bool timed_out, int exit_status, int signal);

/** A one-line English description of @p e, for the rendered book. */
char *expect_describe(const struct expect *e);

#endif
