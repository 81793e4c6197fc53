#!/bin/sh
# check-glyphs.sh TOOLS ASSETS CHARSETS - any script a chapter uses shows in
# the PDF: a scratch chapter with a Chinese title and an emoji is woven and
# laid out with the book's print stylesheet, and its PDF embeds the CJK and
# emoji fonts (pdffonts); a character that no font of the machine draws
# (CHARSETS is the build's fc-list coverage) fails the weave at its line and
# column.
set -u
tools=$1 assets=$2 charsets=$3
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 2
mkdir book
printf '# 并行编程 🚀\n\nThreads, 线程, and a rocket 🚀 in the text.\n' > book/01-scripts.md
"$tools/weave" chapter book/01-scripts.md --runs "$tmp" --out ch.md --page ch.yaml \
    --print-out ch.print.md --glyphs "$charsets" 2> err.txt || { echo "a CJK title is refused:"; cat err.txt; exit 1; }
pandoc --from markdown --to html5 --standalone --template "$assets/print.html" --metadata-file ch.yaml \
    --css "$assets/print.css" -o ch.html ch.print.md || exit 1
weasyprint --quiet ch.html ch.pdf || exit 1
fonts=$(pdffonts ch.pdf)
fail=0
echo "$fonts" | grep -q 'CJK' || { echo "the PDF embeds no CJK font:"; echo "$fonts"; fail=1; }
echo "$fonts" | grep -qi 'emoji' || { echo "the PDF embeds no emoji font:"; echo "$fonts"; fail=1; }
pdftotext ch.pdf - | grep -q '并行编程' || { echo "the PDF's text lacks the title"; fail=1; }
# U+10FFFD, a private use character no font has: an error at line 3, column 8.
printf '# Title\n\nA mark \364\217\277\275 here.\n' > book/01-scripts.md
if "$tools/weave" chapter book/01-scripts.md --runs "$tmp" --out ch.md --page ch.yaml --glyphs "$charsets" 2> err.txt; then
    echo "a character no font draws was not refused"; fail=1
fi
grep -q '^book/01-scripts.md:3:8: error: no font of this machine draws U+10FFFD' err.txt ||
    { echo "the error is not at the character:"; cat err.txt; fail=1; }
[ $fail -eq 0 ] && echo "glyphs: CJK and emoji drawn, a missing glyph refused at its line"
exit $fail
