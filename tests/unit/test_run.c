/* Tests of expectations and of running commands. */
#include <locale.h>
#include <regex.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "capture.h"
#include "helpers.h"
#include "runner.h"
#include "runspec.h"

/* Parse a run block body under the given attribute text. */
static int parse(struct runspec *r, struct captured *c, const char *attrs, const char *body)
{
	struct attrs a;
	struct arena mem = {0};
	struct line lines[32];
	size_t n = 0;
	const char *p = body;
	int rc;

	attrs_parse(&a, &mem, attrs, strlen(attrs), "t.md", 1, 1, &c->d);
	while (*p && n < 32) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);

		lines[n] = (struct line){.text = p, .len = len, .lineno = (int)n + 2};
		n++;
		p += len + (nl ? 1 : 0);
	}
	rc = runspec_parse(r, &a, lines, n, "t.md", 1, &c->d);
	arena_free(&mem);
	return rc;
}

static int check_output(const char *attrs, const char *body, const char *output,
			enum run_end end, int status, int sig, const char *failure)
{
	struct captured c;
	struct runspec r;
	int failures;

	captured_open(&c);
	if (parse(&r, &c, attrs, body) < 0) {
		fprintf(stderr, "does not parse: %s", captured_text(&c));
		test_failed = 1;
		captured_close(&c);
		return 0;
	}
	failures = runspec_check(&r, output, strlen(output), end, status, sig, "t.md", &c.d, NULL);
	if (failure ? (failures == 0 || !contains(captured_text(&c), failure)) : failures != 0) {
		fprintf(stderr, "body:\n%s\nexpected %s, got:\n%s", body,
			failure ? failure : "no failure", captured_text(&c));
		test_failed = 1;
	}
	runspec_free(&r);
	captured_close(&c);
	return 0;
}

int test_expectations(void)
{
	const char *out = "START RACE!!!!\nHuey reached the barrier at: 1\n"
			  "Dewey reached the barrier at: 2\nRace over!\n";
	const char *body_ok =
		"$ build/bin/barrier\n"
		"line: START RACE!!!!\n"
		"count 2: reached the barrier\n"
		"order: ^START => reached => ^Race over!$\n"
		"contains: Dewey\n"
		"lacks: Louie\n"
		"anyorder: Race over!\n"
		"anyorder: START RACE!!!!\n";

	check_output("{.run}", body_ok, out, RUN_ENDED, 0, 0, NULL);
	check_output("{.run}", "$ x\ncount 3: reached\n", out, RUN_ENDED, 0, 0,
		     "t.md:3: error: 2 output lines match /reached/, expected 3");
	check_output("{.run}", "$ x\norder: Race over => reached\n", out, RUN_ENDED, 0, 0,
		     "t.md:3: error: order: line 4 (/Race over/) comes after line 2 (/reached/)");
	check_output("{.run}", "$ x\nlacks: Huey\n", out, RUN_ENDED, 0, 0,
		     "output line 2 matches /Huey/, which must not appear");
	check_output("{.run}", "$ x\nline: START RACE!!!\n", out, RUN_ENDED, 0, 0,
		     "no output line is exactly 'START RACE!!!'");
	check_output("{.run}", "$ x\nanyorder: Race over!\nanyorder: Race over!\n", out, RUN_ENDED, 0, 0,
		     "t.md:4: error: no (further) output line is exactly 'Race over!'");
	check_output("{.run}", "$ x\noutput: a\noutput: b\n", "a\nb\n", RUN_ENDED, 0, 0, NULL);
	check_output("{.run}", "$ x\noutput: a\noutput: b\n", "a\nb\nc\n", RUN_ENDED, 0, 0,
		     "output line 3 is 'c', expected '(end of output)'");
	check_output("{.run}", "$ x\noutput: a\noutput: b\n", "a\nB\n", RUN_ENDED, 0, 0,
		     "t.md:4: error: output line 2 is 'B', expected 'b'");
	/* Trailing blanks of output lines do not count. */
	check_output("{.run}", "$ x\nline: a\n", "a  \n", RUN_ENDED, 0, 0, NULL);
	return 0;
}

