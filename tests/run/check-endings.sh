#!/bin/sh
# check-endings.sh DIES RANK_DIES RUN... - how a run ends, through each run
# tool given (the one under test and the book's own, linked statically):
# signal= holds when the command as shown dies of that signal (a plain
# command, a list, a redirection, the last element of a pipeline) or, for
# mpiexec, when mpiexec reports that a rank died of it; a program that exits
# with 134 never passes signal=SIGABRT. Also: expectations match characters
# of UTF-8 output, whatever the locale of the environment.
set -u
dies=$1 rank_dies=$2
shift 2
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
fail=0
n=0

# expect RUN STATUS 'ATTRIBUTES' 'COMMAND' [EXPECTATION...]: run STATUS (0 passed, 1 failed).
expect() {
    tool=$1 want=$2 attrs=$3 cmd=$4
    shift 4
    n=$((n + 1))
    spec=$tmp/e$n.run
    { printf "{.console .run %s}\n\$ %s\n" "$attrs" "$cmd"; for e in "$@"; do printf "%s\n" "$e"; done; } > "$spec"
    env LC_ALL=C LANG=C "$tool" --spec "$spec" --out "$tmp/out" --quiet > "$tmp/e$n.err" 2>&1
    got=$?
    if [ "$got" != "$want" ]; then
        echo "FAIL: {$attrs} \$ $cmd: run exited $got, expected $want"
        sed 's/^/    /' "$tmp/e$n.err"
        fail=1
    fi
}

# expect_message RUN TEXT: the last run's report holds TEXT.
expect_message() {
    grep -qF "$1" "$tmp/e$n.err" || { echo "FAIL: the report of run $n lacks: $1"; sed 's/^/    /' "$tmp/e$n.err"; fail=1; }
}

for run in "$@"; do
    # A plain command, a list, a redirection: the program's own death is seen.
    expect "$run" 0 'signal=SIGABRT' "$dies abort" 'line: dies: abort()'
    grep -q '"signal": "SIGABRT"' "$tmp/out/e$n.json" || { echo "FAIL: the run record does not say SIGABRT"; fail=1; }
    expect "$run" 0 'signal=SIGABRT' "cd / && X=1 $dies abort"
    expect "$run" 0 'signal=SIGABRT' "$dies abort > /dev/null"
    # A program that exits with 134 did not die of SIGABRT.
    expect "$run" 1 'signal=SIGABRT' "$dies exit 134"
    expect_message 'expected the run to die of SIGABRT, but it exited with status 134'
    expect "$run" 0 'exit=134' "$dies exit 134"
    # A pipeline ends as its last element does.
    expect "$run" 0 'signal=SIGABRT' "echo x | $dies abort"
    expect "$run" 1 'signal=SIGABRT' "echo x | $dies exit 134"
    expect "$run" 0 '' "$dies abort | cat" 'line: dies: abort()'
    expect "$run" 0 'exit=3' "$dies abort | $dies exit 3" 'output: dies: exit(3)'
    # mpiexec: a rank died of the signal, as mpiexec reports it.
    expect "$run" 0 'signal=SIGABRT timeout=30' "mpiexec -n 2 $rank_dies" 'line: rank 1: abort()' \
        'contains: ^mpiexec noticed that process rank 1 .* exited on signal 6'
    expect "$run" 1 'signal=SIGSEGV timeout=30' "mpiexec -n 2 $rank_dies"
    expect_message 'expected the run to die of SIGSEGV, but mpiexec reports that a rank died of SIGABRT'
    expect "$run" 1 'signal=SIGABRT timeout=30' "mpiexec -n 2 $rank_dies exit"
    expect_message 'expected the run to die of SIGABRT, but it exited with status 134'
    expect "$run" 1 'timeout=30' "mpiexec -n 2 $rank_dies"
    expect_message 'the run exited with status 134 (expected 0): mpiexec reports that a rank died of SIGABRT'
    # Characters, not bytes, with LC_ALL=C in the environment.
    expect "$run" 0 '' "printf 'é\\n中\\nabc\\nhéllo\\n'" 'count 2: ^.$' 'contains: ^[[:alpha:]]+$' \
        'lacks: ^..$' 'count 1: ^h.llo$'
    expect "$run" 1 '' "printf 'ab\\n'" 'count 1: ^.$'
done
[ $fail = 0 ] && echo "$n runs ended as expected"
exit $fail
