#!/bin/sh
# replace-if-changed.sh NEW OLD - put NEW in place of OLD only when their
# bytes differ (OLD keeps its timestamp otherwise); NEW is removed either way.
set -e
if cmp -s "$1" "$2"; then
    rm -f "$1"
else
    mv -f "$1" "$2"
fi
