#!/bin/sh
# slow-start.sh RUN ROOT BINDIR GEN WORK [JOBS] - no run's verdict depends on
# how fast the machine starts a program: every run of Chapter 4 passes on a
# machine that takes 3 s to start mpiexec (a wrapper first on PATH sleeps,
# then runs the real one) and is loaded with three busy processes per core.
# The deadlocks shown on purpose (.hangs) must still be recognised, by what
# they print and their silence afterwards. The runs' outputs go to WORK, never
# to the book's. JOBS runs at a time (default 2). Exits 0 when every run
# passed or said it cannot run here (skip=), 1 otherwise.
set -u
run=$1 root=$2 bindir=$3 gen=$4 work=$5 jobs=${6:-2}
real=$(command -v mpiexec) || { echo "slow-start: no mpiexec on PATH"; exit 2; }
rm -rf "$work" && mkdir -p "$work/bin" "$work/out" || exit 2
for tool in mpiexec mpirun; do
    printf '#!/bin/sh\n# a machine slow to start MPI jobs\nsleep 3\nexec %s "$@"\n' "$real" > "$work/bin/$tool"
    chmod +x "$work/bin/$tool"
done

# The load: three busy processes per core, for as long as the runs take.
busy=
stop_load() {
    [ -z "$busy" ] || kill $busy 2>/dev/null
    wait 2>/dev/null
}
trap stop_load EXIT
trap 'exit 143' TERM INT
cores=$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 1)
i=0
while [ $i -lt $((3 * cores)) ]; do
    sh -c 'while :; do :; done' &
    busy="$busy $!"
    i=$((i + 1))
done

# One run: its verdict, and the line that says it, in WORK/ID.result.
one() {
    spec=$1 id=$(basename "$1" .run)
    PATH="$work/bin:$PATH" "$run" --spec "$spec" --root "$root" --bindir "$bindir" \
        --out "$work/out" --skip-exit 77 > "$work/$id.log" 2>&1
    echo "$?" > "$work/$id.result"
}
pending=
for spec in "$gen"/runs/ch04-*.run; do
    one "$spec" &
    pending="$pending $!"
    set -- $pending
    if [ $# -ge "$jobs" ]; then
        wait "$1"
        shift
        pending="$*"
    fi
done
for p in $pending; do wait "$p"; done
stop_load
busy=

passed=0 skipped=0 failed=0
for spec in "$gen"/runs/ch04-*.run; do
    id=$(basename "$spec" .run)
    case $(cat "$work/$id.result" 2>/dev/null) in
    0) passed=$((passed + 1)); grep -h '^run ' "$work/$id.log" ;;
    77) skipped=$((skipped + 1)); echo "run  $id skipped: it cannot run here" ;;
    *) failed=$((failed + 1)); echo "---- $id FAILED:"; cat "$work/$id.log" ;;
    esac
done
echo "slow-start: mpiexec started 3 s late, $((3 * cores)) busy processes on $cores cores:" \
    "$passed passed, $failed failed, $skipped skipped"
[ $failed -eq 0 ]
