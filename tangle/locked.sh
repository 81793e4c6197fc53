#!/bin/sh
# locked.sh BUILD COMMAND... - run COMMAND holding BUILD's lock, so that two
# makes in one tree take turns instead of racing on the same files: the
# second says so and waits. The lock is the open file BUILD/.make.lock,
# released when COMMAND ends, however it ends.
set -eu
build=$1
shift
mkdir -p "$build"
exec 9>"$build/.make.lock"
if ! flock -n 9; then
    echo "make: another build is running in $build/; waiting for it to finish"
    flock 9
fi
exec "$@"
