/*
 * runner.h - the unit tests' tiny framework, in the manner of libuv's:
 * each test is a function returning 0 on success; EXPECT records the first
 * failed condition with its location and makes the test fail.
 */
#ifndef TESTS_RUNNER_H
#define TESTS_RUNNER_H

#include <stdio.h>

/** Set by EXPECT when a condition fails; the runner reports it. */
extern int test_failed;

#define EXPECT(cond)                                                          \
	do {                                                                  \
		if (!(cond)) {                                                \
			fprintf(stderr, "%s:%d: expected: %s\n", __FILE__,    \
				__LINE__, #cond);                             \
			test_failed = 1;                                      \
		}                                                             \
	} while (0)

/** A scratch directory for the running test, created empty. */
const char *test_tmpdir(void);

#endif
