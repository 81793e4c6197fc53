#!/bin/sh
# check-killed-cleanup.sh RUN ROOT BINDIR WORKDIR - a one-shot Slurm cluster
# whose job deadlocks, stopped by the run's timeout (SIGTERM, then SIGKILL to
# whatever is left), still removes itself: none of its namespaces, daemons
# or files remains. Exits 77 (skipped) where the cluster cannot be made.
set -u
run=$1 root=$2 bindir=$3 work=$4
mkdir -p "$work" || exit 2
cat > "$work/killed.run" <<'SPEC'
{.console .run .hangs skip=77}
$ sh snippets/ch04/slurm.sh sh -c 'echo "cluster=$(ip netns identify)"; exec srun --mpi=pmix -N 2 -n 2 build/bin/mpi_exchange send-first 100000'
contains: ^cluster=book4slurm-[0-9]+-head$
count 2: ^rank [01]: exchanging 100000 doubles
SPEC
"$run" --spec "$work/killed.run" --root "$root" --bindir "$bindir" --out "$work" --skip-exit 77
status=$?
[ $status -eq 0 ] || exit $status
name=$(sed -n 's/^cluster=\(.*\)-head$/\1/p' "$work/killed.txt")
[ -n "$name" ] || { echo "the run did not say its cluster's name"; exit 1; }
failed=0
if ip netns list | grep -q "^$name-"; then
    echo "namespaces of $name left behind:"
    ip netns list | grep "^$name-"
    failed=1
fi
for d in "${TMPDIR:-/tmp}/$name".*; do
    [ -e "$d" ] || continue
    echo "$d left behind"
    failed=1
done
if pgrep -f "/$name\." > /dev/null; then
    echo "processes of $name left behind:"
    pgrep -a -f "/$name\."
    failed=1
fi
[ $failed -eq 0 ] && echo "$name: stopped once it hung; no namespace, daemon or file of it is left"
exit $failed
