/* fsutil.c - see fsutil.h. */
#define _GNU_SOURCE		/* syncfs */
#include "fsutil.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int make_dirs(const char *dir)
{
	char *p = xstrdup(dir);
	int rc = 0;

	for (char *s = p + 1; ; s++) {
		if (*s != '/' && *s != '\0')
			continue;
		char saved = *s;

		*s = '\0';
		if (mkdir(p, 0777) < 0 && errno != EEXIST) {
			rc = -1;
			break;
		}
		*s = saved;
		if (!saved)
			break;
	}
	if (rc == 0) {
		struct stat st;

		if (stat(dir, &st) < 0)
			rc = -1;
		else if (!S_ISDIR(st.st_mode)) {
			errno = ENOTDIR;
			rc = -1;
		}
	}
	free(p);
	return rc;
}

static int write_all(int fd, const char *data, size_t len)
{
	while (len) {
		ssize_t n = write(fd, data, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		data += n;
		len -= (size_t)n;
	}
	return 0;
}

char *staged_name(const char *path)
{
	static long pid;	/* tangle never forks: one pid for the whole run */

	if (!pid)
		pid = (long)getpid();
	return xasprintf("%s.tmp.%ld", path, pid);
}

/* Create the temporary and give it the destination's first u->same bytes. */
static int diverge(struct file_update *u)
{
	char *dir, *slash, chunk[1 << 16];
	long long at = 0;

	u->differs = true;
	if (!u->tmp)
		return 0;
	dir = xstrdup(u->path);
	slash = strrchr(dir, '/');
	if (slash) {
		*slash = '\0';
		if (*dir && make_dirs(dir) < 0) {
			int saved = errno;

			free(dir);
			errno = saved;
			return -1;
		}
	}
	free(dir);
	u->fd = open(u->tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
	if (u->fd < 0)
		return -1;
	while (at < u->same) {
		size_t want = u->same - at < (long long)sizeof(chunk) ? (size_t)(u->same - at) : sizeof(chunk);
		ssize_t n = pread(u->old, chunk, want, (off_t)at);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n == 0)
				errno = EIO;	/* the destination shrank under us */
			return -1;
		}
		if (write_all(u->fd, chunk, (size_t)n) < 0)
			return -1;
		at += n;
	}
	return 0;
}

/* Read up to len bytes of the destination; fewer only at its end or on an error. */
static size_t read_old(struct file_update *u, char *into, size_t len)
{
	size_t got = 0;

	while (got < len) {
		ssize_t n = read(u->old, into + got, len - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;		/* an unreadable destination just differs */
		got += (size_t)n;
	}
	return got;
}

int file_update_begin(struct file_update *u, const char *path, const char *tmp)
{
	*u = (struct file_update){path, tmp, -1, 0, -1, false};
	u->old = open(path, O_RDONLY | O_CLOEXEC);
	if (u->old < 0)
		return diverge(u);
	return 0;
}

int file_update_write(struct file_update *u, const void *data, size_t len)
{
	const char *p = data;
	char chunk[1 << 16];

	while (!u->differs && len) {
		size_t n = len < sizeof(chunk) ? len : sizeof(chunk);

		if (read_old(u, chunk, n) < n || memcmp(chunk, p, n)) {
			if (diverge(u) < 0)
				return -1;
			break;
		}
		u->same += (long long)n;
		p += n;
		len -= n;
	}
	if (u->fd >= 0 && len)
		return write_all(u->fd, p, len);
	return 0;
}

int file_update_end(struct file_update *u)
{
	char extra;

	if (!u->differs && read_old(u, &extra, 1) == 1 && diverge(u) < 0)
		return -1;
	if (u->old >= 0) {
		close(u->old);
		u->old = -1;
	}
	if (u->fd >= 0) {
		int fd = u->fd;

		u->fd = -1;
		if (close(fd) < 0) {
			int saved = errno;

			unlink(u->tmp);
			errno = saved;
			return -1;
		}
	}
	return u->differs ? 1 : 0;
}

void file_update_abort(struct file_update *u)
{
	int saved = errno;

	if (u->old >= 0)
		close(u->old);
	if (u->fd >= 0) {
		close(u->fd);
		unlink(u->tmp);
	}
	u->old = u->fd = -1;
	errno = saved;
}

int sync_dir_fs(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), rc, saved;

	if (fd < 0)
		return -1;
	rc = syncfs(fd);
	saved = errno;
	close(fd);
	errno = saved;
	return rc;
}

