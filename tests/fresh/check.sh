#!/bin/sh
# check.sh SOURCE SCENARIO - the freshness promise, tried as an author would:
# a scratch copy of the project holding the small book of tests/fresh/book/,
# built with `make` as the README says, then edited, restored, copied,
# deleted and broken in the ways below. After each step the build must have
# re-done exactly what the step changed, and tests/provenance/check.sh must
# prove that every output, page, PDF and figure is of the current code.
#
#   rebuilds  program edits under every spelling of a command, a prose edit,
#             a chapter restored with an older time (alone, and with its
#             snippet), a git checkout of an older revision and back,
#             deletions of a program, a run, a figure and a chapter
#   refusals  names that clash with the build, a command that cannot be
#             resolved, a snippet edited by hand (make fails, check-drift
#             fails on a fresh clone, untangle and discard recover), each
#             reverted with the build recovering; two makes at once
#   copy      the tree copied with its build: make there builds the copy,
#             and its pages read the same as the original's (no builder's path)
#   xrefs     a reference to a section of another chapter; a section and a
#             chapter inserted before it: the page follows though its chapter
#             did not change, nothing runs; the chapter deleted, its products
#             go; a reference to no label fails at its line
#   quotes    values quoted in the prose, from a run of the same chapter and
#             of another: the run changes, both pages follow (and only they);
#             a page kept from before is caught; a value that cannot be
#             found and a claim that must hold and does not fail the build
#             at the sentence; a claim else=note shows its note
#
# Exit 77 (skipped) where pdftotext or git is missing.
set -u
source=$1 scenario=$2
command -v git >/dev/null && command -v pdftotext >/dev/null || exit 77
base=$(mktemp -d) || exit 2
trap 'rm -rf "$base"' EXIT
fail=0
say() { echo "[$scenario] $*"; }
bad() { echo "[$scenario] FAILED: $*"; fail=1; }

# A scratch project: the toolchain and build files of SOURCE, the small book.
tree=$base/book
mkdir -p "$tree/book" "$tree/snippets"
(cd "$source" && cp -r .gitignore CMakeLists.txt CMakePresets.json Makefile deps tangle tests "$tree/") || exit 2
cp -r "$source/book/assets" "$source/book/index.md" "$tree/book/"
cp "$source/tests/fresh/book/"*.md "$tree/book/"
# The project's own tests are not built there: the scenarios need the book's
# build (its runs are tests) and the provenance command, not the rest.
echo "# (tests/fresh/check.sh: the project's own tests are not built here)" > "$tree/tests/CMakeLists.txt"
cd "$tree" || exit 2
git init -q . && git config user.email t@t && git config user.name t

build() {	# make, as the README says; its output in $base/make.log
    if ! make >"$base/make.log" 2>&1; then
        bad "make failed: $1"; tail -20 "$base/make.log"; return 1
    fi
}
fails() {	# make must fail, saying $2
    if make >"$base/make.log" 2>&1; then
        bad "make succeeded: $1"; return 1
    fi
    grep -q -- "$2" "$base/make.log" || { bad "make did not say '$2': $1"; tail -20 "$base/make.log"; }
}
proven() {	# the provenance test passes on this tree
    sh tests/provenance/check.sh build/tangle/provenance "$PWD" "$PWD/build" >"$base/prov.log" 2>&1 ||
        { bad "provenance: $1"; cat "$base/prov.log"; }
}
records() {	# the digest of every run's record, one "ID DIGEST" per line
    for j in build/out/*.json; do
        case "$j" in *.failed.json) continue ;; esac
        printf '%s %s\n' "$(basename "$j" .json)" "$(sed -n 's/^  "digest": "\(.*\)"$/\1/p' "$j")"
    done
}
changed() {	# the runs whose record differs between two records() lists
    printf '%s\n' "$1" "$2" | sort | uniq -u | cut -d' ' -f1 | sort -u | tr '\n' ' '
}
edit_program() {	# $1: the output text of a program, to bump its version
    sed -i "s/$1, version [0-9]*/$1, version $2/" book/01-alpha.md
}
expect_reran() {	# $1 what, $2 before, $3 the runs that must have re-run
    got=$(changed "$2" "$(records)")
    [ "$got" = "$3" ] || bad "$1: re-ran '$got', expected '$3'"
}

build "the first build" || exit 1
git add -A && git commit -qm v1
proven "after the first build"

