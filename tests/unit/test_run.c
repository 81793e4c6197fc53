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
			bool timed_out, int status, int sig, const char *failure)
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
	failures = runspec_check(&r, output, strlen(output), timed_out, status, sig, "t.md", &c.d);
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

	check_output("{.run}", body_ok, out, false, 0, 0, NULL);
	check_output("{.run}", "$ x\ncount 3: reached\n", out, false, 0, 0,
		     "t.md:3: error: 2 output lines match /reached/, expected 3");
	check_output("{.run}", "$ x\norder: Race over => reached\n", out, false, 0, 0,
		     "t.md:3: error: order: line 4 (/Race over/) comes after line 2 (/reached/)");
	check_output("{.run}", "$ x\nlacks: Huey\n", out, false, 0, 0,
		     "output line 2 matches /Huey/, which must not appear");
	check_output("{.run}", "$ x\nline: START RACE!!!\n", out, false, 0, 0,
		     "no output line is exactly 'START RACE!!!'");
	check_output("{.run}", "$ x\nanyorder: Race over!\nanyorder: Race over!\n", out, false, 0, 0,
		     "t.md:4: error: no (further) output line is exactly 'Race over!'");
	check_output("{.run}", "$ x\noutput: a\noutput: b\n", "a\nb\n", false, 0, 0, NULL);
	check_output("{.run}", "$ x\noutput: a\noutput: b\n", "a\nb\nc\n", false, 0, 0,
		     "output line 3 is 'c', expected '(end of output)'");
	check_output("{.run}", "$ x\noutput: a\noutput: b\n", "a\nB\n", false, 0, 0,
		     "t.md:4: error: output line 2 is 'B', expected 'b'");
	/* Trailing blanks of output lines do not count. */
	check_output("{.run}", "$ x\nline: a\n", "a  \n", false, 0, 0, NULL);
	return 0;
}

int test_regex_characters(void)
{
	regex_t rx;

	/* The process runs in the "C" locale, where these would count bytes. */
	EXPECT(regex_locale_problem() == NULL);
	check_output("{.run}", "$ x\ncount 1: ^.$\n", "é\nab\n", false, 0, 0, NULL);
	check_output("{.run}", "$ x\ncount 2: ^.$\n", "é\n中\nab\n", false, 0, 0, NULL);
	check_output("{.run}", "$ x\nlacks: ^..$\n", "é\n", false, 0, 0, NULL);
	check_output("{.run}", "$ x\ncontains: ^[[:alpha:]]+$\n", "héllo\n", false, 0, 0, NULL);
	check_output("{.run}", "$ x\ncontains: ^h.llo$\n", "héllo\n", false, 0, 0, NULL);
	check_output("{.run}", "$ x\ncontains: ^[é]$\n", "é\n", false, 0, 0, NULL);
	check_output("{.run}", "$ x\ncontains: ^.{5}$\n", "héllo\n", false, 0, 0, NULL);
	check_output("{.run}", "$ x\ncount 1: ^[^a]$\n", "é\n", false, 0, 0, NULL);
	check_output("{.run}", "$ x\norder: ^é => ^中$\n", "éa\n中\n", false, 0, 0, NULL);
	check_output("{.run}", "$ x\ncount 1: ^.$\n", "ab\n", false, 0, 0,
		     "t.md:3: error: 0 output lines match /^.$/, expected 1");
	/* A byte that is not UTF-8 is no character: only the text around it matches. */
	check_output("{.run}", "$ x\ncontains: ^abc\nlacks: ^abc.def$\n", "abc\xff" "def\n",
		     false, 0, 0, NULL);
	/* The same holds whatever the locale of the process. */
	if (setlocale(LC_CTYPE, "C.UTF-8")) {
		check_output("{.run}", "$ x\ncount 1: ^.$\n", "é\n", false, 0, 0, NULL);
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
	check_output("{.run}", "$ x\n", "", false, 1, 0, "the run exited with status 1 (expected 0)");
	check_output("{.run exit=3}", "$ x\n", "", false, 3, 0, NULL);
	check_output("{.run}", "$ x\n", "", false, 0, SIGSEGV, "the run died of SIGSEGV");
	check_output("{.run signal=SIGABRT}", "$ x\n", "", false, 0, SIGABRT, NULL);
	check_output("{.run signal=KILL}", "$ x\n", "", false, 0, SIGTERM, "expected the run to die of SIGKILL");
	check_output("{.run .hangs timeout=1}", "$ x\n", "", true, 0, SIGTERM, NULL);
	check_output("{.run .hangs timeout=1}", "$ x\n", "", false, 0, 0, "expected to hang until its timeout");
	check_output("{.run timeout=2}", "$ x\n", "", true, 0, SIGTERM, "the run timed out after 2s");
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
	struct capture_opts o = {cmd, NULL, timeout, 0.5, 1 << 20, NULL};

	EXPECT(capture_run(&o, r) == 0);
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
	struct capture_opts o = {"head -c 100000 /dev/zero", NULL, 10, 0.5, 1000, NULL};
	struct capture_result r;

	EXPECT(capture_run(&o, &r) == 0);
	EXPECT(r.output.len == 1000 && r.dropped == 99000);
	capture_result_free(&r);
	return 0;
}