char *stage_file(const char *path, const void *data, size_t len)
{
	char *tmp = staged_name(path);
	struct file_update u = {path, tmp, -1, 0, -1, false};
	int saved;

	if (diverge(&u) < 0 || file_update_write(&u, data, len) < 0 || fsync(u.fd) < 0 ||
	    file_update_end(&u) < 0) {
		file_update_abort(&u);	/* keeps errno */
		saved = errno;
		free(tmp);
		errno = saved;
		return NULL;
	}
	return tmp;
}

int commit_staged(const char *tmp, const char *path)
{
	return rename(tmp, path);
}

bool is_staged_name(const char *name)
{
	const char *t = strstr(name, ".tmp.");

	if (!t || !t[5])
		return false;
	for (t += 5; *t; t++)
		if (*t < '0' || *t > '9')
			return false;
	return true;
}

int write_atomic(const char *path, const void *data, size_t len)
{
	char *tmp = stage_file(path, data, len);
	int saved;

	if (!tmp)
		return -1;
	if (commit_staged(tmp, path) < 0) {
		saved = errno;
		unlink(tmp);
		free(tmp);
		errno = saved;
		return -1;
	}
	free(tmp);
	return 0;
}

bool file_equals(const char *path, const void *data, size_t len)
{
	struct file_update u;
	int rc;

	if (file_update_begin(&u, path, NULL) < 0)
		return false;
	rc = file_update_write(&u, data, len) < 0 ? -1 : file_update_end(&u);
	file_update_abort(&u);
	return rc == 0;
}

int write_if_changed(const char *path, const void *data, size_t len, bool *changed)
{
	if (changed)
		*changed = false;
	if (file_equals(path, data, len))
		return 0;
	if (write_atomic(path, data, len) < 0)
		return -1;
	if (changed)
		*changed = true;
	return 0;
}

char *find_symlink(const char *top, const char *path)
{
	size_t start = strlen(top);
	char *p = xstrdup(path);

	if (strncmp(path, top, start) != 0)
		start = 0;
	for (size_t i = start; ; i++) {
		if (p[i] == '/' || p[i] == '\0') {
			char saved = p[i];
			struct stat st;

			p[i] = '\0';
			if (i > 0 && lstat(p, &st) == 0 && S_ISLNK(st.st_mode))
				return p;
			p[i] = saved;
			if (!saved)
				break;
		}
	}
	free(p);
	return NULL;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int walk(const char *top, const char *rel, struct strlist *out)
{
	char *dir = *rel ? xasprintf("%s/%s", top, rel) : xstrdup(top);
	DIR *dh = opendir(dir);
	struct dirent *e;
	int rc = 0;

	if (!dh) {
		int saved = errno;

		free(dir);
		if (saved == ENOENT && !*rel)
			return 0;
		errno = saved;
		return -1;
	}
	while ((e = readdir(dh))) {
		char *child, *full;
		struct stat st;

		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		child = *rel ? xasprintf("%s/%s", rel, e->d_name) : xstrdup(e->d_name);
		full = xasprintf("%s/%s", top, child);
		if (lstat(full, &st) == 0 && S_ISDIR(st.st_mode)) {
			if (walk(top, child, out) < 0)
				rc = -1;
			free(child);
		} else {
			strlist_take(out, child);
		}
		free(full);
	}
	closedir(dh);
	free(dir);
	return rc;
}

int list_files(const char *dir, struct strlist *out)
{
	size_t first = out->len;
	int rc = walk(dir, "", out);

	if (out->len > first)
		qsort(out->items + first, out->len - first, sizeof(*out->items), cmp_str);
	return rc;
}
