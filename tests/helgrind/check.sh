#!/bin/sh
# check.sh SOURCE BINARY CHAPTER-TAG - run every run block of a chapter under
# Helgrind (valgrind --tool=helgrind) with glibc.supp, and require:
#   - no Helgrind error from a program meant to be correct;
#   - the errors the chapter commits on purpose are reported (below);
#   - each program still ends as its run block says (exit=N).
# Runs that hang on purpose (.hangs), sanitizer variants (-tsan) and the
# timing table (too slow under Helgrind, and nothing it does is not done by
# the other shared_counter runs) are left out.
set -u
source=$1 binary=$2 tag=$3
supp=$source/tests/helgrind/glibc.supp
cd "$source" || exit 2
fail=0 count=0
for spec in "$binary"/gen/runs/"$tag"-*.run; do
    id=$(basename "$spec" .run)
    # The run file's block (tangle/specfile.h): its attribute line, then the command.
    block=$(sed -n '/^block$/,$p' "$spec" | sed 1d)
    attrs=$(printf '%s\n' "$block" | head -1)
    cmd=$(printf '%s\n' "$block" | sed -n 2p | sed 's/^\$ //')
    case "$attrs" in *.hangs*) continue ;; esac
    case "$cmd" in build/bin/*) ;; *) continue ;; esac
    case "$cmd" in *-tsan*|*"shared_counter table"*) continue ;; esac
    want_exit=$(printf '%s' "$attrs" | sed -n 's/.*exit="\{0,1\}\([0-9]*\).*/\1/p')
    want_exit=${want_exit:-0}
    # The errors committed on purpose, and what Helgrind must say about them.
    case "$cmd" in
        "build/bin/racy_counter"*|"build/bin/shared_counter racy"*) want="Possible data race" ;;
        "build/bin/rlock_box errorcheck"*) want="re-lock a non-recursive lock I already hold" ;;
        *) want="" ;;
    esac
    program=${cmd#build/bin/}
    timeout 300 valgrind --tool=helgrind --suppressions="$supp" --error-exitcode=99 -q \
        "$binary"/bin/$program > /dev/null 2> "$binary/helgrind-$id.txt"
    status=$?
    count=$((count + 1))
    if [ -n "$want" ]; then
        grep -q "$want" "$binary/helgrind-$id.txt" ||
            { echo "$id: Helgrind did not report the deliberate error ($want)"; fail=1; }
    elif [ "$status" -eq 99 ] || grep -q '^==[0-9]*== [A-Z]' "$binary/helgrind-$id.txt"; then
        echo "$id: Helgrind reports errors:"; head -30 "$binary/helgrind-$id.txt"; fail=1
    elif [ "$status" -ne "$want_exit" ]; then
        echo "$id: exit status $status under Helgrind, the chapter expects $want_exit"; fail=1
    fi
done
echo "$count runs of $tag under Helgrind"
[ "$count" -gt 0 ] || { echo "no runs found for $tag"; exit 1; }
exit $fail
