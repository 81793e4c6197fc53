#!/bin/sh
# check-no-cgroup.sh SLURM_SH - on a machine with no cgroup filesystem (a
# container, a chroot), slurm.sh skips (exit 77, its reason on stderr) and
# makes nothing, rather than failing when every slurmd dies at start. The
# machine is made so in a private mount namespace: /sys/fs/cgroup unmounted.
# Exit 77 when that namespace cannot be made (not root).
set -u
slurm_sh=$1
[ "$(id -u)" -eq 0 ] || { echo "needs root (a mount namespace)"; exit 77; }
grep -Eqs ' /sys/fs/cgroup(/[^ ]*)? cgroup2? ' /proc/mounts ||
    { echo "this machine has no cgroup filesystem to hide"; exit 77; }
before=$(ip netns list 2>/dev/null | grep -c '^book4slurm-')
err=$(unshare --mount --propagation private sh -c \
    'umount -R /sys/fs/cgroup && exec sh "$1" true' sh "$slurm_sh" 2>&1 >/dev/null)
status=$?
after=$(ip netns list 2>/dev/null | grep -c '^book4slurm-')
echo "slurm.sh without a cgroup filesystem: exit $status: $err"
[ "$status" -eq 77 ] || { echo "FAIL: exit status $status, not 77 (skipped)"; exit 1; }
case $err in
*"needs the cgroup filesystem"*) ;;
*) echo "FAIL: the reason does not name the cgroup filesystem"; exit 1 ;;
esac
[ "$after" -le "$before" ] || { echo "FAIL: a namespace was made"; exit 1; }
echo "ok"
