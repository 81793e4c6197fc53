/* pieces.c - see pieces.h. */
#include "pieces.h"

#include <signal.h>
#include <string.h>

/*
 * The thread waits for a full piece, writes it without the lock (the
 * producer never touches held while full is set), then hands the buffer
 * back empty. At most one of the two threads waits at any time: the
 * producer waits only while full, the thread only while not.
 */
static void *write_pieces(void *arg)
{
	struct pieces *p = arg;

	pthread_mutex_lock(&p->lock);
	for (;;) {
		int rc;

		while (!p->full && !p->closing)
			pthread_cond_wait(&p->changed, &p->lock);
		if (!p->full)
			break;
		rc = p->rc;
		pthread_mutex_unlock(&p->lock);
		if (rc == 0)
			rc = p->write(p->ctx, p->held.data ? p->held.data : "", p->held.len);
		buf_reset(&p->held);
		pthread_mutex_lock(&p->lock);
		if (rc && !p->rc)
			p->rc = rc;
		p->full = false;
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
	while (p->full)
		pthread_cond_wait(&p->changed, &p->lock);
	rc = p->rc;
	if (rc == 0) {
		struct buf empty = p->held;

		p->held = *piece;
		*piece = empty;
		p->full = true;
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
	buf_free(&p->held);
	return rc;
}