int test_regex_characters(void)
{
	regex_t rx;

	/* The process runs in the "C" locale, where these would count bytes. */
	EXPECT(regex_locale_problem() == NULL);
	check_output("{.run}", "$ x\ncount 1: ^.$\n", "é\nab\n", RUN_ENDED, 0, 0, NULL);
	check_output("{.run}", "$ x\ncount 2: ^.$\n", "é\n中\nab\n", RUN_ENDED, 0, 0, NULL);
	check_output("{.run}", "$ x\nlacks: ^..$\n", "é\n", RUN_ENDED, 0, 0, NULL);
	check_output("{.run}", "$ x\ncontains: ^[[:alpha:]]+$\n", "héllo\n", RUN_ENDED, 0, 0, NULL);
	check_output("{.run}", "$ x\ncontains: ^h.llo$\n", "héllo\n", RUN_ENDED, 0, 0, NULL);
	check_output("{.run}", "$ x\ncontains: ^[é]$\n", "é\n", RUN_ENDED, 0, 0, NULL);
	check_output("{.run}", "$ x\ncontains: ^.{5}$\n", "héllo\n", RUN_ENDED, 0, 0, NULL);
	check_output("{.run}", "$ x\ncount 1: ^[^a]$\n", "é\n", RUN_ENDED, 0, 0, NULL);
	check_output("{.run}", "$ x\norder: ^é => ^中$\n", "éa\n中\n", RUN_ENDED, 0, 0, NULL);
	check_output("{.run}", "$ x\ncount 1: ^.$\n", "ab\n", RUN_ENDED, 0, 0,
		     "t.md:3: error: 0 output lines match /^.$/, expected 1");
	/* A byte that is not UTF-8 is no character: only the text around it matches. */
	check_output("{.run}", "$ x\ncontains: ^abc\nlacks: ^abc.def$\n", "abc\xff" "def\n",
		     false, 0, 0, NULL);
	/* The same holds whatever the locale of the process. */
	if (setlocale(LC_CTYPE, "C.UTF-8")) {
		check_output("{.run}", "$ x\ncount 1: ^.$\n", "é\n", RUN_ENDED, 0, 0, NULL);
		setlocale(LC_CTYPE, "C");
	}
	EXPECT(regex_compile(&rx, "^.$", REG_NOSUB) == 0);
	EXPECT(regex_matches(&rx, "中") && !regex_matches(&rx, "ab"));
	regfree(&rx);
	EXPECT(regex_compile(&rx, "[é-a]", REG_NOSUB) > 0);	/* a reversed range, in characters */
	return 0;
}

int test_endings(void)
{
	check_output("{.run}", "$ x\n", "", RUN_ENDED, 1, 0, "the run exited with status 1 (expected 0)");
	check_output("{.run exit=3}", "$ x\n", "", RUN_ENDED, 3, 0, NULL);
	check_output("{.run}", "$ x\n", "", RUN_ENDED, 0, SIGSEGV, "the run died of SIGSEGV");
	check_output("{.run signal=SIGABRT}", "$ x\n", "", RUN_ENDED, 0, SIGABRT, NULL);
	check_output("{.run signal=KILL}", "$ x\n", "", RUN_ENDED, 0, SIGTERM, "expected the run to die of SIGKILL");
	/* A program that exits with 134 did not die of SIGABRT, whatever a shell makes of it. */
	check_output("{.run signal=SIGABRT}", "$ x\n", "", RUN_ENDED, 134, 0,
		     "expected the run to die of SIGABRT, but it exited with status 134, which is how a shell reports");
	check_output("{.run signal=SIGABRT}", "$ x\n", "", RUN_ENDED, 0, SIGSEGV,
		     "expected the run to die of SIGABRT, but it died of SIGSEGV");
	/* A hang is what it printed, then silence; a run that ends, or never settles, is no hang. */
	check_output("{.run .hangs}", "$ x\nline: waiting\n", "waiting\n", RUN_WENT_QUIET, 0, SIGTERM, NULL);
	check_output("{.run .hangs}", "$ x\nline: waiting\n", "waiting\n", RUN_ENDED, 0, 0,
		     "expected to hang, but it ended");
	check_output("{.run .hangs timeout=5}", "$ x\nline: waiting\n", "", RUN_TIMED_OUT, 0, SIGTERM,
		     "at its timeout (5s) it had not");
	check_output("{.run .hangs timeout=5}", "$ x\nline: waiting\n", "waiting\nwaiting\n", RUN_TIMED_OUT, 0,
		     SIGTERM, "or it never stopped printing");
	check_output("{.run timeout=2}", "$ x\n", "", RUN_TIMED_OUT, 0, SIGTERM, "the run timed out after 2s");
	return 0;
}