case $scenario in
rebuilds)
    cp -p book/01-alpha.md "$base/alpha-v1.md"
    cp -p snippets/ch01/hello.c "$base/hello-v1.c"
    sleep 1
    # One program edited: its run alone re-runs.
    before=$(records)
    edit_program hello 2
    build "after editing hello"
    expect_reran "editing the program that prints 'hello'" "$before" "ch01-hello "
    grep -q "hello, version 2" build/out/ch01-hello.txt || bad "ch01-hello does not show the new output"
    grep -q "hello, version 2" build/html/01-alpha.html || bad "the page does not show the new output"
    proven "after editing hello"
    # One program per other spelling: cd build && ./bin/x | head, a script
    # that runs it, mpiexec with options and env in between. Each run must
    # follow its program.
    before=$(records)
    for text in twice greetings "rank %d"; do
        edit_program "$text" 2
    done
    build "after editing the other programs"
    expect_reran "editing the programs of the other spellings" "$before" "ch01-ranks ch01-run ch01-twice "
    for run in ch01-twice ch01-run ch01-ranks; do
        grep -q "version 2" "build/out/$run.txt" || bad "$run does not show the new output"
    done
    proven "after editing the other programs"
    before=$(records)
    sed -i 's/^A small book for the freshness tests/A small book, edited, for the freshness tests/' book/01-alpha.md
    build "after a prose edit"
    expect_reran "a prose edit" "$before" ""
    grep -q "A small book, edited" build/html/01-alpha.html || bad "the prose edit is not on the page"
    proven "after a prose edit"

    say "a chapter restored with its older time"
    cp -p "$base/alpha-v1.md" book/01-alpha.md
    before=$(records)
    build "after restoring the chapter"
    expect_reran "restoring the chapter with an older time" "$before" \
        "ch01-hello ch01-ranks ch01-run ch01-twice "
    grep -q "version 1" build/out/ch01-hello.txt || bad "the restored program's output is not the old one"
    proven "after restoring the chapter"

    say "a git checkout of an older revision, and back"
    edit_program hello 3
    build "before the checkout" && git add -A && git commit -qm v3
    git checkout -q HEAD~1
    build "at the older revision"
    grep -q "version 1" build/out/ch01-hello.txt || bad "the checkout's program did not re-run"
    proven "at the older revision"
    git checkout -q -
    build "back at the newest revision"
    grep -q "version 3" build/out/ch01-hello.txt || bad "back: the program did not re-run"
    proven "back at the newest revision"

    say "a chapter and its snippet restored together, with their older times"
    # The snippet is then what the chapter tangles to (tangle writes nothing),
    # but not what this build compiled: it must be compiled again.
    before=$(records)
    cp -p "$base/alpha-v1.md" book/01-alpha.md
    cp -p "$base/hello-v1.c" snippets/ch01/hello.c
    build "after restoring the chapter and its snippet"
    grep -q "version 1" build/out/ch01-hello.txt || bad "the restored snippet was not compiled again"
    proven "after restoring the chapter and its snippet"

    say "deletions: a program and its run, a run with its figure, a chapter"
    [ -e build/docs/programs/html/beta_8c.html ] || bad "no reference page for beta.c to begin with"
    rm book/02-beta.md
    awk '/^```\{\.c file=ch01\/ranks\.c\}/ { skip = 2 } /^```\{\.console \.run name=table\}/ { skip = 2 }
         /^```\{\.gnuplot/ { skip = 1 } skip { if (/^```$/) skip--; next } { print }' \
        book/01-alpha.md > "$base/alpha.md" && cp "$base/alpha.md" book/01-alpha.md
    # (the awk drops the ranks program with its run, the table run and its plot)
    grep -q ranks book/01-alpha.md && bad "the test's awk did not remove the ranks program"
    build "after the deletions"
    for f in build/bin/beta build/bin/ranks build/out/ch02-beta.json build/out/ch02-beta.txt \
             build/out/ch01-ranks.json build/out/ch01-table.txt build/html/figures/ch01-plot-1.svg \
             build/html/02-beta.html build/html/02-beta.print.html build/pdf/02-beta.pdf \
             build/md/02-beta.md build/docs/programs/html/beta_8c.html snippets/ch02/beta.c \
             snippets/ch01/ranks.c build/gen/runs/ch02-beta.run; do
        [ ! -e "$f" ] || bad "$f is still there after its definition was deleted"
    done
    ctest --test-dir build -N | grep -q "ch02-beta\|ch01-ranks" && bad "CTest still lists the deleted runs"
    grep -q "beta" build/html/index.html && bad "the front page still lists the deleted chapter"
    proven "after the deletions"
    ;;

