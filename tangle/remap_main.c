/*
 * remap - a compiler launcher that reports snippet locations at their
 * chapter lines.
 *
 *   remap --snippets DIR --maps DIR [--lock FILE] -- COMPILER ARGS...
 *
 * Runs the compiler with its standard error on a pipe and passes it on with
 * every "DIR/PATH:LINE:COL" rewritten to "book/NN-slug.md:LINE:COL" (see
 * linemap.h). Standard output is the compiler's own. The exit status is the
 * compiler's (128 + the signal when it was killed). With --lock, the compiler
 * runs under a shared lock on FILE, which a timing run holds exclusively.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

#include "linemap.h"
#include "util.h"

static void usage(void)
{
	fputs("usage: remap --snippets DIR --maps DIR [--lock FILE] -- COMMAND [ARGS...]\n", stderr);
	exit(2);
}

int main(int argc, char **argv)
{
	const char *snippets = NULL, *lock = NULL;
	struct linemap_cache cache = {0};
	struct buf err = {0}, out = {0};
	int i, fds[2], status;
	pid_t pid;
	char chunk[8192];
	ssize_t n;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--snippets") && i + 1 < argc)
			snippets = argv[++i];
		else if (!strcmp(argv[i], "--maps") && i + 1 < argc)
			cache.maps_dir = argv[++i];
		else if (!strcmp(argv[i], "--lock") && i + 1 < argc)
			lock = argv[++i];
		else if (!strcmp(argv[i], "--"))
			break;
		else
			usage();
	}
	if (!snippets || !cache.maps_dir || i + 1 >= argc)
		usage();
	if (lock) {
		int fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0666);

		/* Held until exit; without it the compile just does not wait. */
		while (fd >= 0 && flock(fd, LOCK_SH) < 0 && errno == EINTR)
			;
	}
	if (pipe(fds) < 0 || (pid = fork()) < 0) {
		perror("remap");
		return 2;
	}
	if (pid == 0) {
		dup2(fds[1], 2);
		close(fds[0]);
		close(fds[1]);
		execvp(argv[i + 1], argv + i + 1);
		fprintf(stderr, "remap: cannot run %s: %s\n", argv[i + 1], strerror(errno));
		_exit(127);
	}
	close(fds[1]);
	while ((n = read(fds[0], chunk, sizeof(chunk))) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		buf_add(&err, chunk, (size_t)n);
	}
	close(fds[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (err.len) {
		linemap_rewrite(&cache, snippets, err.data, err.len, &out);
		fwrite(out.data, 1, out.len, stderr);
	}
	linemap_cache_free(&cache);
	buf_free(&err);
	buf_free(&out);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}