/* What Open MPI 4.1.4's mpiexec prints and returns when rank 1 dies of SIGABRT, or exits with 134. */
static const char rank_aborted[] =
	"rank 0 up\n"
	"--------------------------------------------------------------------------\n"
	"Primary job  terminated normally, but 1 process returned\n"
	"a non-zero exit code. Per user-direction, the job has been aborted.\n"
	"--------------------------------------------------------------------------\n"
	"--------------------------------------------------------------------------\n"
	"mpiexec noticed that process rank 1 with PID 0 on node vm exited on signal 6 (Aborted).\n"
	"--------------------------------------------------------------------------\n";
static const char rank_exited_134[] =
	"--------------------------------------------------------------------------\n"
	"mpiexec detected that one or more processes exited with non-zero status, thus causing\n"
	"the job to be terminated. The first process to do so was:\n"
	"\n"
	"  Process name: [[32729,1],1]\n"
	"  Exit code:    134\n"
	"--------------------------------------------------------------------------\n";

int test_mpiexec_rank_signal(void)
{
	const char *cmd = "$ mpiexec -n 2 build/bin/x\n";

	/* signal= on an mpiexec command: a rank died of it, as mpiexec reports it. */
	check_output("{.run signal=SIGABRT}", cmd, rank_aborted, RUN_ENDED, 134, 0, NULL);
	check_output("{.run signal=6}", "$ OMPI_X=1 /usr/bin/mpirun -n 2 build/bin/x\n",
		     "mpirun noticed that process rank 0 with PID 7 on node h exited on signal 6 (Aborted).\n",
		     false, 134, 0, NULL);
	/* mpiexec itself killed: its own death counts too. */
	check_output("{.run signal=SIGKILL}", cmd, "", RUN_ENDED, 0, SIGKILL, NULL);
	/* A rank that exits with 134: no signal, though mpiexec returns 134 as well. */
	check_output("{.run signal=SIGABRT}", cmd, rank_exited_134, RUN_ENDED, 134, 0,
		     "expected the run to die of SIGABRT, but it exited with status 134");
	/* The report and the status must agree, and come from mpiexec. */
	check_output("{.run signal=SIGABRT}", cmd, rank_aborted, RUN_ENDED, 1, 0,
		     "expected the run to die of SIGABRT, but it exited with status 1");
	check_output("{.run signal=SIGABRT}", "$ build/bin/x\n", rank_aborted, RUN_ENDED, 134, 0,
		     "expected the run to die of SIGABRT, but it exited with status 134");
	check_output("{.run signal=SIGABRT}", cmd,
		     "mpiexec noticed that process rank 1 with PID 0 on node vm exited on signal 11 (Segmentation fault).\n",
		     false, 139, 0, "expected the run to die of SIGABRT, but mpiexec reports that a rank died of SIGSEGV");
	/* Without signal=, the status is mpiexec's, and the report says why. */
	check_output("{.run}", cmd, rank_aborted, RUN_ENDED, 134, 0,
		     "the run exited with status 134 (expected 0): mpiexec reports that a rank died of SIGABRT");
	check_output("{.run exit=134}", cmd, rank_aborted, RUN_ENDED, 134, 0, NULL);
	return 0;
}