refusals)
    for name in test all clean help tangle; do
        say "a program named $name"
        sed -i "s|file=ch01/hello.c|file=ch01/$name.c|; s|\./build/bin/hello|./build/bin/$name|" book/01-alpha.md
        fails "a program named $name" "book/01-alpha.md:[0-9]*:[0-9]*: error: program name '$name' cannot be used"
        git checkout -q book
        build "after reverting the program named $name"
    done
    say "a command that cannot be resolved"
    sed -i 's|^\$ \./build/bin/hello|$ ./a.out|' book/01-alpha.md
    fails "./a.out" "book/01-alpha.md:[0-9]*:[0-9]*: error: './a.out' is neither a program of the book"
    git checkout -q book
    build "after reverting ./a.out"
    proven "after the refusals"

    say "a snippet edited by hand"
    sed -i 's/hello, version 1/hello, version 9 by hand/' snippets/ch01/hello.c
    cp snippets/ch01/hello.c "$base/edited.c"
    fails "the hand-edited snippet" "snippets/ch01/hello.c:[0-9]*: error: edited by hand"
    grep -q "book/01-alpha.md:[0-9]*: note: line [0-9]* of snippets/ch01/hello.c comes from here" "$base/make.log" ||
        bad "the error does not name the chapter line"
    grep -q "make untangle" "$base/make.log" && grep -q "make discard-snippet-edits" "$base/make.log" ||
        bad "the error does not give the two ways out"
    cmp -s snippets/ch01/hello.c "$base/edited.c" || bad "make overwrote the hand edit"
    make check-drift >"$base/drift.log" 2>&1 && bad "check-drift passed with a hand edit"
    git clone -q . "$base/clone"
    cp snippets/ch01/hello.c "$base/clone/snippets/ch01/hello.c"
    (cd "$base/clone" && make check-drift) >"$base/drift.log" 2>&1 && bad "check-drift passed on a fresh clone with a hand edit"
    grep -q "snippets/ch01/hello.c:[0-9]*: error: edited by hand" "$base/drift.log" ||
        bad "check-drift on a fresh clone did not name the edit"
    cmp -s "$base/clone/snippets/ch01/hello.c" "$base/edited.c" || bad "check-drift overwrote the edit in the clone"
    make untangle >"$base/untangle.log" 2>&1 || { bad "make untangle failed"; cat "$base/untangle.log"; }
    grep -q 'puts("hello, version 9 by hand");' book/01-alpha.md || bad "untangle did not carry the edit into the chapter"
    build "after untangle"
    grep -q "hello, version 9 by hand" build/out/ch01-hello.txt || bad "the carried edit is not the output"
    proven "after untangle"
    sed -i 's/by hand/twice by hand/' snippets/ch01/hello.c
    make discard-snippet-edits >"$base/discard.log" 2>&1 || bad "make discard-snippet-edits failed"
    grep -q "twice by hand" snippets/ch01/hello.c && bad "the edit was not discarded"
    make check-drift >"$base/drift.log" 2>&1 || { bad "check-drift fails after discarding"; cat "$base/drift.log"; }
    build "after discarding"

    say "two makes at once in one tree"
    edit_program hello 4
    make >"$base/make1.log" 2>&1 & first=$!
    make >"$base/make2.log" 2>&1 || { bad "the second of two makes at once failed"; tail -5 "$base/make2.log"; }
    wait $first || { bad "the first of two makes at once failed"; tail -5 "$base/make1.log"; }
    grep -q "another build is running" "$base/make1.log" "$base/make2.log" ||
        say "(the two makes did not overlap this time)"
    grep -q "hello, version 4" build/out/ch01-hello.txt || bad "after two makes, the output is not the edited program's"
    proven "after two makes at once"
    ;;

copy)
    say "the tree copied, with its build, and edited there"
    cp -a "$tree" "$base/copy"
    cd "$base/copy" || exit 2
    edit_program hello 2
    build "in the copy"
    grep -q "configuring it again" "$base/make.log" || bad "make did not say it configures the copy again"
    grep -q "version 2" build/out/ch01-hello.txt || bad "the copy's build did not run the copy's program"
    grep -q "version 1" "$tree/build/out/ch01-hello.txt" || bad "building the copy changed the original"
    proven "in the copy"
    # The page of the chapter the copy did not change reads the same in both
    # trees, but for the provenance lines (the digests cover the outputs,
    # whose paths differ).
    for t in "$tree" "$base/copy"; do
        sed '/<div class="provenance">/,/<\/div>/d' "$t/build/html/02-beta.html" > "$t.beta.html"
    done
    cmp -s "$tree.beta.html" "$base/copy.beta.html" ||
        { bad "the same chapter built in two directories reads differently"; diff "$tree.beta.html" "$base/copy.beta.html" | head; }
    grep -q "found at snippets/ch02/beta.c" "$tree.beta.html" || bad "the page shows the builder's path"
    cp -a "$tree" "$base/copy2"
    cd "$base/copy2" || exit 2
    if cmake --build build >"$base/direct.log" 2>&1; then
        bad "cmake --build in a copied build tree succeeded"
    fi
    grep -q "was configured for $tree/build: it was copied" "$base/direct.log" || { bad "the copied build tree did not say why"; cat "$base/direct.log"; }
    ;;

