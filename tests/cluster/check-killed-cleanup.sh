#!/bin/sh
# check-killed-cleanup.sh RUN ROOT BINDIR WORKDIR - a cluster run that
# deadlocks and is stopped by its timeout (SIGTERM, then SIGKILL to whatever
# is left) still removes its hosts: none of the namespaces it made remains.
# Exits 77 (skipped) where the cluster cannot be made.
set -u
run=$1 root=$2 bindir=$3 work=$4
mkdir -p "$work" || exit 2
cat > "$work/killed.run" <<'SPEC'
{.console .run .hangs skip=77}
$ sh snippets/ch04/cluster.sh sh -c 'echo "cluster=$BOOK_CLUSTER"; exec mpiexec --hostfile snippets/ch04/hostfile --map-by node -n 2 build/bin/mpi_exchange send-first 100000'
contains: ^cluster=book4-[0-9]+$
count 2: ^rank [01]: exchanging 100000 doubles
SPEC
"$run" --spec "$work/killed.run" --root "$root" --bindir "$bindir" --out "$work" --skip-exit 77
status=$?
[ $status -eq 0 ] || exit $status
name=$(sed -n 's/^cluster=//p' "$work/killed.txt")
[ -n "$name" ] || { echo "the run did not say its cluster's name"; exit 1; }
left=$(ip netns list | grep "^$name-")
if [ -n "$left" ]; then
    echo "namespaces of $name left behind:"
    echo "$left"
    exit 1
fi
echo "$name: stopped once it hung, and no namespace of it is left"
