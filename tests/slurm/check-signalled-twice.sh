#!/bin/sh
# check-signalled-twice.sh SLURM_SH - a one-shot Slurm cluster whose job
# runs gets SIGTERM twice, 0.1 s apart (an impatient Ctrl-C, or timeout(1),
# which signals the command and then its process group): the second signal
# arrives while the EXIT trap takes the cluster apart, and must not stop it
# there. None of the cluster's namespaces, daemons or files may remain.
# Exits 77 (skipped) where the cluster cannot be made.
set -u
slurm=$1
[ "$(id -u)" -eq 0 ] || { echo "needs root"; exit 77; }
sh "$slurm" srun -N 3 -n 3 sleep 60 > /dev/null 2>&1 &
p=$!
name=book4slurm-$p
# Wait until the job's tasks run on the three nodes (or the script ended: skipped or failed).
tries=0
until [ "$(for n in 1 2 3; do ip netns pids "$name-node$n" 2>/dev/null; done |
          xargs -r ps -o comm= -p 2>/dev/null | grep -c '^sleep$')" = 3 ]; do
    if ! kill -0 $p 2>/dev/null; then
        wait $p
        status=$?
        [ $status -eq 77 ] && exit 77
        echo "slurm.sh ended ($status) before its job ran"
        exit 1
    fi
    tries=$((tries + 1))
    [ $tries -lt 300 ] || { echo "the job did not start within 30 s"; kill -KILL $p; exit 1; }
    sleep 0.1
done
kill -TERM $p
sleep 0.1
kill -TERM $p 2>/dev/null
wait $p
echo "slurm.sh ended with status $? after two TERM signals"
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
[ $failed -eq 0 ] && echo "$name: no namespace, daemon or file of it is left"
exit $failed
