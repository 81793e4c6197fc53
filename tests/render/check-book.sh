#!/bin/sh
# check-book.sh BUILD SOURCE - the rendered book is complete: every chapter
# has its page with every run block's output in it, the front page links every
# chapter, and the PDF holds every chapter title and a known output.
set -u
build=$1 source=$2
fail=0
[ -s "$build/html/index.html" ] || { echo "no $build/html/index.html"; exit 1; }
[ -s "$build/pdf/book.pdf" ] || { echo "no $build/pdf/book.pdf"; exit 1; }
for chapter in "$source"/book/[0-9][0-9]-*.md; do
    slug=$(basename "$chapter" .md)
    # Every figure the page shows was drawn.
    for fig in $(grep -o 'src="figures/[^"]*"' "$build/html/$slug.html" 2>/dev/null | sed 's/src="//; s/"$//'); do
        [ -s "$build/html/$fig" ] || { echo "$slug: missing $fig"; exit 1; }
    done
done
pdftotext -layout "$build/pdf/book.pdf" "$build/pdf/book.txt" || exit 1
chapters=0
for chapter in "$source"/book/[0-9][0-9]-*.md; do
    slug=$(basename "$chapter" .md)
    page=$build/html/$slug.html
    chapters=$((chapters + 1))
    [ -s "$page" ] || { echo "no page for $slug"; fail=1; continue; }
    runs=$(grep -c '^```{.*\.run[ }]' "$chapter")
    shown=$(grep -c '<div id="run-' "$page")
    [ "$runs" -eq "$shown" ] || { echo "$slug: $runs run blocks, $shown shown"; fail=1; }
    grep -q "href=\"$slug.html\"" "$build/html/index.html" ||
        { echo "the front page does not link $slug"; fail=1; }
    title=$(grep -m1 '^# ' "$chapter" | sed 's/^# //')
    grep -qF "$title" "$build/pdf/book.txt" || { echo "the PDF lacks the title: $title"; fail=1; }
done
[ "$chapters" -gt 0 ] || { echo "no chapters"; fail=1; }
# A known output: the first line of the first capture woven into the book.
first=$(ls "$build"/out/*.txt | grep -v failed | head -1)
line=$(grep -m1 '[a-z]' "$first" | cut -c1-40)
grep -qF "$line" "$build/pdf/book.txt" || { echo "the PDF lacks the output line: $line"; fail=1; }
pages=$(pdfinfo "$build/pdf/book.pdf" | awk '/^Pages:/ {print $2}')
[ "$pages" -gt "$chapters" ] || { echo "the PDF has only $pages pages for $chapters chapters"; fail=1; }
# Every figure's caption is in the PDF, under its figure.
for md in "$build"/md/[0-9][0-9]-*.md; do
    case $md in *.print.md|*.epub.md) continue ;; esac
    grep -o '^!\[[^]]*\](figures/' "$md" | sed 's/^!\[//; s/\](figures\/$//; s/\\//g' | while read -r caption; do
        short=$(printf '%s' "$caption" | cut -c1-30)
        grep -qF "$short" "$build/pdf/book.txt" || { echo "the PDF lacks the figure: $caption"; exit 1; }
    done || fail=1
done
# Every table is in the PDF: each header cell's text (a font stack once made
# WeasyPrint drop a table's text).
for page in "$build"/html/[0-9][0-9]-*.print.html; do
    grep -o '<th[^>]*>[^<]*</th>' "$page" | sed 's/<[^>]*>//g' | while read -r cell; do
        [ -z "$cell" ] || grep -qF "$cell" "$build/pdf/book.txt" || { echo "the PDF lacks the table header '$cell' of $(basename "$page")"; exit 1; }
    done || fail=1
done
# Bookmarks: one top-level entry per chapter, in order, then the index; sections
# below it and on a page of the book; page labels i, ii, ... then 1, 2, ...
/usr/bin/python3 - "$build/pdf/book.pdf" "$source"/book/[0-9][0-9]-*.md <<'PY' || fail=1
import sys
from pypdf import PdfReader
r = PdfReader(sys.argv[1])
# Chapters are numbered in book order (tangle/xref.h): "2 Threads".
titles = ["%d %s" % (i + 1, open(p).readline()[2:].strip()) for i, p in enumerate(sys.argv[2:])]
top = [x for x in r.outline if not isinstance(x, list)]
problems = []
# The chapters and appendices, then the index (pdfbook.py index), last.
if [t.title for t in top] != titles + ["Index"]:
    problems.append("top-level bookmarks %s, chapters %s and the index" % ([t.title for t in top], titles))
if not any(isinstance(x, list) and x for x in r.outline):
    problems.append("no section bookmarks")
pages = [r.get_destination_page_number(t) for t in top]
if pages != sorted(pages) or any(p < 1 or p >= len(r.pages) for p in pages):
    problems.append("chapter bookmarks out of order or out of the book: %s" % pages)
# Sections are numbered too, as the chapter says.
first = [x for x in r.outline if isinstance(x, list)][0]
if not first or not first[0].title.startswith("1.1 "):
    problems.append("the first section's bookmark is not numbered 1.1: %r" % (first[0].title if first else None))
# The PDF works anywhere: no link into the machine that built it, and every
# link between chapters resolved inside the book (tangle/pdfbook.py).
for number, page in enumerate(r.pages):
    for annot in page.get("/Annots") or []:
        uri = str((annot.get_object().get("/A") or {}).get("/URI", ""))
        if uri and not uri.startswith(("https://", "http://", "mailto:")):
            problems.append("page %d links to %s" % (number + 1, uri))
labels = r.page_labels
if labels[0] != "i" or "1" not in labels or labels[labels.index("1") - 1] not in ("i", "ii", "iii", "iv"):
    problems.append("page labels %s" % labels[:6])
for p in problems:
    print(p)
sys.exit(1 if problems else 0)
PY
# The chapters' PDFs link nothing on the build machine either.
for pdf in "$build"/pdf/[0-9][0-9]-*.pdf; do
    if strings "$pdf" | grep -q 'file://'; then echo "$(basename "$pdf") links into the file system (file://)"; fail=1; fi
done
# Every file heading names its snippet in the PDF ("FILE common/check.h ·
# snippets/common/check.h"): the link to the build tree became its path.
grep -q 'FILE common/check.h · snippets/common/check.h' "$build/pdf/book.txt" ||
    { echo "the PDF does not name the snippet of common/check.h"; fail=1; }
# The numbers: a chapter's title, a section and a reference between chapters.
grep -q 'CHAPTER 2' "$build/pdf/book.txt" || grep -q 'Chapter 2' "$build/pdf/book.txt" ||
    { echo "the PDF does not number Chapter 2"; fail=1; }
grep -qE '^ *2\.1 +Creating' "$build/pdf/book.txt" || { echo "the PDF does not number Section 2.1"; fail=1; }
exit $fail
