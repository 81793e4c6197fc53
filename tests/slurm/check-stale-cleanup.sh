#!/bin/sh
# check-stale-cleanup.sh SLURM_SH STATE - a cluster whose test run was killed
# before its cleanup (here: made, then simply not taken down) is removed by
# the next "slurm.sh up" on the same state file: its namespaces, its daemons
# and its directory are gone, and the new cluster works. Exits 77 (skipped)
# where no cluster can be made.
set -u
slurm=$1 state=$2
rm -f "$state"
sh "$slurm" up "$state" || exit $?
old=$(sed -n 's/^name //p' "$state")
olddir=$(sed -n 's/^dir //p' "$state")
[ -n "$old" ] && [ -d "$olddir" ] || { echo "the first cluster noted no name or directory"; exit 1; }
echo "first cluster: $old; now, as if its run had been killed, up again on $state"
sh "$slurm" up "$state" 2> "$state.err"
status=$?
cat "$state.err"
rm -f "$state.err"
failed=0
[ $status -eq 0 ] || { echo "the second up failed ($status)"; failed=1; }
new=$(sed -n 's/^name //p' "$state" 2>/dev/null)
if ip netns list | grep -q "^$old-"; then
    echo "namespaces of $old left behind:"
    ip netns list | grep "^$old-"
    failed=1
fi
if [ -e "$olddir" ]; then
    echo "$olddir left behind"
    failed=1
fi
# The daemons name the cluster's directory on their command lines.
if pgrep -f "$olddir/" > /dev/null; then
    echo "processes of $old left behind:"
    pgrep -a -f "$olddir/"
    failed=1
fi
if [ -n "$new" ]; then
    sh "$slurm" exec "$state" srun -N 3 hostname | sort | tr '\n' ' ' | grep -qx 'node1 node2 node3 ' ||
        { echo "the new cluster $new does not run a job on its three nodes"; failed=1; }
fi
sh "$slurm" down "$state" || failed=1
[ $failed -eq 0 ] && echo "$old: removed by the next up, which made $new, which works"
exit $failed
