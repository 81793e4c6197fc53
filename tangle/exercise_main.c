/*
 * exercise - grade a reader's answers to the book's exercises.
 *
 *   exercise --answers DIR [--only N.M] [--build DIR] [--work DIR] [--root DIR]
 *
 * What `make exercises` and `make exercise E=N.M` run (exercise.h says how
 * an exercise is written). The answers are the reader's own files, in a
 * folder of their own outside book/, snippets/ and the build: the answer to
 * exercise 2.1, whose starting file is snippets/exercises/ch02/bank.c, is
 * DIR/ch02/bank.c. For each selected exercise that has an answer:
 *
 *   1. the answer is built as the program of the reference solution it
 *      replaces, with the book's flags (tangle/flags.cmake) and as each
 *      sanitizer build its checks run (bank-tsan), by the CMake project
 *      tangle/answers/ in --work (default BUILD/answers), from the list this
 *      command writes there (answers.cmake, exercise.h);
 *   2. each of the exercise's checks, the run blocks of the book, is run by
 *      the book's own run tool on the answer's binaries (run --grade, in a
 *      shadow of the repository whose build/bin is --work's bin/), which
 *      reports every check, held or not, at its chapter line.
 *
 * With --only, an exercise without an answer gets one: a copy of its
 * starting file, which is then graded (and fails: it is the starting point).
 * The exercises are read from the build's manifest (--build's
 * gen/manifest.cmake), so the book must have been tangled: the Makefile
 * does that first. Exit status: 0 when every answer graded passed, 1 when
 * one did not (or did not compile), 2 on a usage or setup error.
 */
#define _GNU_SOURCE	/* realpath, an XSI call */
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "exercise.h"
#include "fsutil.h"
#include "manifest.h"
#include "specfile.h"

extern char **environ;

struct options {
	const char *answers, *only, *build, *work, *root;
};

static void usage(void)
{
	fputs("usage: exercise --answers DIR [--only N.M] [--build DIR] [--work DIR] [--root DIR]\n", stderr);
	exit(2);
}

/* The absolute, real form of @p path (which exists), or NULL. */
static char *real(const char *path)
{
	return realpath(path, NULL);
}

/* Is @p path @p dir or below it? Both real paths. */
static bool inside(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	return !strncmp(path, dir, n) && (path[n] == '/' || !path[n]);
}

/*
 * Run @p argv, its output to @p log (a file, replaced) or, when @p log is
 * NULL, to ours. Returns its exit status, or -1 when it cannot run.
 */
