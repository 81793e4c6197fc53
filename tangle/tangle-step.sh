#!/bin/sh
# tangle-step.sh BUILD ROOT TANGLE GEN - the first step of every build
# (tangle/lit.cmake): tangle the book from ROOT into snippets/ and GEN.
#
# A build tree holds absolute paths to the tree it was made for: copied or
# moved, it would build that tree, not this one, and answer success. So the
# step refuses to run anywhere but in BUILD (make configures a moved tree
# again before it builds: see the Makefile).
set -eu
if [ "$(pwd -P)" != "$1" ]; then
    echo "error: this build directory was configured for $1, not $(pwd -P): run make, which configures it again, or remove it" >&2
    exit 1
fi
cd "$2"
exec "$3" --book book --snippets snippets --gen "$4"
