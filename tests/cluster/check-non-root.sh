#!/bin/sh
# check-non-root.sh ROOT BINDIR WORK - Chapter 4's cluster for a reader who
# is not root: as root, the checks run as the user nobody (setpriv, no
# groups, HOME and TMPDIR in WORK, which it may write); as anyone else, as
# that user. cluster.sh makes the hosts inside a user namespace of its own:
# the one-shot form runs mpi_hosts on three hosts, the fixture's form (up,
# two runs through exec, down) runs mpi_reduce and mpi_exchange, and nothing
# is left running. Exit 77 when this machine allows no user namespace, or
# when that user cannot reach the checkout.
set -u
root=$1 bindir=$2 work=$3
rm -rf "$work" && mkdir -p "$work" && chmod 777 "$work" || exit 2
if [ "$(id -u)" -eq 0 ]; then
    as() { setpriv --reuid=65534 --regid=65534 --clear-groups env HOME="$work" TMPDIR="$work" "$@"; }
else
    as() { env HOME="$work" TMPDIR="$work" "$@"; }
fi
# A checkout under /root (mode 700) is closed to nobody: a reader who is not
# root works in a checkout of their own, so there is nothing to try here.
if ! as sh -c 'test -r "$1/snippets/ch04/cluster.sh" && test -x "$2/mpi_hosts" && test -w "$3"' \
    sh "$root" "$bindir" "$work"; then
    echo "the user $(as id -un) cannot reach this checkout, $root; skipped"
    exit 77
fi
cd "$root" || exit 2
export OMPI_MCA_rmaps_base_oversubscribe=1
unset OMPI_ALLOW_RUN_AS_ROOT OMPI_ALLOW_RUN_AS_ROOT_CONFIRM
fail=0
bad() { echo "FAIL: $*"; fail=1; }
user=$(as id -un)

as sh snippets/ch04/cluster.sh mpiexec --hostfile snippets/ch04/hostfile -n 6 "$bindir/mpi_hosts" \
    > "$work/hosts.txt" 2>&1
status=$?
[ $status -ne 77 ] || { cat "$work/hosts.txt"; exit 77; }
cat "$work/hosts.txt"
[ $status -eq 0 ] || bad "as $user, the one-shot cluster ended with status $status"
for node in 1 2 3; do
    [ "$(grep -c "runs on node$node, address 198\.18\.4\.$node (eth0)" "$work/hosts.txt")" -eq 2 ] ||
        bad "as $user, node$node did not run two ranks"
done

state=$work/cluster.state
as sh snippets/ch04/cluster.sh up "$state" || bad "as $user, cluster.sh up failed"
as sh snippets/ch04/cluster.sh exec "$state" mpiexec --hostfile snippets/ch04/hostfile \
    --map-by node -n 6 "$bindir/mpi_reduce" > "$work/reduce.txt" 2>&1
grep -c 'after Allreduce: data = \[0 21 42 63 84 105 126 147 168 189\]' "$work/reduce.txt" |
    grep -qx 6 || bad "as $user, mpi_reduce on the fixture: $(tail -3 "$work/reduce.txt")"
as sh snippets/ch04/cluster.sh exec "$state" mpiexec --hostfile snippets/ch04/hostfile \
    --map-by node -n 6 "$bindir/mpi_exchange" nonblocking 100000 > "$work/exchange.txt" 2>&1
grep -c 'received 100000 doubles from rank [0-5]: all correct' "$work/exchange.txt" |
    grep -qx 6 || bad "as $user, mpi_exchange on the fixture: $(tail -3 "$work/exchange.txt")"
holder=$(sed -n 's/^userns //p' "$state")
as sh snippets/ch04/cluster.sh down "$state" || bad "as $user, cluster.sh down failed"
sleep 0.5
# (a zombie is not running: its parent, cluster.sh up, has exited)
case $(ps -o stat= -p "${holder:-0}" 2>/dev/null) in
"" | Z*) ;;
*) bad "the namespaces' holder $holder still runs" ;;
esac
[ ! -e "$state" ] || bad "cluster.sh down left $state"
echo "as $user: the cluster of three hosts ran mpi_hosts, mpi_reduce and mpi_exchange"
exit $fail
