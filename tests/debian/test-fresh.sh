#!/bin/sh
# test-fresh.sh ROOT WORK - the book on a minimal Debian, as a new reader
# would build it: a `debootstrap --variant=minbase` bookworm system in WORK
# (no /etc/hosts, so the host name does not resolve quickly; no iproute2, no
# compiler), where `apt-get install make git`, a `git clone` of ROOT's
# committed HEAD, and the README's two commands, `make` and `make test`, run
# as root. Each step's time goes to WORK/report.txt and to stdout; the
# outputs of each step to WORK/STEP.log. Exit status 0 when every step
# passed.
#
# Needs root (debootstrap, chroot, mounts) and the Debian archive, which it
# finds in this machine's apt sources: nothing else is downloaded. The chroot
# runs in mount and PID namespaces of its own, so its /proc, /dev, /run and
# /dev/shm vanish with it, whatever happens; WORK is removed first.
set -u
root=$(cd "$1" && pwd) || exit 2
work=$2
suite=bookworm
[ "$(id -u)" -eq 0 ] || { echo "test-fresh: needs root (debootstrap, chroot)"; exit 77; }

# The archive this machine's apt uses, from its deb822 or one-line sources.
mirror=$(sed -n 's/^URIs:[[:space:]]*//p' /etc/apt/sources.list.d/*.sources 2>/dev/null |
         grep -v security | head -1)
[ -n "$mirror" ] || mirror=$(grep -hs '^deb ' /etc/apt/sources.list /etc/apt/sources.list.d/*.list |
                             grep -v security | awk '{print $2}' | head -1)
[ -n "$mirror" ] || { echo "test-fresh: no Debian archive in this machine's apt sources"; exit 2; }
if ! command -v debootstrap >/dev/null 2>&1; then
    echo "test-fresh: installing debootstrap"
    apt-get install -y -q debootstrap >/dev/null || exit 2
fi

rm -rf "$work" && mkdir -p "$work" || exit 2
work=$(cd "$work" && pwd)
sys=$work/root
report=$work/report.txt
: > "$report"
failed=0

# step NAME COMMAND...: run it, its output to WORK/NAME.log, its time to the report.
step() {
    name=$1
    shift
    start=$(date +%s)
    "$@" > "$work/$name.log" 2>&1
    status=$?
    secs=$(($(date +%s) - start))
    line=$(printf '%-14s %6d s  %s' "$name" "$secs" "$([ $status -eq 0 ] && echo ok || echo "FAILED (exit $status, see $work/$name.log)")")
    echo "$line" | tee -a "$report"
    [ $status -eq 0 ] || { failed=1; tail -30 "$work/$name.log"; }
    return $status
}

# in_system COMMAND: run the shell command COMMAND as root in the minimal
# system, with /proc, /sys, /dev, /dev/shm and /run of its own, and its root
# a mount point, as on a real system (ip netns exec makes / a slave mount),
# with a cgroup filesystem, which a booted Debian has (systemd mounts it).
in_system() {
    unshare --mount --pid --fork --propagation private sh -c '
        sys=$1; shift
        mount --bind "$sys" "$sys" &&
        mount -t proc proc "$sys/proc" &&
        mount -t sysfs sys "$sys/sys" &&
        { mount --rbind /sys/fs/cgroup "$sys/sys/fs/cgroup" ||
          mount -t cgroup2 cgroup2 "$sys/sys/fs/cgroup"; } &&
        mount --rbind /dev "$sys/dev" &&
        mount -t tmpfs -o mode=1777 shm "$sys/dev/shm" &&
        mount -t tmpfs -o mode=755 run "$sys/run" &&
        mount -t tmpfs -o mode=1777 tmp "$sys/tmp" || exit 2
        exec chroot "$sys" /usr/bin/env -i HOME=/root TERM=dumb LANG=C.UTF-8 \
            PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin CI=true \
            /bin/bash -c "$1"' sh "$sys" "$1"
}

# The repository as committed: a bare clone the system sees at /mnt/origin.
step bootstrap debootstrap --variant=minbase "$suite" "$sys" "$mirror" || exit 1
cp /etc/resolv.conf "$sys/etc/resolv.conf" 2>/dev/null
if ls /etc/apt/sources.list.d/*.sources >/dev/null 2>&1; then
    cp /etc/apt/sources.list.d/*.sources "$sys/etc/apt/sources.list.d/" &&
        rm -f "$sys/etc/apt/sources.list"
fi
[ ! -e "$sys/etc/hosts" ] || echo "note: the minimal system has an /etc/hosts" | tee -a "$report"
git clone -q --bare "$root" "$sys/mnt/origin" || exit 2
step make-and-git in_system 'apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q make git' || exit 1
step clone in_system 'git clone -q /mnt/origin /root/book && git -C /root/book log -1 --oneline' || exit 1
step make in_system 'cd /root/book && make' || exit 1
step make-test in_system 'cd /root/book && make test'
grep -E '^[0-9]+% tests passed|tests failed out of|^The following tests|^[[:space:]]+[0-9]+ - ' "$work/make-test.log" |
    tee -a "$report"
# The commit tested is the clone's, not ROOT's now (it may have moved since).
echo "test-fresh: $(git -C "$sys/mnt/origin" log -1 --format='%h %s' | cut -c1-72)" | tee -a "$report"
[ $failed -eq 0 ] && echo "test-fresh: passed" | tee -a "$report"
exit $failed