int test_skip_and_wrapped_mpiexec(void)
{
	struct captured c;
	struct runspec r;

	captured_open(&c);
	EXPECT(parse(&r, &c, "{.run skip=77}",
		     "$ sh cluster.sh mpiexec --hostfile snippets/ch04/hostfile -n 6 build/bin/mpi_hosts\n"
		     "line: x\n") == 0);
	/* mpiexec behind a wrapper still declares its ranks. */
	EXPECT(r.ranks == 6 && r.skip_status == 77);
	EXPECT(r.programs.len == 1 && !strcmp(r.programs.items[0], "mpi_hosts"));
	EXPECT(r.files.len == 1 && !strcmp(r.files.items[0], "snippets/ch04/hostfile"));
	EXPECT(runspec_skipped(&r, false, 77, 0));
	EXPECT(!runspec_skipped(&r, false, 0, 0));
	EXPECT(!runspec_skipped(&r, true, 77, 0));
	EXPECT(!runspec_skipped(&r, false, 77, SIGTERM));
	runspec_free(&r);
	EXPECT(parse(&r, &c, "{.run}", "$ build/bin/x -n 3\n") == 0);
	EXPECT(r.ranks == 1 && !runspec_skipped(&r, false, 77, 0));
	runspec_free(&r);
	captured_close(&c);

	captured_open(&c);
	EXPECT(parse(&r, &c, "{.run skip=0}", "$ x\n") < 0);
	EXPECT(contains(captured_text(&c), "skip must be an exit status between 1 and 255, not '0'"));
	runspec_free(&r);
	captured_close(&c);
	captured_open(&c);
	EXPECT(parse(&r, &c, "{.run exit=77 skip=77}", "$ x\n") < 0);
	EXPECT(contains(captured_text(&c), "skip=77 is also the expected exit status"));
	runspec_free(&r);
	captured_close(&c);
	return 0;
}

static void run_command(const char *cmd, double timeout, struct capture_result *r)
{
	struct capture_opts o = {cmd, NULL, timeout, 0.5, 1 << 20, NULL, NULL, NULL, 0};

	EXPECT(capture_run(&o, r) == 0);
}

static bool says_ready(const char *output, size_t len, void *arg)
{
	(void)arg;
	return len >= 6 && !memcmp(output + len - 6, "ready\n", 6);
}

/*
 * A run meant to hang is stopped by its silence after the output it must
 * print, however late that output comes; one that keeps printing, or ends,
 * is not taken for a hang.
 */
int test_capture_quiet(void)
{
	struct capture_result r;
	struct capture_opts o = {"sleep 1.5; echo ready; sleep 60", NULL, 30, 0.5, 1 << 20, NULL,
				 says_ready, NULL, 0.3};

	EXPECT(capture_run(&o, &r) == 0);
	EXPECT(r.went_quiet && !r.timed_out && r.leftovers == 0);
	EXPECT(r.output.data && !strcmp(r.output.data, "ready\n"));
	capture_result_free(&r);
	/* Printing restarts the silence: only the timeout stops it. */
	o.command = "while :; do echo ready; sleep 0.1; done";
	o.timeout = 1.5;
	EXPECT(capture_run(&o, &r) == 0);
	EXPECT(r.timed_out && !r.went_quiet);
	capture_result_free(&r);
	/* Not yet what it must print: silence alone is not a hang. */
	o.command = "echo starting; sleep 60";
	o.timeout = 1.5;
	EXPECT(capture_run(&o, &r) == 0);
	EXPECT(r.timed_out && !r.went_quiet);
	capture_result_free(&r);
	/* A run that ends after its output ended: no hang. */
	o.command = "echo ready; sleep 0.1";
	o.timeout = 10;
	EXPECT(capture_run(&o, &r) == 0);
	EXPECT(!r.timed_out && !r.went_quiet && r.exit_status == 0);
	capture_result_free(&r);
	return 0;
}

