#!/bin/sh
# sbatch.sh - on the head node of the test cluster: submit the chapter's job
# script, wait until it has left the queue, then print its output and its
# record (name, nodes, state, exit code). squeue is polled: sbatch --wait
# asks at growing intervals (seen: 10 s in a loaded suite).
set -eu
job=$(sbatch --parsable snippets/ch04/hosts.sbatch)
while squeue -h -j "$job" | grep -q .; do
    sleep 0.1
done
cat "slurm-$job.out"
sacct --completion -n -j "$job" -o JobName,NNodes,NodeList,State,ExitCode