quotes)
    say "a value of ch01-hello quoted in its chapter and in the next"
    sed -i 's/^contains: ^hello, version$/&\nvalue version: ^hello, version[ ]([0-9]+)$/' book/01-alpha.md
    printf '\nHello is at version `version`{.value}.\n' >> book/01-alpha.md
    printf '\nThe first chapter says version `ch01.version`{.value}`ch01.version < 5`{.claim else=note}.\n' >> book/02-beta.md
    build "after quoting the value" || exit 1
    grep -q 'value version: ' build/gen/runs/ch01-hello.run || bad "the run file has no value row"
    grep -q '^quote version book/02-beta.md ' build/gen/runs/ch01-hello.loc || bad "the run's location does not say where 02-beta quotes it"
    grep -q 'lit_chapter(02-beta .* QUOTES ch01-hello)' build/gen/manifest.cmake || bad "the manifest does not say 02-beta quotes ch01-hello"
    grep -q 'data-run="ch01-hello"' build/html/02-beta.html || bad "02-beta.html does not link the value to its run"
    grep -q 'data-state="held"' build/html/02-beta.html || bad "the claim does not hold at version 1"
    proven "with the quotes"
    cp build/html/02-beta.html "$base/beta-v1.html"
    cp build/html/02-beta.print.html "$base/beta-v1.print.html"

    say "the quoted run changes: both pages follow, no other run re-runs"
    before=$(records)
    edit_program hello 7
    build "after editing hello"
    expect_reran "editing the quoted program" "$before" "ch01-hello "
    sed -n '/The first chapter says/,/<\/p>/p' build/html/02-beta.html | tr '\n' ' ' | grep -q '>7</a>' ||
        bad "02-beta.html does not show the new value 7"
    grep -q 'data-state="noted"' build/html/02-beta.html || bad "02-beta.html does not show the claim's note"
    grep -q "book/02-beta.md:[0-9]*:[0-9]*: warning: the claim 'ch01.version < 5' does not hold" "$base/make.log" ||
        bad "the build did not say that the claim does not hold"
    sed -n '/Hello is at version/,/<\/p>/p' build/html/01-alpha.html | tr '\n' ' ' | grep -q '>7</a>' ||
        bad "01-alpha.html does not show the new value 7"
    proven "after the quoted run changed"

    say "a page kept from before the run changed is caught"
    cp build/html/02-beta.html "$base/beta-v7.html"
    cp "$base/beta-v1.html" build/html/02-beta.html
    sh tests/provenance/check.sh build/tangle/provenance "$PWD" "$PWD/build" >"$base/prov.log" 2>&1 &&
        bad "provenance passed with the page of the old value"
    grep -q "book/02-beta.md:[0-9]*:[0-9]*: error: .*02-beta.html shows the value 'ch01.version' of another output of run ch01-hello" "$base/prov.log" ||
        { bad "provenance did not name the stale value"; cat "$base/prov.log"; }
    sed 's|>7</a>|>8</a>|' "$base/beta-v7.html" > build/html/02-beta.html
    sh tests/provenance/check.sh build/tangle/provenance "$PWD" "$PWD/build" >"$base/prov.log" 2>&1 &&
        bad "provenance passed with a value edited on the page"
    grep -q "shows '8' for the value 'ch01.version'; its run says '7'" "$base/prov.log" ||
        { bad "provenance did not name the edited value"; cat "$base/prov.log"; }
    cp "$base/beta-v7.html" build/html/02-beta.html
    cp "$base/beta-v1.print.html" build/html/02-beta.print.html
    sh tests/provenance/check.sh build/tangle/provenance "$PWD" "$PWD/build" >"$base/prov.log" 2>&1 &&
        bad "provenance passed with the print page of the old value"
    rm build/html/02-beta.print.html
    build "after removing the stale print page"
    proven "after rebuilding the print page"

    say "a value the output does not hold fails at the sentences"
    sed -i 's/hello, version 7/hello, version seven/' book/01-alpha.md
    sed -i 's/^contains: ^hello, version$/contains: ^hello/' book/01-alpha.md
    fails "a value not found" "book/02-beta.md:[0-9]*:[0-9]*: error: the value 'version' quoted here was not found in the output of run ch01-hello"
    grep -q "book/01-alpha.md:[0-9]*:[0-9]*: error: the value 'version' quoted here" "$base/make.log" ||
        bad "the error does not name the sentence of the run's own chapter"
    git checkout -q book
    sed -i 's/^contains: ^hello, version$/&\nvalue version: ^hello, version[ ]([0-9]+)$/' book/01-alpha.md
    printf '\nHello is at version `version`{.value}.\n' >> book/01-alpha.md
    edit_program hello 7

    say "a claim that must hold and does not fails at its line"
    printf '\nThe first chapter says version `ch01.version`{.value}`ch01.version < 5`{.claim}.\n' >> book/02-beta.md
    line=$(grep -n 'ch01.version < 5`{.claim}' book/02-beta.md | cut -d: -f1)
    fails "a claim that does not hold" "book/02-beta.md:$line:[0-9]*: error: the claim 'ch01.version < 5' does not hold on this machine: ch01.version = 7"
    git checkout -q book
    build "after reverting the claim"
    proven "after reverting the claim"
    ;;
