#!/bin/sh
# check.sh TANGLE RUN CASE - hostile conditions the toolchain must survive
# with a clear error (or, for large valid input, a correct result) and with
# every output either untouched or completely new:
#   deep          references nested 10,000 deep
#   huge          a valid chapter of 50 MB
#   halves        chapters of 36 MB, parsed in two halves on two threads, give
#                 the outputs and messages of the same lines parsed whole
#   symlink       snippets/ch01 is a symbolic link leading out of snippets/
#   readonly      snippets/ is on a read-only file system (needs root)
#   disk-full     snippets/ is on a file system that fills up (needs root)
#   interrupted   tangle killed by SIGTERM/SIGINT at random points, 20 times
#   run-interrupted  run killed mid-command: no process left, outputs untouched
# Exit status 77 means the case cannot run here (CTest reports it skipped).
set -u
tangle=$1 run=$2 case=$3
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 2
mkdir book
fail() { echo "$case: $*"; exit 1; }

# A book of N chunks of about 200 bytes, each file root using 100 of them.
generate() {
    awk -v n="$1" -v tag="$2" 'BEGIN {
        print "# Generated\n"
        for (f = 0; f < n / 100; f++) {
            printf "```{.c file=ch01/gen%d.c}\n", f
            for (k = 0; k < 100; k++) printf "    <<c%d>>\n", f * 100 + k
            print "```\n"
        }
        for (i = 0; i < n; i++) {
            printf "```{.c #c%d}\n", i
            printf "static const char s%d[] = \"%s %d: the quick brown fox jumps over the lazy dog, again and again and again\";\n", i, tag, i
            print "```\n"
        }
    }' > book/01-gen.md
}

snapshot() { find snippets gen -type f 2>/dev/null -exec cksum {} + | sort; }

case $case in
deep)
    awk 'BEGIN { n = 10000
        print "# Deep\n\n```{.c file=ch01/deep.c}\n<<c0>>\n```"
        for (i = 0; i < n; i++) printf "\n```{.c #c%d}\n%s\n```\n", i, (i + 1 < n) ? "<<c" i + 1 ">>" : "int deepest;"
    }' > book/01-deep.md
    "$tangle" --snippets snippets --gen gen book/01-deep.md 2>err.txt && fail "accepted"
    [ "$(grep -c error: err.txt)" -eq 1 ] || fail "expected one error, got: $(cat err.txt)"
    grep -q "references nested more than 1000 deep" err.txt || fail "unclear error: $(cat err.txt)"
    [ ! -e snippets ] && [ ! -e gen ] || fail "something was written"
    ;;
huge)
    generate 330000 huge
    size=$(wc -c < book/01-gen.md)
    [ "$size" -gt 50000000 ] || fail "the generated chapter has only $size bytes"
    start=$(date +%s)
    "$tangle" --snippets snippets --gen gen book/01-gen.md 2>err.txt || fail "refused: $(tail -3 err.txt)"
    echo "tangled $size bytes in $(( $(date +%s) - start )) s"
    [ "$(ls snippets/ch01 | wc -l)" -eq 3300 ] || fail "expected 3300 files"
    grep -q 'huge 329999:' snippets/ch01/gen3299.c || fail "the last chunk is missing"
    ;;
halves)
    # Each chapter is written twice: its prose padded to 36 MB, which tangle
    # parses in two halves (tangle/chapter.c), and the same lines cut to one
    # byte, which it parses whole. Line numbers agree, so must everything.
    # The split comes at the first "```{" line after the middle, which falls
    # at the end of the first padding, just before the section under test.
    pad() { awk -v n="$1" -v w="$2" 'BEGIN { for (j = 0; j < w; j++) s = s "p"; for (i = 0; i < n; i++) print s }'; }
    both() {    # both NAME: write big/NAME and small/NAME from head.txt and section.txt
        for size in big small; do
            w=150; [ $size = small ] && w=1
            mkdir -p $size/$1/book
            { cat head.txt; pad 130000 $w; cat section.txt; pad 110000 $w; } > $size/$1/book/01-h.md
            (cd $size/$1 && "$tangle" --snippets snippets --gen gen book/01-h.md 2>err.txt; echo $? > rc)
        done
        [ "$(wc -c < big/$1/book/01-h.md)" -gt 33554432 ] || fail "$1: the big chapter is under 32 MiB"
        for f in rc err.txt snippets gen; do
            if [ -e big/$1/$f ] || [ -e small/$1/$f ]; then
                diff -r big/$1/$f small/$1/$f >/dev/null || fail "$1: $f differs: $(diff -r big/$1/$f small/$1/$f | head -5)"
            fi
        done
        echo "$1: same outputs and messages ($(cat big/$1/rc), $(wc -l < big/$1/err.txt) message lines)"
    }
    printf '# Halves\n\n```{.c file=ch01/b.c}\n<<after>>\n```\n\n```{.c #before}\nint before;\n```\n\n' > head.txt
    printf '```{.c file=ch01/a.c}\n<<before>>\n    <<after>>\n```\n\n```{.c #after}\nint after;\n```\n\n' > section.txt
    both split
    [ "$(cat big/split/rc)" -eq 0 ] && grep -q "    int after;" big/split/snippets/ch01/a.c || fail "split: wrong tangle"
    # The guessed line is inside a longer fence: the first half runs past it.
    { printf '````markdown\n```{.c #shown}\nshown, not tangled\n```\n````\n\n'; cat section.txt; } > s2.txt && mv s2.txt section.txt
    both guess
    [ "$(cat big/guess/rc)" -eq 0 ] || fail "guess: refused: $(cat big/guess/err.txt)"
    # Errors in both halves are reported in order.
    printf '# Halves\n\n```{.c file="x}\n```\n\n' > head.txt
    printf '```{.c #late file=y}\nx\n```\n\n' > section.txt
    both errors
    [ "$(grep -c error: big/errors/err.txt)" -eq 2 ] || fail "errors: expected two, got $(cat big/errors/err.txt)"
    # Text that is not text: only that is reported, the first offence.
    printf 'late \000 NUL\n' >> section.txt
    both nul
    grep -q "NUL byte" big/nul/err.txt && [ "$(grep -c error: big/nul/err.txt)" -eq 1 ] || fail "nul: $(cat big/nul/err.txt)"
    printf '# Halves\r\n\n' > head.txt
    both crlf
    grep -q ":1:9: error: CRLF" big/crlf/err.txt || fail "crlf: $(cat big/crlf/err.txt)"
    ;;
