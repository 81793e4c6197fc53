#!/bin/sh
# check.sh PROVENANCE SOURCE BUILD - the freshness invariant, over the real
# book: every output, figure and page the build made shows the current code
# (tangle/provenance_main.c says what is checked). The PDFs are read as text
# with pdftotext: the book's and each chapter's; the EPUB is unpacked.
set -u
provenance=$1 source=$2 build=$3
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
cd "$source" || exit 2
set -- --pdf-text "$tmp/book.txt"
pdftotext "$build/pdf/book.pdf" "$tmp/book.txt" || { echo "cannot read $build/pdf/book.pdf"; exit 1; }
for pdf in "$build"/pdf/[0-9][0-9]-*.pdf; do
    slug=$(basename "$pdf" .pdf)
    pdftotext "$pdf" "$tmp/$slug.txt" || { echo "cannot read $pdf"; exit 1; }
    set -- "$@" --pdf-text "$tmp/$slug.txt:$slug"
done
# The EPUB, unpacked: its chapters and figures.
mkdir "$tmp/epub" && unzip -q -d "$tmp/epub" "$build/epub/book.epub" ||
    { echo "cannot unpack $build/epub/book.epub"; exit 1; }
set -- "$@" --epub "$tmp/epub"
"$provenance" --book book --gen "$build/gen" --out "$build/out" --bindir "$build/bin" \
    --html "$build/html" "$@" || exit 1
# The instructor edition, when there is one (make instructor; make test builds
# it, and make keeps one current): its pages are the student pages with the
# solutions added, and its PDF is the book's with the solutions as an
# appendix. Both must show the same current outputs.
if [ ! -f "$build/pdf/instructor.pdf" ] && [ ! -d "$build/html-instructor" ]; then
    echo "provenance: no instructor edition here (make instructor builds it); the student edition is proven"
    exit 0
fi
pdftotext "$build/pdf/instructor.pdf" "$tmp/instructor.txt" || { echo "cannot read instructor.pdf"; exit 1; }
"$provenance" --book book --gen "$build/gen" --out "$build/out" --bindir "$build/bin" \
    --html "$build/html-instructor" --pdf-text "$tmp/instructor.txt"
