/* pieces.c - see pieces.h. */
#include "pieces.h"

#include <signal.h>
#include <string.h>

/*
 * The thread waits for a queued piece, writes it without the lock (the
 * producer fills only the slot past the last queued one, never the first
 * while it is queued), then empties it and takes it off the queue.
 */
static void *write_pieces(void *arg)
{
	struct pieces *p = arg;

	pthread_mutex_lock(&p->lock);
	for (;;) {
		struct buf *piece;
		int rc;

		while (!p->queued && !p->closing)
			pthread_cond_wait(&p->changed, &p->lock);
		if (!p->queued)
			break;
		piece = &p->held[p->first];
		rc = p->rc;
		pthread_mutex_unlock(&p->lock);
		if (rc == 0)
			rc = p->write(p->ctx, piece->data ? piece->data : "", piece->len);
		buf_reset(piece);
		pthread_mutex_lock(&p->lock);
		if (rc && !p->rc)
			p->rc = rc;
		p->first = (p->first + 1) % PIECES_QUEUED;
		p->queued--;
		pthread_cond_broadcast(&p->changed);
	}
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

int pieces_start(struct pieces *p, pieces_write_fn *write, void *ctx)
{
	sigset_t all, old;
	int rc;

	memset(p, 0, sizeof(*p));
	p->write = write;
	p->ctx = ctx;
	if ((rc = pthread_mutex_init(&p->lock, NULL)) != 0)
		return rc;
	if ((rc = pthread_cond_init(&p->changed, NULL)) != 0) {
		pthread_mutex_destroy(&p->lock);
		return rc;
	}
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	rc = pthread_create(&p->thread, NULL, write_pieces, p);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0) {
		pthread_cond_destroy(&p->changed);
		pthread_mutex_destroy(&p->lock);
	}
	return rc;
}

int pieces_put(struct pieces *p, struct buf *piece)
{
	int rc;

	pthread_mutex_lock(&p->lock);
	while (p->queued == PIECES_QUEUED)
		pthread_cond_wait(&p->changed, &p->lock);
	rc = p->rc;
	if (rc == 0) {
		struct buf *slot = &p->held[(p->first + p->queued) % PIECES_QUEUED];
		struct buf empty = *slot;

		*slot = *piece;
		*piece = empty;
		p->queued++;
		pthread_cond_broadcast(&p->changed);
	}
	pthread_mutex_unlock(&p->lock);
	buf_reset(piece);
	return rc;
}

int pieces_finish(struct pieces *p)
{
	int rc;

	pthread_mutex_lock(&p->lock);
	p->closing = true;
	pthread_cond_broadcast(&p->changed);
	pthread_mutex_unlock(&p->lock);
	pthread_join(p->thread, NULL);
	rc = p->rc;
	pthread_cond_destroy(&p->changed);
	pthread_mutex_destroy(&p->lock);
	for (size_t i = 0; i < PIECES_QUEUED; i++)
		buf_free(&p->held[i]);
	return rc;
}
