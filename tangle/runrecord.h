/**
 * @file runrecord.h
 * @brief the record of one run, build/out/ID.json beside its output
 * ID.txt: how the run ended, on which machine, and what it was made from,
 * by content. run writes it; weave, plot and provenance read it, all
 * through this file.
 *
 * What a run was made from is the digest of its block (block_spec_text()),
 * and of each input: every program it executed (build/bin/NAME), every
 * snippet those programs are built from (snippets/PATH), and every file of
 * snippets/ its command names. The record's digest covers those and the
 * output, so two records with the same digest show the same output of the
 * same code; the book shows its first RUN_RECORD_SHORT digits beside the
 * output, and the provenance test finds them there. The values the block's
 * "value NAME" rows read from the output ("values": {"serial": "0.41"}) are
 * in the record and in its digest, so a value quoted in the prose carries
 * the provenance of its run.
 */
#ifndef TANGLE_RUNRECORD_H
#define TANGLE_RUNRECORD_H

#include <stdbool.h>
#include <stddef.h>

#include "expr.h"
#include "sha256.h"
#include "util.h"

/** Digits of the digest the book shows. */
enum { RUN_RECORD_SHORT = 12 };

/** One input of a run and its digest. */
struct run_input {
	char *path;			/**< "build/bin/tasks", "snippets/ch01/tasks.c" */
	char sha256[SHA256_HEX];	/**< of its content when the run started */
};

/** A run's record. Strings are owned; NULL where unknown. */
struct run_record {
	char *id;		/**< the run's id */
	char *command;		/**< as the chapter shows it */
	char *source;		/**< "book/NN-slug.md:LINE" of the command */
	int exit_status;	/**< when it exited; -1 when a signal ended it */
	char *signal;		/**< "SIGABRT" when a signal ended it, else NULL */
	bool timed_out;		/**< stopped at its timeout */
	bool went_quiet;	/**< a .hangs run: stopped after printing what it must, then quiet seconds of nothing */
	double timeout;		/**< seconds */
	double quiet;		/**< a .hangs run's silence, seconds; 0 for other runs */
	double wall;		/**< seconds */
	size_t output_bytes;	/**< written by the command, kept or not */
	size_t dropped_bytes;	/**< beyond the capture limit, not in ID.txt */
	int leftovers;		/**< processes it left running */
	bool is_volatile;	/**< the block is .volatile */
	bool hangs;		/**< the block is .hangs */
	bool skipped;		/**< it said it cannot run on this machine */
	int failures;		/**< expectations not met */
	char *date;		/**< UTC start, "2026-11-28T08:00:00Z" */
	long cores;		/**< online processors */
	char *cpu;		/**< model name */
	char *kernel;		/**< "Linux 6.1.0" */
	char *compiler;		/**< "GNU 12.2.0" */
	char *variant;		/**< build variant: default, tsan, asan */
	char block_sha256[SHA256_HEX];	/**< of the block */
	char output_sha256[SHA256_HEX]; /**< of ID.txt */
	struct run_input *inputs;	/**< sorted by path */
	size_t ninputs;			/**< number of inputs */
	struct expr_values values;	/**< the values read from the output, in the block's order */
	char digest[SHA256_HEX];	/**< of all the digests above, see run_record_seal() */
};

/** Add input @p path with digest @p sha256 (kept sorted by path). */
void run_record_add_input(struct run_record *r, const char *path, const char *sha256);

/** The digest of @p r's input @p path, or NULL when it has none. */
const char *run_record_input(const struct run_record *r, const char *path);

/**
 * Set r->output_sha256 from the output and r->digest from it, the block's
 * and the inputs' digests and the values.
 */
void run_record_seal(struct run_record *r, const char *output, size_t len);

/** The digest r->digest should have, from the other digests of @p r. */
void run_record_expected_digest(const struct run_record *r, char hex[SHA256_HEX]);

/** Append @p r as JSON to @p out. */
void run_record_write(const struct run_record *r, struct buf *out);

/** Parse the JSON @p text into @p r; 0, or -1 when it is not a run record. */
int run_record_parse(struct run_record *r, const char *text);

/**
 * Read DIR/ID.json into @p r and DIR/ID.txt into @p output, and check that
 * they belong together (the output's digest is the record's) and that the
 * record's digest is the one its contents give. Returns 0,
 * or -1 with a description of what is wrong in @p why (owned by the caller).
 */
int run_record_load(const char *dir, const char *id, struct run_record *r, struct buf *output,
		    char **why);

/**
 * Check that @p r was made from what is here now: the block's text is
 * @p block (@p len bytes), and every input still has the digest the record
 * gives it (a program build/bin/NAME read from @p bindir, any other input
 * from under @p root). Returns 0, or -1 with the first difference in @p why
 * (owned by the caller).
 */
int run_record_verify(const struct run_record *r, const char *block, size_t len, const char *root,
		      const char *bindir, char **why);

/** Release what @p r owns. */
void run_record_free(struct run_record *r);

#endif
