#!/bin/sh
# check-compile-error.sh TANGLE REMAP CC CHAPTER - compile a broken chapter's
# program through the remap launcher and check that the error is reported at
# the chapter's file, line and column, not at the snippet's.
set -u
tangle=$1 remap=$2 cc=$3 chapter=$4
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/book"
cp "$chapter" "$tmp/book/"
cd "$tmp" || exit 2
name=book/$(basename "$chapter")
"$tangle" --snippets snippets --gen gen "$name" || exit 1
line=$(grep -n 'MISSING-SEMICOLON' "$name" | cut -d: -f1)
# GCC points just after "x + 1", the column of the space before the comment.
col=$(grep 'MISSING-SEMICOLON' "$name" | sed 's/ \/\*.*//' | wc -c)
LC_ALL=C "$remap" --snippets "$tmp/snippets" --maps "$tmp/gen/maps" -- \
    "$cc" -c "$tmp/snippets/ch01/broken.c" -o broken.o 2>err.txt && { echo "it compiled"; exit 1; }
cat err.txt
grep -q "^$name:$line:$col: error: expected ';'" err.txt ||
    { echo "expected an error at $name:$line:$col"; exit 1; }
if grep -q "snippets/ch01/broken.c:[0-9]" err.txt; then
    echo "a snippet location was left unmapped"; exit 1
fi
exit 0
