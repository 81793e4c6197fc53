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
    --html "$build/html" "$@"
