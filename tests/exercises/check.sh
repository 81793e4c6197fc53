#!/bin/sh
# check.sh TOOLS SOURCE BUILD - the exercises as a reader meets them, through
# the exercise command that `make exercises` and `make exercise E=N.M` run
# (tangle/exercise_main.c), with a folder of answers of its own:
#
#   - for one exercise of each chapter, the starting file as the answer must
#     fail, with the check that catches it reported at its chapter line, and
#     the book's reference solution as the answer must pass every check;
#   - an answer that does not compile is reported as such, with the
#     compiler's message at the answer's own line;
#   - --only copies the starting file when there is no answer yet;
#   - an answers folder inside snippets/ is refused;
#   - grading every answer reports how many passed and how many are missing.
#
# The answers are built in BUILD/exercises-test (configured once, kept
# between runs, as build/answers/ is for a reader).
set -u
tools=$1 source=$2 build=$3
# Outside the build, as a reader's would be (the suite's TMPDIR is in the build,
# and the exercise command refuses a folder that make clean removes).
answers=$(mktemp -d /tmp/book-answers.XXXXXX) || exit 2
trap 'rm -rf "$answers"' EXIT
work=$build/exercises-test
out=$answers/.out
fail=0

grade() {
    "$tools/exercise" --answers "$answers" --build "$build" --work "$work" --root "$source" "$@" > "$out" 2>&1
}

expect() {  # expect WHAT PATTERN: the last grade's output has a line matching the ERE PATTERN
    grep -Eq -- "$2" "$out" || { echo "$1: no line matches /$2/ in:"; cat "$out"; fail=1; }
}

# EXERCISE PATH (below snippets/exercises/ and snippets/) and the failing check's pattern.
while read -r id path wrong; do
    mkdir -p "$answers/$(dirname "$path")"
    cp "$source/snippets/exercises/$path" "$answers/$path"
    grade --only "$id"
    status=$?
    [ $status = 1 ] || { echo "$id, the starting file: exit status $status, expected 1"; cat "$out"; fail=1; }
    expect "$id, the starting file" "^exercise $id: FAIL$"
    expect "$id, the starting file" "^book/[0-9]{2}-[a-z]+\\.md:[0-9]+: FAIL: $wrong"
    cp "$source/snippets/$path" "$answers/$path"
    grade --only "$id"
    status=$?
    [ $status = 0 ] || { echo "$id, the reference solution: exit status $status, expected 0"; cat "$out"; fail=1; }
    expect "$id, the reference solution" "^exercise $id: pass$"
    expect "$id, the reference solution" "^book/[0-9]{2}-[a-z]+\\.md:[0-9]+: pass: "
    ! grep -q "FAIL" "$out" || { echo "$id, the reference solution: a check failed:"; cat "$out"; fail=1; }
    echo "exercise $id: the starting file fails, the reference solution passes"
done <<'LIST'
1.3 ch01/laws.c a line reads "serial fraction 0\.10 on 8 processors: Amdahl 4\.71
2.3 ch02/squares_table.c no line matches /ThreadSanitizer/: .*ThreadSanitizer: data race
3.2 ch03/shared_squares.c a line reads "100 of 100 squares arrived; their sum is 328350"
4.2 ch04/block_sum.c a line reads "sum of 1\.\.1000 over 3 ranks = 500500"
5.2 ch05/progress.c exits with status 0 within 20s: the run exited with status 66
LIST

# An answer that does not compile: the compiler's message, at the answer's line.
printf 'int main(void) { return undeclared; }\n' > "$answers/ch01/laws.c"
grade --only 1.3
[ $? = 1 ] || { echo "a broken answer: expected exit status 1"; fail=1; }
expect "a broken answer" "ch01/laws\\.c:1:[0-9]+: error: .undeclared. undeclared"
expect "a broken answer" "^exercise 1\\.3: FAIL: the answer does not build"

# No answer yet: --only starts one from the starting file.
rm -f "$answers/ch01/laws.c"
grade --only 1.3
cmp -s "$source/snippets/exercises/ch01/laws.c" "$answers/ch01/laws.c" ||
    { echo "--only did not copy the starting file of 1.3"; cat "$out"; fail=1; }
expect "a new answer" "^exercise 1\\.3: you had no answer yet"

# Every answer: the count of those that passed, and of the exercises without one.
grade
[ $? = 1 ] || { echo "grading every answer: expected exit status 1 (1.3 fails)"; fail=1; }
expect "every answer" "^exercises: 4 of 5 answers passed; [0-9]+ exercises without an answer"

# Answers inside snippets/ are refused, and nothing is written there.
"$tools/exercise" --answers "$source/snippets/exercises" --build "$build" --work "$work" --root "$source" \
    --only 1.3 > "$out" 2>&1
[ $? = 2 ] || { echo "answers in snippets/: expected exit status 2"; cat "$out"; fail=1; }
expect "answers in snippets/" "keep your answers in a folder of their own"
[ ! -e "$source/snippets/exercises/ch01/ch01" ] || { echo "something was written in snippets/"; fail=1; }

exit $fail