int test_capture_order_and_status(void)
{
	struct capture_result r;

	run_command("echo one; echo two >&2; echo three; exit 7", 10, &r);
	EXPECT(r.output.data && !strcmp(r.output.data, "one\ntwo\nthree\n"));
	EXPECT(r.exit_status == 7 && r.signal == 0 && !r.timed_out && r.leftovers == 0);
	capture_result_free(&r);
	run_command("kill -SEGV $$", 10, &r);
	EXPECT(r.signal == SIGSEGV);
	capture_result_free(&r);
	return 0;
}

/*
 * Is any process with this command line still alive? Patterns start with
 * "[s]leep" so that they do not match the shell running pgrep itself.
 */
static bool alive(const char *marker)
{
	char cmd[1024];

	snprintf(cmd, sizeof(cmd), "pgrep -f '%s' >/dev/null", marker);
	return system(cmd) == 0;
}

int test_capture_timeout_kills_everything(void)
{
	struct capture_result r;
	double start;
	char cmd[512];

	/* A child in the group, and one that escapes it with setsid. */
	snprintf(cmd, sizeof(cmd),
		 "sleep 31.%d & setsid sleep 32.%d & echo partial; sleep 33.%d",
		 (int)getpid(), (int)getpid(), (int)getpid());
	run_command(cmd, 0.5, &r);
	EXPECT(r.timed_out);
	EXPECT(r.output.data && !strcmp(r.output.data, "partial\n"));
	snprintf(cmd, sizeof(cmd), "[s]leep 3[123].%d", (int)getpid());
	start = (double)time(NULL);
	while (alive(cmd) && (double)time(NULL) - start < 3)
		usleep(10000);
	EXPECT(!alive(cmd));
	capture_result_free(&r);
	return 0;
}

int test_capture_leftovers(void)
{
	struct capture_result r;
	char cmd[256];

	/* One child stays in the group, one leaves it; neither is waited for. */
	snprintf(cmd, sizeof(cmd), "sleep 34.%d & setsid sleep 34.%d >/dev/null 2>&1 & echo done",
		 (int)getpid(), (int)getpid());
	run_command(cmd, 5, &r);
	EXPECT(!r.timed_out && r.exit_status == 0);
	EXPECT(r.leftovers == 2);
	snprintf(cmd, sizeof(cmd), "[s]leep 34.%d", (int)getpid());
	EXPECT(!alive(cmd));
	capture_result_free(&r);
	return 0;
}

int test_capture_exiting_child_is_not_left(void)
{
	struct capture_result r;

	/* The child ends a tenth of a second after the command: on its way out, not left. */
	run_command("sleep 0.1 >/dev/null 2>&1 & echo done", 5, &r);
	EXPECT(!r.timed_out && r.exit_status == 0);
	EXPECT(r.leftovers == 0);
	capture_result_free(&r);
	return 0;
}

int test_capture_output_cap(void)
{
	struct capture_opts o = {"head -c 100000 /dev/zero", NULL, 10, 0.5, 1000, NULL, NULL, NULL, 0};
	struct capture_result r;

	EXPECT(capture_run(&o, &r) == 0);
	EXPECT(r.output.len == 1000 && r.dropped == 99000);
	capture_result_free(&r);
	return 0;
}

