#!/bin/sh
# check-reserved.sh TANGLE BUILD - every target of the build graph that a
# program's binary could be mistaken for (Ninja aliases a binary by its name)
# is a name tangle refuses for a program: `tangle --reserved-names` covers
# every top-level target that is not a program of the book. A name with a
# '.' or '/' cannot be a program's (tangle refuses both in a stem).
set -uf
tangle=$1 build=$2
reserved=$("$tangle" --reserved-names) || exit 2
programs=$(cut -f1 "$build/gen/programs.tsv")
fail=0 count=0
for t in $(ninja -C "$build" -t targets all | sed 's/:.*//' | grep -v '[/.]' | sort -u); do
    count=$((count + 1))
    case " $(echo $programs) " in *" $t "*) continue ;; esac
    # a program's variant: NAME-tsan, NAME-asan
    case "$t" in *-tsan|*-asan) case " $(echo $programs) " in *" ${t%-?san} "*) continue ;; esac ;; esac
    known=no
    for r in $reserved; do
        case "$t" in $r) known=yes; break ;; esac
    done
    [ $known = yes ] || { echo "target '$t' of the build is not a reserved name: a program named $t would clash with it"; fail=1; }
done
[ $count -gt 0 ] || { echo "no target found in $build"; exit 1; }
[ $fail = 0 ] && echo "$count targets: every one is a program of the book or a reserved name"
exit $fail
