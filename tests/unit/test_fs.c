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