int test_capture_plan(void)
{
	/* The command, and what each bash is given ("|" between elements here). */
	static const struct {
		const char *command, *plan;
	} cases[] = {
		/* bash replaces itself with these: left as they are. */
		{"build/bin/x", "build/bin/x"},
		{"cd build && X=1 ./bin/x -n 3", "cd build && X=1 ./bin/x -n 3"},
		/* A redirection stops bash from doing it: exec is written before a program's name. */
		{"build/bin/x > out", "exec build/bin/x > out"},
		{"X=1 build/bin/x 2>/dev/null", "X=1 exec build/bin/x 2>/dev/null"},
		{"2>&1 build/bin/x", "2>&1 exec build/bin/x"},
		{"cd build && bin/x <in", "cd build && exec bin/x <in"},
		{"mpiexec -n 2 build/bin/x >/dev/null", "exec mpiexec -n 2 build/bin/x >/dev/null"},
		/* ...never before a builtin, a keyword, an expansion, in the background or not last. */
		{"echo hi > f", "echo hi > f"},
		{"exec build/bin/x > f", "exec build/bin/x > f"},
		{"\"build/bin/x\" > f", "\"build/bin/x\" > f"},
		{"$X > f", "$X > f"},
		{"build/bin/x > f &", "build/bin/x > f &"},
		{"build/bin/x & build/bin/y > f", "build/bin/x & build/bin/y > f"},
		{"build/bin/x > f; true", "build/bin/x > f; true"},
		{"{ build/bin/x; } > f", "{ build/bin/x; } > f"},
		{"(build/bin/x) > f", "(build/bin/x) > f"},
		{"f() { build/bin/x; }; f > out", "f() { build/bin/x; }; f > out"},
		{"function f { build/bin/x; }; f > out", "function f { build/bin/x; }; f > out"},
		/* A top-level pipeline is split, quotes and nesting respected. */
		{"a | b", "a|b"},
		{"a|b |  c", "a|b|c"},
		{"echo 'a|b' \"c|d\" | cat", "echo 'a|b' \"c|d\"|cat"},
		{"echo $(a | b) `c | d` ${x:-|} | e", "echo $(a | b) `c | d` ${x:-|}|e"},
		{"diff <(a | b) <(c) | d", "diff <(a | b) <(c)|d"},
		{"(a | b) | c", "(a | b)|c"},
		{"a \\| b | c", "a \\| b|c"},
		{"a >| f | b", "exec a >| f|b"},
		{"a |& b", "exec a 2>&1|b"},
		{"a 2>/dev/null |& b", "exec a 2>/dev/null 2>&1|b"},
		{"a | b > f", "a|exec b > f"},
		{"a | b # c | d", "a|b # c | d"},
		/* Not a plain pipeline: bash runs it whole. */
		{"a || b", "a || b"},
		{"a && b | c", "a && b | c"},
		{"a | b; c", "a | b; c"},
		{"a | b &", "a | b &"},
		{"time a | b", "time a | b"},
		{"! a | b", "! a | b"},
		{"[[ x =~ a|b ]]", "[[ x =~ a|b ]]"},
		{"a | { b; }", "a | { b; }"},
		{"a |", "a |"},
		{"| a", "| a"},
		{"echo \"unclosed | x", "echo \"unclosed | x"},
		{"a | (b", "a | (b"},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct capture_plan p;
		struct buf got = {0};

		capture_plan(cases[i].command, &p);
		for (size_t k = 0; k < p.n; k++)
			buf_printf(&got, "%s%s", k ? "|" : "", p.commands[k]);
		if (strcmp(got.data, cases[i].plan)) {
			fprintf(stderr, "%s: planned '%s', expected '%s'\n", cases[i].command, got.data,
				cases[i].plan);
			test_failed = 1;
		}
		buf_free(&got);
		capture_plan_free(&p);
	}
	return 0;
}

/* Run @p cmd and check how it ended and, if @p out, what it wrote. */
static void ends(const char *cmd, int status, int sig, const char *out)
{
	struct capture_result r;

	run_command(cmd, 10, &r);
	if (r.exit_status != status || r.signal != sig || r.timed_out || r.leftovers ||
	    (out && strcmp(r.output.data ? r.output.data : "", out))) {
		fprintf(stderr, "%s: exit %d, signal %d, timed out %d, leftovers %d, output '%s'; "
			"expected exit %d, signal %d, output '%s'\n", cmd, r.exit_status, r.signal,
			r.timed_out, r.leftovers, r.output.data ? r.output.data : "", status, sig,
			out ? out : "(any)");
		test_failed = 1;
	}
	capture_result_free(&r);
}

