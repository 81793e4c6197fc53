#!/bin/sh
# check-epub.sh BUILD SOURCE - the EPUB passes epubcheck (Debian's package:
# its jar, run on the Java it depends on) and holds one document per chapter
# (pandoc splits the book at the chapters), each with its number.
set -u
build=$1 source=$2
epub=$build/epub/book.epub
[ -s "$epub" ] || { echo "no $epub"; exit 1; }
java -jar /usr/share/java/epubcheck.jar -q "$epub" || { echo "epubcheck refuses $epub (above)"; exit 1; }
chapters=$(ls "$source"/book/[0-9][0-9]-*.md | wc -l)
texts=$(unzip -l "$epub" | grep -c 'EPUB/text/ch[0-9]*\.xhtml$')
[ "$texts" -eq "$chapters" ] || { echo "the EPUB has $texts chapters, the book $chapters"; exit 1; }
unzip -p "$epub" EPUB/text/ch002.xhtml | grep -q '<span class="chapno">2</span>' ||
    { echo "the EPUB's second chapter is not numbered 2"; exit 1; }
echo "epub: epubcheck passes, $texts chapters"
