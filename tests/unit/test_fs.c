/* Tests of the file helpers every write of the toolchain goes through. */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fsutil.h"
#include "helpers.h"
#include "runner.h"

int test_write_if_changed(void)
{
	char *path = xasprintf("%s/a/b/c.txt", test_tmpdir());
	struct stat before, after;
	bool changed;
	struct strlist files = {0};

	EXPECT(write_if_changed(path, "x", 1, &changed) == 0 && changed);
	EXPECT(stat(path, &before) == 0);
	usleep(20000);
	EXPECT(write_if_changed(path, "x", 1, &changed) == 0 && !changed);
	EXPECT(stat(path, &after) == 0);
	EXPECT(before.st_mtim.tv_sec == after.st_mtim.tv_sec &&
	       before.st_mtim.tv_nsec == after.st_mtim.tv_nsec);
	EXPECT(write_if_changed(path, "y", 1, &changed) == 0 && changed);
	EXPECT(file_equals(path, "y", 1));
	/* No temporary file is left behind. */
	{
		char *dir = xasprintf("%s/a/b", test_tmpdir());

		EXPECT(list_files(dir, &files) == 0);
		EXPECT(files.len == 1 && !strcmp(files.items[0], "c.txt"));
		free(dir);
	}
	strlist_free(&files);
	free(path);
	return 0;
}

int test_symlinks_are_refused(void)
{
	char *top = xasprintf("%s/snippets", test_tmpdir());
	char *link = xasprintf("%s/ch01", top);
	char *target = xasprintf("%s/elsewhere", test_tmpdir());
	char *through = xasprintf("%s/ch01/x.c", top);
	char *found;

	EXPECT(make_dirs(top) == 0 && make_dirs(target) == 0);
	EXPECT(symlink(target, link) == 0);
	found = find_symlink(top, through);
	EXPECT(found && !strcmp(found, link));
	free(found);
	EXPECT(find_symlink(top, top) == NULL);
	free(top);
	free(link);
	free(target);
	free(through);
	return 0;
}

int test_list_files_sorted(void)
{
	struct strlist files = {0};
	char *dir = xasprintf("%s/tree", test_tmpdir());
	const char *names[] = {"b/z.c", "a.c", "b/a.h"};

	for (size_t i = 0; i < 3; i++) {
		char *p = xasprintf("%s/%s", dir, names[i]);

		EXPECT(write_atomic(p, "", 0) == 0);
		free(p);
	}
	EXPECT(list_files(dir, &files) == 0 && files.len == 3);
	if (files.len == 3)
		EXPECT(!strcmp(files.items[0], "a.c") && !strcmp(files.items[1], "b/a.h") &&
		       !strcmp(files.items[2], "b/z.c"));
	strlist_free(&files);
	EXPECT(list_files("/nonexistent-dir-for-test", &files) == 0 && files.len == 0);
	free(dir);
	return 0;
}

int test_edit_distance(void)
{
	EXPECT(edit_distance("runner", "runer") == 1);
	EXPECT(edit_distance("", "abc") == 3);
	EXPECT(edit_distance("kitten", "sitting") == 3);
	return 0;
}

/*
 * Write @p pieces (NULL-terminated) through a file update of @p path whose
 * old bytes are @p old (NULL: no file); return what end() returned and, in
 * @p staged, the temporary's bytes (empty when none was left).
 */
static int update(const char *path, const char *old, size_t old_len,
		  const char *const *pieces, const size_t *lens, struct buf *staged)
{
	char *tmp = xasprintf("%s.new", path);
	struct file_update u;
	int rc = 0;

	unlink(path);
	unlink(tmp);
	if (old)
		write_if_changed(path, old, old_len, NULL);
	buf_reset(staged);
	rc = file_update_begin(&u, path, tmp);
	for (size_t i = 0; rc == 0 && pieces[i]; i++)
		rc = file_update_write(&u, pieces[i], lens[i]);
	rc = rc < 0 ? -1 : file_update_end(&u);
	if (access(tmp, F_OK) == 0)
		read_file(tmp, staged);
	free(tmp);
	return rc;
}

/*
 * A file update writes nothing while the new bytes equal the old ones, and
 * at the first difference stages the equal prefix and the rest: shorter,
 * longer, changed after a prefix longer than its copy buffer, or new.
 */
int test_file_update(void)
{
	char *path = xasprintf("%s/upd/x.txt", test_tmpdir());
	struct buf staged = {0}, big = {0}, changed = {0};
	struct file_update u;

	EXPECT(update(path, "abcdef", 6, (const char *[]){"ab", "cdef", NULL}, (size_t[]){2, 4}, &staged) == 0);
	EXPECT(staged.len == 0);	/* unchanged: no temporary */
	EXPECT(update(path, "abcdef", 6, (const char *[]){"abc", "XYZ", NULL}, (size_t[]){3, 3}, &staged) == 1);
	EXPECT(staged.len == 6 && !memcmp(staged.data, "abcXYZ", 6));
	EXPECT(update(path, "abcdef", 6, (const char *[]){"abc", NULL}, (size_t[]){3}, &staged) == 1);
	EXPECT(staged.len == 3 && !memcmp(staged.data, "abc", 3));
	EXPECT(update(path, "abc", 3, (const char *[]){"abc", "def", NULL}, (size_t[]){3, 3}, &staged) == 1);
	EXPECT(staged.len == 6 && !memcmp(staged.data, "abcdef", 6));
	EXPECT(update(path, NULL, 0, (const char *[]){"new", NULL}, (size_t[]){3}, &staged) == 1);
	EXPECT(staged.len == 3 && !memcmp(staged.data, "new", 3));
	/* 200,000 bytes; the same with byte 150,000 changed, written in pieces of 70,000 and more. */
	for (int i = 0; i < 200000; i++)
		buf_putc(&big, (char)('a' + i % 26));
	buf_add(&changed, big.data, big.len);
	changed.data[150000] = '!';
	EXPECT(update(path, big.data, big.len,
		      (const char *[]){changed.data, changed.data + 70000, changed.data + 140000, NULL},
		      (size_t[]){70000, 70000, 60000}, &staged) == 1);
	EXPECT(staged.len == changed.len && !memcmp(staged.data, changed.data, changed.len));
	/* Without a temporary it only compares. */
	EXPECT(file_update_begin(&u, path, NULL) == 0);
	EXPECT(file_update_write(&u, "abd", 3) == 0 && file_update_end(&u) == 1);
	file_update_abort(&u);
	buf_free(&staged);
	buf_free(&big);
	buf_free(&changed);
	free(path);
	return 0;
}