symlink)
    printf '# T\n\n```{.c file=ch01/x.c}\nint x;\n```\n' > book/01-t.md
    mkdir -p outside snippets && ln -s ../outside snippets/ch01
    "$tangle" --snippets snippets --gen gen book/01-t.md 2>err.txt && fail "wrote through the link"
    grep -q "snippets/ch01: error: is a symbolic link" err.txt || fail "unclear error: $(cat err.txt)"
    [ -z "$(ls outside)" ] || fail "a file appeared outside snippets/"
    [ ! -e gen ] || fail "gen/ was written"
    ;;
readonly|disk-full)
    [ "$(id -u)" -eq 0 ] && unshare -m true 2>/dev/null || { echo "needs root and mount namespaces"; exit 77; }
    generate 2000 new
    mkdir -p snippets/ch01 && echo "/* old */" > snippets/ch01/gen0.c
    if [ "$case" = readonly ]; then
        mount_cmd="mount --bind -o ro snippets snippets"
        want="Read-only file system"
    else
        mount_cmd="mount -t tmpfs -o size=64k tmpfs snippets && mkdir snippets/ch01 && echo '/* old */' > snippets/ch01/gen0.c"
        want="No space left on device"
    fi
    unshare -m sh -c "$mount_cmd && \"$tangle\" --snippets snippets --gen gen book/01-gen.md 2>err.txt;
        echo \$? > status; find snippets -type f | sort > after.txt; cat snippets/ch01/gen0.c > gen0.txt" ||
        fail "could not set up the file system"
    [ "$(cat status)" -eq 1 ] || fail "exit status $(cat status), expected 1"
    grep -q "$want" err.txt || fail "unclear error: $(cat err.txt)"
    grep -q "nothing written" err.txt || fail "the error does not say that nothing was written"
    [ "$(cat after.txt)" = "snippets/ch01/gen0.c" ] || fail "files were left: $(cat after.txt)"
    grep -q "old" gen0.txt || fail "an existing snippet was changed"
    ;;
interrupted)
    generate 8000 old && "$tangle" --snippets ref-old --gen gen-old book/01-gen.md 2>/dev/null
    cp book/01-gen.md old.md
    generate 8000 new && "$tangle" --snippets ref-new --gen gen-new book/01-gen.md 2>/dev/null
    cp book/01-gen.md new.md
    for i in $(seq 1 20); do
        cp old.md book/01-gen.md && "$tangle" --snippets snippets --gen gen book/01-gen.md 2>/dev/null
        cp new.md book/01-gen.md
        "$tangle" --snippets snippets --gen gen book/01-gen.md 2>/dev/null &
        pid=$!
        sleep "0.0$(awk -v s="$i" 'BEGIN { srand(s); printf "%02d", int(rand() * 60) }')"
        kill -s "$( [ $((i % 2)) -eq 0 ] && echo TERM || echo INT)" $pid 2>/dev/null
        wait $pid
        leftovers=$(find snippets gen -name '*.tmp.*' | head -3)
        [ -z "$leftovers" ] || fail "temporary files left: $leftovers"
        for f in $(cd snippets && find . -type f); do
            cmp -s "snippets/$f" "ref-old/$f" || cmp -s "snippets/$f" "ref-new/$f" ||
                fail "round $i: snippets/$f is neither the old nor the new version"
        done
    done
    echo "20 interrupted tangles: every file old or new"
    ;;
run-interrupted)
    mkdir out
    printf '{.run}\n$ echo old\n' > a.run
    "$run" --spec a.run --out out --quiet || fail "the first run failed"
    cp out/a.txt old.txt && cp out/a.json old.json
    printf '{.run}\n$ echo new; sleep 43.%d & sleep 44.%d\n' $$ $$ > a.run
    "$run" --spec a.run --out out --quiet &
    pid=$!
    sleep 0.5
    kill -TERM $pid
    wait $pid
    sleep 0.2
    if pgrep -f "[s]leep 4[34].$$" >/dev/null; then fail "the command's processes outlived run"; fi
    cmp -s out/a.txt old.txt && cmp -s out/a.json old.json || fail "the outputs changed"
    ;;
*)
    echo "unknown case $case"; exit 2 ;;
esac
exit 0
