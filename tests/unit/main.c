/*
 * The unit test runner: "unit-tests NAME" runs one test (as CTest does, one
 * process per test), "unit-tests" runs them all and prints a summary.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "runner.h"
#include "test-list.h"

int test_failed;
static char tmpdir[256];

const char *test_tmpdir(void)
{
	if (!tmpdir[0]) {
		const char *base = getenv("TMPDIR");

		snprintf(tmpdir, sizeof(tmpdir), "%s/unit-XXXXXX", base ? base : "/tmp");
		if (!mkdtemp(tmpdir)) {
			perror("mkdtemp");
			exit(2);
		}
	}
	return tmpdir;
}

static void remove_tmpdir(void)
{
	char cmd[300];

	if (!tmpdir[0])
		return;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", tmpdir);
	tmpdir[0] = '\0';
}

static int run(const struct test *t)
{
	test_failed = 0;
	if (t->fn() != 0)
		test_failed = 1;
	remove_tmpdir();
	printf("%s %s\n", test_failed ? "FAIL" : "ok  ", t->name);
	return test_failed;
}

int main(int argc, char **argv)
{
	int failures = 0, count = 0;

	for (const struct test *t = tests; t->name; t++) {
		if (argc > 1 && strcmp(argv[1], t->name))
			continue;
		failures += run(t);
		count++;
	}
	if (argc > 1 && count == 0) {
		fprintf(stderr, "no test named %s\n", argv[1]);
		return 2;
	}
	if (argc == 1)
		printf("%d tests, %d failed\n", count, failures);
	return failures ? 1 : 0;
}