static int spawn(char *const argv[], const char *log)
{
	posix_spawn_file_actions_t fa;
	pid_t pid;
	int rc, status;

	posix_spawn_file_actions_init(&fa);
	if (log) {
		posix_spawn_file_actions_addopen(&fa, 1, log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		posix_spawn_file_actions_adddup2(&fa, 1, 2);
	}
	fflush(stdout);
	fflush(stderr);
	rc = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (rc) {
		fprintf(stderr, "exercise: cannot run %s: %s\n", argv[0], strerror(rc));
		return -1;
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* Print the file @p path to stderr. */
static void show(const char *path)
{
	struct buf text = {0};

	if (read_file(path, &text) == 0 && text.len)
		fprintf(stderr, "%s%s", text.data, text.data[text.len - 1] == '\n' ? "" : "\n");
	buf_free(&text);
}

/* Copy @p from to @p to, making its directories; 0 or -1 (said). */
static int copy_file(const char *from, const char *to)
{
	struct buf text = {0};
	char *dir = xstrdup(to), *slash = strrchr(dir, '/');
	int rc = 0;

	if (slash)
		*slash = '\0';
	if (read_file(from, &text) < 0 || make_dirs(dir) < 0 ||
	    write_atomic(to, text.data ? text.data : "", text.len) < 0) {
		fprintf(stderr, "exercise: cannot copy %s to %s: %s\n", from, to, strerror(errno));
		rc = -1;
	}
	buf_free(&text);
	free(dir);
	return rc;
}

/* The chapter and line of the first check of @p e, for the verdict; a new string. */
static char *where(const struct manifest_exercise *e, const char *build)
{
	char *spec = xasprintf("%s/gen/runs/%s.run", build, e->runs.items[0]), *chapter = NULL, *s;
	int line = 0;

	if (location_load(spec, &chapter, &line) < 0)
		s = xstrdup(e->chapter);
	else
		s = xasprintf("%s:%d", chapter, line);
	free(chapter);
	free(spec);
	return s;
}

/* The CMake project of the answers in @p work, configured when it is not yet. */
static int configure(const struct options *o, const char *work, const char *list)
{
	char *cache = xasprintf("%s/CMakeCache.txt", work), *ninja = xasprintf("%s/build.ninja", work);
	char *src = xasprintf("-S%s/tangle/answers", o->root), *bin = xasprintf("-B%s", work);
	char *def_root = xasprintf("-DLIT_ROOT=%s", o->root), *def_list = xasprintf("-DLIT_ANSWERS_FILE=%s", list);
	char *log = xasprintf("%s/configure.log", work);
	char *argv[] = {"cmake", src, bin, "-G", "Ninja", "-DCMAKE_BUILD_TYPE=RelWithDebInfo", def_root, def_list,
			NULL};
	int rc = 0;

	if (access(ninja, F_OK) != 0) {
		printf("exercise: setting up the build of the answers in %s\n", work);
		if (spawn(argv, log) != 0) {
			show(log);
			fprintf(stderr, "exercise: configuring the build of the answers failed (above)\n");
			rc = -1;
		}
	}
	free(cache);
	free(ninja);
	free(src);
	free(bin);
	free(def_root);
	free(def_list);
	free(log);
	return rc;
}

/* Grade the answer @p source to exercise @p e: 0 when every check held. */
static int grade(const struct options *o, const struct manifest_exercise *e, const char *work,
		 const char *run_tool)
{
	char *target = xasprintf("answer_%s", e->program), *log = xasprintf("%s/build-%s.log", work, e->id);
	char *bindir = xasprintf("%s/bin", work), *out = xasprintf("%s/out", work);
	char *build_argv[] = {"cmake", "--build", (char *)work, "--target", target, NULL};
	int failed = 0, built_failed = 0;

	if (spawn(build_argv, log) != 0) {
		show(log);
		printf("exercise %s: FAIL: the answer does not build (the compiler's report is above)\n", e->id);
		failed = built_failed = 1;
	}
	/* Every check, even after one failed: the reader sees them all. */
	for (size_t i = 0; !built_failed && i < e->runs.len; i++) {
		char *spec = xasprintf("%s/gen/runs/%s.run", o->build, e->runs.items[i]);
		char *argv[] = {(char *)run_tool, "--spec", spec, "--bindir", bindir, "--root", (char *)o->root,
				"--out", out, "--variant", "answer", "--grade", NULL};
		int rc = spawn(argv, NULL);

		if (rc != 0)
			failed = 1;
		if (rc != 0 && rc != 1)
			fprintf(stderr, "exercise: the run tool could not run the check %s (exit %d)\n",
				e->runs.items[i], rc);
		free(spec);
	}
	free(target);
	free(log);
	free(bindir);
	free(out);
	return failed;
}

int main(int argc, char **argv)
{
	struct options o = {NULL, NULL, "build", NULL, "."};
	struct manifest m;
	struct answers ans = {0};
	struct buf text = {0}, list_text = {0};
	char *manifest_path, *root, *build, *answers = NULL, *work, *list, *run_tool;
	size_t selected = 0, tried = 0, passed = 0, missing = 0;
	int bad, rc = 0;

	for (int i = 1; i < argc; i++) {
		const char **slot = NULL;

		if (!strcmp(argv[i], "--answers"))
			slot = &o.answers;
		else if (!strcmp(argv[i], "--only"))
			slot = &o.only;
		else if (!strcmp(argv[i], "--build"))
			slot = &o.build;
		else if (!strcmp(argv[i], "--work"))
			slot = &o.work;
		else if (!strcmp(argv[i], "--root"))
			slot = &o.root;
		if (!slot || i + 1 == argc)
			usage();
		*slot = argv[++i];
	}
	if (!o.answers || !*o.answers)
		usage();
	root = real(o.root);
	build = real(o.build);
	if (!root || !build) {
		fprintf(stderr, "exercise: %s: %s (make configures the book first)\n", root ? o.build : o.root,
			strerror(errno));
		return 2;
	}
	o.root = root;
	o.build = build;
	manifest_path = xasprintf("%s/gen/manifest.cmake", build);
	if (read_file(manifest_path, &text) < 0 || manifest_parse(&m, text.data ? text.data : "", &bad) < 0) {
		fprintf(stderr, "%s: error: cannot read the build's manifest (make tangles the book first)\n",
			manifest_path);
		return 2;
	}
	if (o.only) {
		for (size_t i = 0; i < m.nexercises; i++)
			selected += !strcmp(m.exercises[i].id, o.only);
		if (!selected) {
			fprintf(stderr, "exercise: the book has no exercise %s; it has:", o.only);
			for (size_t i = 0; i < m.nexercises; i++)
				fprintf(stderr, " %s", m.exercises[i].id);
			fputc('\n', stderr);
			return 2;
		}
		if (make_dirs(o.answers) < 0) {
			fprintf(stderr, "exercise: cannot make %s: %s\n", o.answers, strerror(errno));
			return 2;
		}
	}
	answers = real(o.answers);
	if (!answers) {
		printf("exercise: no answers yet: %s does not exist. make exercise E=%s starts the first one "
		       "there, from its starting file.\n", o.answers, m.nexercises ? m.exercises[0].id : "N.M");
		manifest_free(&m);
		return 0;
	}
	{
		char *book = xasprintf("%s/book", root), *snippets = xasprintf("%s/snippets", root);
		const char *problem = NULL;

		if (!strcmp(answers, root))
			problem = "is the repository itself";
		else if (inside(answers, book) || inside(answers, snippets))
			problem = "is inside book/ or snippets/, which the book generates or owns";
		else if (inside(answers, build))
			problem = "is inside the build, which make clean removes";
		else
			problem = answer_path_problem(answers);
		free(book);
		free(snippets);
		if (problem) {
			fprintf(stderr, "exercise: the answers folder %s %s: keep your answers in a folder of "
				"their own (make exercises ANSWERS=DIR)\n", answers, problem);
			return 2;
		}
	}
	work = o.work ? xstrdup(o.work) : xasprintf("%s/answers", build);
	if (make_dirs(work) < 0) {
		fprintf(stderr, "exercise: cannot make %s: %s\n", work, strerror(errno));
		return 2;
	}
	{
		char *w = real(work);

		free(work);
		work = w;
	}
	run_tool = xasprintf("%s/toolchain/run", build);
	ans.root = xstrdup(root);
	for (size_t i = 0; i < m.library_sources.len; i++)
		strlist_add(&ans.common_sources, m.library_sources.items[i]);
	for (size_t i = 0; i < m.library_libs.len; i++)
		strlist_add(&ans.common_libs, m.library_libs.items[i]);
	/* Which exercises have an answer (--only: one, made from the starting file when missing). */
	for (size_t i = 0; i < m.nexercises; i++) {
		const struct manifest_exercise *e = &m.exercises[i];
		char *rel = exercise_answer_path(e->starter), *path = xasprintf("%s/%s", answers, rel);
		struct answer *x;

		if (o.only && strcmp(e->id, o.only)) {
			free(rel);
			free(path);
			continue;
		}
		if (access(path, F_OK) != 0 && o.only) {
			char *from = xasprintf("%s/snippets/%s", root, e->starter);

			if (copy_file(from, path) == 0)
				printf("exercise %s: you had no answer yet: %s is now a copy of its starting file, "
				       "snippets/%s. Edit it, then make exercise E=%s again.\n", e->id, path,
				       e->starter, e->id);
			free(from);
		}
		if (access(path, F_OK) == 0 && !answer_path_problem(path)) {
			ans.v = xrealloc(ans.v, (ans.n + 1) * sizeof(*ans.v));
			x = &ans.v[ans.n++];
			memset(x, 0, sizeof(*x));
			x->program = xstrdup(e->program);
			x->exercise = xstrdup(e->id);
			x->source = xstrdup(path);
			for (size_t k = 0; k < e->libs.len; k++)
				strlist_add(&x->libs, e->libs.items[k]);
			for (size_t k = 0; k < e->variants.len; k++)
				strlist_add(&x->variants, e->variants.items[k]);
		} else {
			missing++;
		}
		free(rel);
		free(path);
	}
	list = xasprintf("%s/answers.cmake", work);
	answers_write(&ans, &list_text);
	if (write_if_changed(list, list_text.data, list_text.len, NULL) < 0) {
		fprintf(stderr, "exercise: cannot write %s: %s\n", list, strerror(errno));
		rc = 2;
	} else if (ans.n && configure(&o, work, list) < 0) {
		rc = 2;
	}
	for (size_t i = 0; rc != 2 && i < ans.n; i++) {
		const struct manifest_exercise *e = NULL;
		char *at;
		int failed;

		for (size_t k = 0; k < m.nexercises; k++)
			if (!strcmp(m.exercises[k].id, ans.v[i].exercise))
				e = &m.exercises[k];
		at = where(e, build);
		printf("\nexercise %s (%s): %s\n", e->id, at, ans.v[i].source);
		failed = grade(&o, e, work, run_tool);
		tried++;
		passed += !failed;
		printf("exercise %s: %s\n", e->id, failed ? "FAIL" : "pass");
		free(at);
	}
	if (rc != 2) {
		printf("\nexercises: %zu of %zu answer%s passed", passed, tried, tried == 1 ? "" : "s");
		if (missing)
			printf("; %zu exercise%s without an answer in %s (make exercise E=N.M starts one)", missing,
			       missing == 1 ? "" : "s", answers);
		printf("\n");
		rc = passed == tried ? 0 : 1;
	}
	answers_free(&ans);
	manifest_free(&m);
	buf_free(&text);
	buf_free(&list_text);
	free(manifest_path);
	free(root);
	free(build);
	free(answers);
	free(work);
	free(list);
	free(run_tool);
	return rc;
}
