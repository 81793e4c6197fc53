#!/bin/sh
# check-bad.sh TANGLE CASE_DIR - a bad book must be refused with exactly the
# diagnostics of CASE_DIR/expected.txt, exit status 1, and nothing written:
# the existing snippets/ is left byte for byte as it was, no gen/ appears.
set -u
tangle=$1 case=$2
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/book" "$tmp/snippets/ch01"
cp "$case"/*.md "$tmp/book/"
echo "/* written before the test */" > "$tmp/snippets/ch01/keep.c"
before=$(cd "$tmp" && find snippets -type f -exec cksum {} + | sort)
cd "$tmp" || exit 2
"$tangle" --snippets snippets --gen gen $(ls book/*.md) 2> stderr.txt
status=$?
fail=0
if [ "$status" -ne 1 ]; then
    echo "expected exit status 1, got $status"; fail=1
fi
if ! diff -u "$case/expected.txt" stderr.txt; then
    echo "the diagnostics differ from $case/expected.txt (above)"; fail=1
fi
after=$(find snippets -type f -exec cksum {} + | sort)
if [ "$before" != "$after" ]; then
    echo "snippets/ changed:"; echo "$after"; fail=1
fi
if [ -e gen ]; then
    echo "gen/ was created"; fail=1
fi
exit $fail
