#!/bin/sh
# check-good.sh TANGLE CASE_DIR - tangle CASE_DIR/book and compare snippets/
# with CASE_DIR/expected; then check what tangle does with snippets/ as it
# is left: a second tangle writes nothing, --check passes; a file edited by
# hand is named by --check and never overwritten (the tangle writes
# nothing), --discard puts it back; a file that tangle did not write stops
# the tangle too; a file tangle wrote that no chapter defines any more is
# removed, whatever its extension.
set -u
tangle=$1 case=$2
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
cp -r "$case/book" "$tmp/book"
cd "$tmp" || exit 2
fail=0
"$tangle" --snippets snippets --gen gen --book book || { echo "tangle failed"; exit 1; }
diff -ru -x .tangled "$case/expected" snippets || { echo "snippets/ differ from $case/expected"; fail=1; }
for f in $(cd snippets && find . -type f ! -name .tangled | sed 's|^\./||'); do
    grep -q "^[0-9a-f]\{16\}  $f\$" snippets/.tangled || { echo "snippets/.tangled does not list $f"; fail=1; }
done

stamp=$(find snippets gen -type f -exec stat -c '%n %Y.%y' {} + | sort)
sleep 1
out=$("$tangle" --snippets snippets --gen gen --book book 2>&1)
[ -z "$out" ] || { echo "a second tangle printed: $out"; fail=1; }
[ "$stamp" = "$(find snippets gen -type f -exec stat -c '%n %Y.%y' {} + | sort)" ] ||
    { echo "a second tangle rewrote files"; fail=1; }

"$tangle" --check --snippets snippets --book book 2>check.txt ||
    { echo "--check failed on a fresh tangle"; cat check.txt; fail=1; }

# The first generated C file, edited by hand.
edited=$(find snippets -name '*.[ch]' | sort | head -1)
echo "/* edited by hand */" >> "$edited"
cp "$edited" kept
if "$tangle" --check --snippets snippets --book book 2>check.txt; then
    echo "--check passed after a hand edit"; fail=1
fi
grep -q "^$edited:[0-9]*: error: edited by hand" check.txt ||
    { echo "--check did not name the edited file:"; cat check.txt; fail=1; }
if "$tangle" --snippets snippets --gen gen --book book 2>err.txt; then
    echo "tangle wrote over a hand edit"; fail=1
fi
cmp -s kept "$edited" || { echo "the hand edit was overwritten"; fail=1; }
grep -q "make untangle" err.txt || { echo "tangle did not say how to keep the edit"; cat err.txt; fail=1; }
"$tangle" --discard --snippets snippets --gen gen --book book 2>/dev/null ||
    { echo "--discard failed"; fail=1; }
"$tangle" --check --snippets snippets --book book 2>/dev/null || { echo "--discard did not restore snippets/"; fail=1; }

# A file nobody tangled stops the tangle, and is left as it is.
stray=$(dirname "$edited")/stray.c
echo "/* mine */" > "$stray"
if "$tangle" --snippets snippets --gen gen --book book 2>err.txt; then
    echo "tangle accepted a file it did not write"; fail=1
fi
grep -q "^$stray: error: no chapter defines this file" err.txt || { echo "the stray file was not named"; cat err.txt; fail=1; }
[ -e "$stray" ] || { echo "the stray file was removed"; fail=1; }
rm -f "$stray"

# The last root of the last chapter, renamed to a file without an extension:
# the old file goes, the new one comes, both recorded.
chapter=$(ls book/[0-9]*.md | tail -1)
root=$(sed -n 's/.*file=\([^ }]*\).*/\1/p' "$chapter" | tail -1)
case "$root" in
*/*) ;;
*) exit $fail ;;
esac
sed -i "s|file=$root|file=$root-renamed|" "$chapter"
"$tangle" --snippets snippets --gen gen --book book 2>err.txt || { echo "the renaming tangle failed"; cat err.txt; fail=1; }
[ ! -e "snippets/$root" ] || { echo "snippets/$root, which no chapter defines, was kept"; fail=1; }
grep -q "removed snippets/$root " err.txt || { echo "the removal was not reported"; cat err.txt; fail=1; }
grep -q "  $root-renamed\$" snippets/.tangled || { echo "the new file was not recorded"; fail=1; }
sed -i "s|file=$root-renamed|file=$root|" "$chapter"
"$tangle" --snippets snippets --gen gen --book book 2>err.txt || { echo "renaming back failed"; cat err.txt; fail=1; }
[ ! -e "snippets/$root-renamed" ] || { echo "snippets/$root-renamed (no extension) was kept"; fail=1; }
exit $fail
