/**
 * @file command.h
 * @brief what a run's command uses of the book, read as the shell reads it.
 *
 * A run depends on every program and file of the book its command reaches,
 * however the command spells them, so that an edit of a program re-runs it
 * after the relink. The command is split into words and operators the way
 * sh does (quotes, backslashes, `|`, `&&`, `;`, parentheses, redirections),
 * and each word is resolved from the directory the command would be in at
 * that point: it starts at the repository root and follows `cd`.
 *
 *   - a word that lands in build/bin/ names a program: `build/bin/tasks`,
 *     `./build/bin/tasks`, `cd build && ./bin/tasks`, `mpiexec -n 2
 *     build/bin/x`, `env X=1 build/bin/x`, `--prog=build/bin/x`;
 *   - a word that lands in snippets/ names a file of the book (a script, a
 *     hostfile);
 *   - `sh -c STRING` and `bash -c STRING` are read in turn, as a subshell.
 *
 * What cannot be resolved is refused, with the column of the word: a word
 * that lands elsewhere in build/ (another build product), a command word
 * with a '/' that is not a program or a file of the book (`./a.out`), a word
 * that the shell would expand ($X, $(...), `...`, a glob, ~) in the command
 * position or mentioning build/ or snippets/, and a relative path after a
 * `cd` to a directory that cannot be known. Words without a '/' that do not
 * land on a program or file of the book are ordinary arguments.
 *
 * Whether a named program or file exists is the book's to check (book.c);
 * so is reading a script for the programs it runs.
 */
#ifndef TANGLE_COMMAND_H
#define TANGLE_COMMAND_H

#include <stddef.h>

#include "util.h"

/** What a command uses, or why it cannot be told. */
struct command_uses {
	struct strlist programs; /**< NAME for each build/bin/NAME reached, in order, once */
	struct strlist files;	/**< snippets/PATH for each file of snippets/ reached, once */
	/**
	 * The same for words without a '/' that land there after a cd
	 * (`cd snippets/ch04 && sh cluster.sh`): uses only when the book has
	 * such a program or file, ordinary arguments otherwise.
	 */
	struct strlist maybe_programs;
	struct strlist maybe_files; /**< see maybe_programs */
	int ranks;		/**< N of `mpiexec -n N` (or -np, --np), wherever it is; else 1 */
	char *problem;		/**< the first thing that cannot be resolved, or NULL */
	size_t problem_at;	/**< its byte offset in the command */
};

/**
 * Read @p cmd into @p u (which the caller releases with command_uses_free()).
 * Returns 0, or -1 when u->problem says what cannot be resolved.
 */
int command_resolve(const char *cmd, struct command_uses *u);

/** Release what @p u owns. */
void command_uses_free(struct command_uses *u);

/**
 * What a script of the book uses, read from its text (@p len bytes): the
 * NAME of every "build/bin/NAME" that starts a word (or follows "./") goes
 * to @p programs, every "snippets/PATH" to @p files, each once. This is how
 * a script names what it runs: literally, from the repository root.
 */
void script_uses(const char *text, size_t len, struct strlist *programs, struct strlist *files);

#endif