xrefs)
    say "a reference to a section of the chapter before: numbered and linked"
    printf '\n## Greeting {#sec-greeting}\n\nHello says hello.\n' >> book/01-alpha.md
    printf '\nAs @sec-greeting of @ch-alpha says.\n' >> book/02-beta.md
    build "after the references" || exit 1
    grep -q '<a href="01-alpha.html#sec-greeting" class="xref">Section 1.1</a>' build/html/02-beta.html ||
        bad "02-beta.html does not link Section 1.1"
    grep -q '"u": "01-alpha.html#sec-greeting", "n": "1.1"' build/html/search-index.js ||
        bad "the search index does not hold Section 1.1"
    git add -A && git commit -qm refs
    proven "with the references"
    before=$(records)

    say "a section inserted before it: the referencing page follows, nothing runs"
    sed -i 's/^## Greeting {#sec-greeting}$/## First\n\nA new section.\n\n&/' book/01-alpha.md
    build "after inserting a section" || exit 1
    grep -q 'class="xref">Section 1.2</a>' build/html/02-beta.html ||
        bad "02-beta.html still shows the old number (its source did not change; its reference did)"
    grep -q 'Rendering html/02-beta.html' "$base/make.log" || bad "02-beta.html was not rendered again"
    expect_reran "inserting a section" "$before" ""
    proven "after inserting a section"

    say "a chapter inserted before both: every number follows"
    printf '# Preface\n\nA chapter before the others.\n' > book/00-preface.md
    build "after inserting a chapter" || exit 1
    grep -q 'class="xref">Section 2.2</a>' build/html/03-beta.html 2>/dev/null ||
        grep -q 'class="xref">Section 2.2</a>' build/html/02-beta.html ||
        bad "02-beta.html does not show Section 2.2"
    grep -q '<span class="chapno">3</span>' build/html/02-beta.html || bad "02-beta.html is not Chapter 3"
    unzip -p build/epub/book.epub EPUB/text/ch003.xhtml | grep -q 'Section 2.2' ||
        bad "the EPUB's third chapter does not show Section 2.2"
    proven "after inserting a chapter"

    say "the chapter deleted: the numbers go back, its products go"
    rm book/00-preface.md
    build "after deleting the chapter" || exit 1
    grep -q 'class="xref">Section 1.2</a>' build/html/02-beta.html || bad "02-beta.html does not show Section 1.2 again"
    for f in build/html/00-preface.html build/md/00-preface.search build/md/00-preface.epub.md build/gen/xrefs/00-preface.xref; do
        [ ! -e "$f" ] || bad "$f survived the chapter"
    done
    grep -q '00-preface' build/html/search-index.js && bad "the search index still has the deleted chapter"
    proven "after deleting the chapter"

    say "a reference to no label fails at its line"
    printf '\nSee @sec-nowhere.\n' >> book/02-beta.md
    line=$(grep -n '@sec-nowhere' book/02-beta.md | cut -d: -f1)
    fails "a reference to no label" "book/02-beta.md:$line:5: error: no chapter, section or figure is labelled 'sec-nowhere'"
    git checkout -q book
    build "after reverting the reference"
    proven "after reverting the reference"
    ;;
*)
    echo "unknown scenario $scenario"; exit 2 ;;
esac
[ $fail = 0 ] && say "passed"
exit $fail
