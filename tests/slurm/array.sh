#!/bin/sh
# array.sh - on the head node of the test cluster: submit the chapter's job
# array and a job that depends on it (afterok), wait until both have left
# the queue, then print the dependent job's output (the number of "all
# correct" lines in each array task's output) and the final state of every
# job. squeue is polled: sbatch --wait asks at growing intervals.
set -eu
array=$(sbatch --parsable snippets/ch04/sweep.sbatch)
summary=$(sbatch --parsable --dependency=afterok:"$array" --job-name=summary \
    --wrap "grep -c 'all correct' slurm-${array}_1.out slurm-${array}_2.out slurm-${array}_3.out")
while squeue -h -j "$array,$summary" | grep -q .; do
    sleep 0.1
done
cat "slurm-$summary.out"
squeue -h -t all -j "$array,$summary" -o '%i %T'
