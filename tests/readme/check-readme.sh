#!/bin/sh
# check-readme.sh SOURCE BUILD - every command the README shows works, and
# every example of `make help` names a program of the book.
#
# The commands are the README's code lines (indented blocks; "$ " prompts
# dropped) and its inline code that is a whole command: `make ...`,
# `build/bin/NAME ...`, `mpiexec -n N ...`, `ctest ...`. A shape with a
# placeholder (NAME, STEM, x, $X, [ARGS], "...") is syntax, not a command.
# Each runs as the README says, from SOURCE, except where running it here
# would be wrong, and then the nearest thing runs:
#   - a make target that builds, tests or serves: `make -n TARGET` (the
#     target exists and its recipe expands; this test runs inside `make
#     test`, which holds the build's lock, and would wait for itself);
#   - ctest: `ctest -N` (the label selects tests; running them is `make test`'s);
#   - make run P=NAME: NAME's binary, as make run would after building it.
set -u
source=$1 build=$2
cd "$source" || exit 2
export OMPI_MCA_rmaps_base_oversubscribe=1 OMPI_MCA_pml=ob1
if [ "$(id -u)" -eq 0 ]; then export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1; fi
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
{
    # Code lines of indented blocks.
    sed -n 's/^    \$ //p; s/^    \(make\( [a-z-]*\)*\)  *#.*/\1/p; s/^    \(make\( [a-z-]*\)*\)$/\1/p' README.md
    # Whole commands in inline code.
    grep -o '`[^`]*`' README.md | tr -d '`' |
        sed 's/ \[[^]]*\]//g' |      # optional parts: make run P=barrier_race [ARGS="..."]
        grep -E '^(make( [A-Za-z_=-]+)*|build/bin/[a-z][a-z0-9_]*( [^ ]+)*|mpiexec -n [0-9]+ .*|ctest .*)$'
} | sed 's/ *$//' | grep -vE '\.\.\.|\[|NAME|STEM|PROGRAM|\$X|build/bin/x( |$)' | sort -u > "$tmp/commands"
count=$(wc -l < "$tmp/commands")
[ "$count" -ge 10 ] || { echo "only $count commands found in README.md: the test no longer reads it"; exit 1; }
fail=0
while IFS= read -r cmd; do
    case $cmd in
        "make help"|"make check-drift"|"make deps-check")
            how=$cmd ;;
        "make run P="*)
            p=${cmd#make run P=}; p=${p%% *}
            how="$build/bin/$p" ;;
        make|make\ *)
            how="make -n ${cmd#make}" ;;
        ctest\ *)
            how="$cmd -N" ;;
        build/bin/*|mpiexec\ *)
            how=$cmd ;;
        *)
            echo "README.md: no way to try: $cmd"; fail=1; continue ;;
    esac
    if timeout 120 sh -c "$how" > "$tmp/out" 2>&1 < /dev/null; then
        case $how in
            *" -N") n=$(sed -n 's/^Total Tests: //p' "$tmp/out")
                    [ "${n:-0}" -gt 0 ] || { echo "README.md: $cmd selects no test"; fail=1; continue; } ;;
        esac
        echo "ok: $cmd${how:+  ($how)}"
    else
        echo "README.md: FAILED: $cmd (ran: $how)"; tail -5 "$tmp/out"; fail=1
    fi
done < "$tmp/commands"
# make help's examples name programs of the book.
for p in $(make help | grep -o 'P=[a-z0-9_]*' | cut -c3-) $(grep -o 'make run P=[a-z0-9_]*' README.md | cut -c12-); do
    grep -q "^$p	" "$build/gen/programs.tsv" || { echo "an example names $p, which no chapter defines"; fail=1; }
done
echo "$count commands of README.md tried"
exit $fail
