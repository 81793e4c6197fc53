/**
 * @file diag.h
 * @brief diagnostics in the GCC format, so that editors jump to them:
 *
 *     book/02-threads.md:41:5: error: undefined chunk 'runer'; did you mean 'runner'?
 *
 * A struct diag collects the count of errors for one command; tools check
 * it before writing anything, which is how "an error writes nothing" holds.
 */
#ifndef TANGLE_DIAG_H
#define TANGLE_DIAG_H

#include <stdio.h>

/** Where diagnostics go and how many errors were reported. */
struct diag {
	FILE *stream;	/**< destination, stderr in the commands; NULL: counted, not shown */
	int errors;	/**< number of diag_error() calls so far */
};

/** Initialise @p d to report to @p stream (NULL: count only) with no errors. */
void diag_init(struct diag *d, FILE *stream);

/**
 * Report an error at @p file : @p line : @p col and count it. A @p line of 0
 * omits line and column; a @p col of 0 omits the column.
 */
void diag_error(struct diag *d, const char *file, int line, int col,
		const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/** Report a note attached to the previous error; notes are not counted. */
void diag_note(struct diag *d, const char *file, int line, int col,
	       const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/**
 * Report a warning: something the reader of the book is told about (a claim
 * this machine contradicts, shown as a note) but that does not fail the
 * command; warnings are not counted.
 */
void diag_warning(struct diag *d, const char *file, int line, int col,
		  const char *fmt, ...) __attribute__((format(printf, 5, 6)));

#endif
