/**
 * @file fsutil.h
 * @brief the only way the toolchain writes files.
 *
 * Every write goes to a temporary file in the destination's directory, is
 * flushed with fsync() and then renamed over the destination, so a reader
 * (or an interrupted build) sees the old file or the new one, never half of
 * one. A file whose bytes would not change is not touched at all, so its
 * timestamp keeps downstream build steps from re-running.
 */
#ifndef TANGLE_FSUTIL_H
#define TANGLE_FSUTIL_H

#include <stdbool.h>
#include <stddef.h>

#include "util.h"

/** Create @p dir and its missing parents (mode 0777 & umask). 0 or -1/errno. */
int make_dirs(const char *dir);

/**
 * Write @p len bytes to @p path atomically, creating parent directories.
 * Returns 0, or -1 with errno set (the destination is then unchanged).
 */
int write_atomic(const char *path, const void *data, size_t len);

/**
 * The first half of write_atomic(): write @p len bytes to a new temporary
 * file beside @p path (creating parent directories) and flush it. Returns the
 * temporary's name (the caller frees it), or NULL with errno set and nothing
 * left behind. commit_staged() puts it in place; unlink() discards it.
 */
char *stage_file(const char *path, const void *data, size_t len);

/**
 * A file written piece by piece that replaces its destination only when its
 * bytes change; memory use does not grow with the file. While the pieces
 * equal the destination's bytes nothing is written. At the first difference
 * the temporary is created beside the destination (with its parent
 * directories), given the equal prefix and then every later piece; it is
 * not flushed (the caller stages many files, then calls sync_dir_fs() once
 * before renaming them). Without a temporary nothing is ever written: the
 * update only compares. The caller names the temporary so that a signal
 * handler can know it before the file exists.
 */
struct file_update {
	const char *path;	/**< the destination */
	const char *tmp;	/**< the temporary, or NULL to compare only */
	int old;		/**< the destination, open for reading, or -1 */
	long long same;		/**< bytes written so far that equal the destination's */
	int fd;			/**< the temporary once created, else -1 */
	bool differs;		/**< the bytes written differ from the destination's */
};

/** Start an update of @p path through @p tmp (or NULL). 0, or -1/errno. */
int file_update_begin(struct file_update *u, const char *path, const char *tmp);

/** The next @p len bytes of the new contents. 0, or -1/errno (then abort). */
int file_update_write(struct file_update *u, const void *data, size_t len);

/**
 * The new contents are complete. Returns 1 when they differ from the
 * destination's (and, with a temporary, are staged in it), 0 when they are
 * the same (nothing is left behind), or -1/errno (then abort).
 */
int file_update_end(struct file_update *u);

/** Give up the update: close what is open and remove the temporary. */
void file_update_abort(struct file_update *u);

/** Flush every file of the file system holding @p dir (syncfs). 0 or -1/errno. */
int sync_dir_fs(const char *dir);

/** The name stage_file() gives the temporary of @p path. */
char *staged_name(const char *path);

/** Rename the staged file @p tmp over @p path. 0 or -1/errno. */
int commit_staged(const char *tmp, const char *path);

/** True when @p name is a temporary that stage_file() would make ("x.c.tmp.123"). */
bool is_staged_name(const char *name);

/**
 * Like write_atomic(), but leave @p path alone when it already holds exactly
 * these bytes. *@p changed (if not NULL) tells whether it was written.
 */
int write_if_changed(const char *path, const void *data, size_t len, bool *changed);

/**
 * True when @p path exists and holds exactly @p len bytes equal to @p data.
 */
bool file_equals(const char *path, const void *data, size_t len);

/**
 * Find a symbolic link among the components of @p path below @p top (a
 * prefix of @p path) or @p path itself. Returns a newly allocated string
 * naming the first link found, or NULL when there is none.
 */
char *find_symlink(const char *top, const char *path);

/**
 * Append to @p out the paths of the regular files under @p dir, relative to
 * it, in sorted order. A missing @p dir gives no files. 0 or -1/errno.
 */
int list_files(const char *dir, struct strlist *out);

#endif
