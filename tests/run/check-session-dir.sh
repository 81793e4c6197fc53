#!/bin/sh
# check-session-dir.sh RUN - every run gets an Open MPI session directory of
# its own (OMPI_MCA_orte_tmpdir_base), which exists while it runs and is
# removed after it; two runs started together get different ones.
set -u
run=$1
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
for id in a b; do
    cat > "$tmp/$id.run" <<'SPEC'
{.console .run timeout=10}
$ test -d "$OMPI_MCA_orte_tmpdir_base" && touch "$OMPI_MCA_orte_tmpdir_base/x" && echo "dir=$OMPI_MCA_orte_tmpdir_base"; sleep 0.3
contains: ^dir=/
SPEC
done
"$run" --spec "$tmp/a.run" --out "$tmp/out" --quiet & a=$!
"$run" --spec "$tmp/b.run" --out "$tmp/out" --quiet & b=$!
fail=0
wait $a || { echo "run a failed"; fail=1; }
wait $b || { echo "run b failed"; fail=1; }
da=$(sed -n 's/^dir=//p' "$tmp/out/a.txt" 2>/dev/null)
db=$(sed -n 's/^dir=//p' "$tmp/out/b.txt" 2>/dev/null)
[ -n "$da" ] && [ -n "$db" ] || { echo "no session directory was given"; exit 1; }
[ "$da" != "$db" ] || { echo "two runs shared $da"; fail=1; }
for d in "$da" "$db"; do
    [ ! -e "$d" ] || { echo "$d is still there after its run"; fail=1; }
done
[ $fail = 0 ] && echo "session directories: private and removed"
exit $fail