int test_capture_signals(void)
{
	const char *abort_ = "sh -c 'kill -ABRT $$'", *exit134 = "sh -c 'exit 134'";
	char cmd[256];
	struct capture_result r;

	/* A plain command, a list, a redirection: the program's own death. */
	ends(abort_, 0, SIGABRT, "");
	snprintf(cmd, sizeof(cmd), "true && cd / && X=1 %s", abort_);
	ends(cmd, 0, SIGABRT, "");
	snprintf(cmd, sizeof(cmd), "%s > /dev/null 2>&1", abort_);
	ends(cmd, 0, SIGABRT, "");
	/* A program that exits with 134 did not die of a signal. */
	ends(exit134, 134, 0, "");
	snprintf(cmd, sizeof(cmd), "%s > /dev/null", exit134);
	ends(cmd, 134, 0, "");
	/* A pipeline: its last element's end, a death included. */
	snprintf(cmd, sizeof(cmd), "echo a | %s", abort_);
	ends(cmd, 0, SIGABRT, "");
	snprintf(cmd, sizeof(cmd), "echo a |& %s", abort_);
	ends(cmd, 0, SIGABRT, "");
	snprintf(cmd, sizeof(cmd), "%s | cat", abort_);
	ends(cmd, 0, 0, "");
	snprintf(cmd, sizeof(cmd), "echo a | %s", exit134);
	ends(cmd, 134, 0, "");
	/* ...and its meaning: data through the pipes, stderr beside them unless |&. */
	ends("printf 'b\\na\\n' | sort | tr a-z A-Z", 0, 0, "A\nB\n");
	ends("yes | head -n 2", 0, 0, "y\ny\n");
	ends("sh -c 'echo err >&2' | tr a-z A-Z", 0, 0, "err\n");
	ends("sh -c 'echo err >&2' |& tr a-z A-Z", 0, 0, "ERR\n");
	ends("echo a | sh -c 'read x; exit 3'", 3, 0, "");
	/* Every element is waited for, as bash does: the sleep is not left behind. */
	ends("sleep 0.8 | true", 0, 0, "");
	/* What bash runs whole reports a death as 128 + N, never as a signal. */
	snprintf(cmd, sizeof(cmd), "(%s)", abort_);
	ends(cmd, 134, 0, NULL);
	snprintf(cmd, sizeof(cmd), "true && echo a | %s", abort_);
	ends(cmd, 134, 0, NULL);

	/* What an element leaves behind is found, and a timeout stops every element. */
	snprintf(cmd, sizeof(cmd), "(setsid sleep 38.%d >/dev/null 2>&1 &) | cat", (int)getpid());
	run_command(cmd, 5, &r);
	EXPECT(!r.timed_out && r.exit_status == 0 && r.leftovers == 1);
	capture_result_free(&r);
	snprintf(cmd, sizeof(cmd), "sleep 39.%d | sleep 39.%d", (int)getpid(), (int)getpid());
	run_command(cmd, 0.3, &r);
	EXPECT(r.timed_out);
	capture_result_free(&r);
	snprintf(cmd, sizeof(cmd), "[s]leep 3[89].%d", (int)getpid());
	EXPECT(!alive(cmd));
	return 0;
}

int test_capture_clean_shell(void)
{
	char *startup = xasprintf("%s/startup.sh", test_tmpdir());
	FILE *f = fopen(startup, "w");

	EXPECT(f != NULL);
	if (!f) {
		free(startup);
		return 0;
	}
	fputs("echo startup file read\n", f);
	fclose(f);
	/* Neither a startup file, nor options, nor functions from the environment. */
	setenv("BASH_ENV", startup, 1);
	setenv("SHELLOPTS", "errexit:xtrace", 1);
	setenv("BASH_FUNC_sort%%", "() { echo a function; }", 1);
	ends("false; printf 'b\\na\\n' | sort", 0, 0, "a\nb\n");
	unsetenv("BASH_ENV");
	unsetenv("SHELLOPTS");
	unsetenv("BASH_FUNC_sort%%");
	free(startup);
	return 0;
}
