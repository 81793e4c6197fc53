/**
 * @file pieces.h
 * @brief a second thread that writes the pieces of a large file while the
 * next piece is being produced.
 *
 * A few buffers take turns: the producer fills one while the thread writes
 * another, so producing and writing overlap on two cores, and memory stays
 * at a few pieces whatever the size of the file. pieces_put() waits only
 * when every buffer holds a piece still to be written: with one buffer more
 * than two, a writer that is slow for a moment does not stop the producer
 * at once. Measured on a 100 MB chapter, tangle took 208 ms with two
 * buffers (the producer waited 20 ms of 60), 188 with four, 193 with eight.
 *
 *     struct pieces p;
 *     if (pieces_start(&p, write_fn, ctx) == 0) {
 *             while (more)
 *                     rc = pieces_put(&p, &piece);   // piece comes back empty
 *             rc = pieces_finish(&p);
 *     }
 */
#ifndef TANGLE_PIECES_H
#define TANGLE_PIECES_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

#include "util.h"

/** Writes @p len bytes; returns 0, or non-zero to refuse every later piece. */
typedef int pieces_write_fn(void *ctx, const char *data, size_t len);

/** How many pieces may wait to be written. */
enum { PIECES_QUEUED = 4 };

/** The writing thread and the pieces it holds. Touch only through the functions below. */
struct pieces {
	pieces_write_fn *write;	/**< called on the thread, one piece at a time, in order */
	void *ctx;		/**< its first argument */
	pthread_t thread;	/**< the writing thread */
	pthread_mutex_t lock;	/**< guards everything below */
	pthread_cond_t changed;	/**< signalled when queued or closing changes */
	struct buf held[PIECES_QUEUED]; /**< a ring of pieces handed to the thread */
	size_t first;		/**< the piece the thread writes next */
	size_t queued;		/**< pieces handed over and not yet written */
	bool closing;		/**< no more pieces will come */
	int rc;			/**< the first non-zero return of write, else 0 */
};

/**
 * Start the thread, which calls @p write(@p ctx, ...) for each piece, with
 * the process's asynchronous signals blocked (they stay with the caller).
 * Returns 0, or an error number when no thread could be started (write the
 * pieces directly then).
 */
int pieces_start(struct pieces *p, pieces_write_fn *write, void *ctx);

/**
 * Hand @p piece to the thread, waiting while the ring is full. It comes back
 * empty (holding the buffer of an earlier piece, for reuse). Returns 0, or the non-zero value a write
 * returned: then this piece and every later one are dropped.
 */
int pieces_put(struct pieces *p, struct buf *piece);

/** Wait until every piece is written and stop the thread. Returns as pieces_put(). */
int pieces_finish(struct pieces *p);

#endif
