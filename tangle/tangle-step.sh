#!/bin/sh
# tangle-step.sh BUILD ROOT TANGLE GEN CMAKE - the first step of every build
# (tangle/lit.cmake): tangle the book from ROOT into snippets/ and GEN.
#
# The toolchain is brought up to date first (CMAKE --build on TANGLE's
# directory, a no-op when nothing changed): a chapter may use what an edit
# of the toolchain just added, and the old tangle would refuse it before the
# build could configure again and rebuild the toolchain.
#
# A build tree holds absolute paths to the tree it was made for: copied or
# moved elsewhere and built there with `cmake --build`, it would build the
# old tree, not this one, and answer success. So the step refuses to run
# from anywhere but BUILD. Ninja runs it from the build directory it was
# started in, and CMake's command enters BUILD first with `cd`, which leaves
# the directory it came from in OLDPWD. (make configures a copied tree
# again before it builds: see the Makefile.)
set -eu
if [ -n "${OLDPWD:-}" ] && [ "$(cd "$OLDPWD" && pwd -P)" != "$1" ]; then
    echo "error: this build directory ($(cd "$OLDPWD" && pwd -P)) was configured for $1: it was copied or moved; run make, which configures it again, or remove it" >&2
    exit 1
fi
# (A build graph made before CMAKE was passed gives four arguments: the
# cmake on PATH serves it, so that it too can be made again.)
# Ninja itself when the toolchain's tree is Ninja's (the presets' generator):
# the same build, CMake's rerun rule included, without a CMake process in
# front of it (30 to 80 ms of every preview's rebuild on a busy machine).
build_toolchain() {
    if [ -f "$1/build.ninja" ] && command -v ninja >/dev/null; then
        ninja -C "$1"
    else
        "$2" --build "$1"
    fi
}
if ! out=$(build_toolchain "$(dirname "$3")" "${5:-cmake}" 2>&1); then
    printf '%s\n' "$out" >&2
    echo "error: the toolchain ($(dirname "$3")) does not build" >&2
    exit 1
fi
cd "$2"
exec "$3" --book book --snippets snippets --gen "$4"
