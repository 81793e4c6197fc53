#!/bin/sh
# check-good.sh TANGLE CASE_DIR - tangle CASE_DIR/book and compare snippets/
# with CASE_DIR/expected; then check that a second tangle writes nothing,
# that --check passes, that it names a file edited by hand, and that a file
# no chapter produces any more is removed.
set -u
tangle=$1 case=$2
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
cp -r "$case/book" "$tmp/book"
cd "$tmp" || exit 2
chapters=$(ls book/*.md)
fail=0
"$tangle" --snippets snippets --gen gen $chapters || { echo "tangle failed"; exit 1; }
diff -ru "$case/expected" snippets || { echo "snippets/ differ from $case/expected"; fail=1; }

stamp=$(find snippets gen -type f -exec stat -c '%n %Y.%y' {} + | sort)
sleep 1
out=$("$tangle" --snippets snippets --gen gen $chapters 2>&1)
[ -z "$out" ] || { echo "a second tangle printed: $out"; fail=1; }
[ "$stamp" = "$(find snippets gen -type f -exec stat -c '%n %Y.%y' {} + | sort)" ] ||
    { echo "a second tangle rewrote files"; fail=1; }

"$tangle" --check --snippets snippets $chapters >check.txt || { echo "--check failed on a fresh tangle"; cat check.txt; fail=1; }
# The first generated C file: edited by hand, then copied to a stale name.
edited=$(find snippets -name '*.[ch]' | sort | head -1)
echo "/* edited by hand */" >> "$edited"
if "$tangle" --check --snippets snippets $chapters >check.txt; then
    echo "--check passed after a hand edit"; fail=1
fi
grep -q "^$edited: differs from a fresh tangle of the book$" check.txt ||
    { echo "--check did not name the edited file:"; cat check.txt; fail=1; }

"$tangle" --snippets snippets --gen gen $chapters 2>/dev/null
stale=$(dirname "$edited")/stale.c
cp "$edited" "$stale"
"$tangle" --snippets snippets --gen gen $chapters 2>err.txt
[ ! -e "$stale" ] || { echo "a stale generated file was kept"; fail=1; }
grep -q "removed $stale" err.txt || { echo "the removal was not reported"; fail=1; }
exit $fail
