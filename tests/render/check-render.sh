#!/bin/sh
# check-render.sh TOOLS ASSETS CHAPTER - take a chapter through the whole
# pipeline (tangle, run, plot, weave, pandoc) and check the page: output that
# looks like HTML is shown as text, never interpreted; chunks are linked both
# ways; the run's provenance is there; the figure is drawn and shown.
set -u
tools=$1 assets=$2 chapter=$3
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/book"
cp "$chapter" "$tmp/book/"
printf '# Test book\n\nFront page.\n' > "$tmp/book/index.md"
cd "$tmp" || exit 2
name=book/$(basename "$chapter")
slug=$(basename "$chapter" .md)
"$tools/tangle" --snippets snippets --gen gen "$name" || exit 1
for spec in gen/runs/*.run; do
    "$tools/run" --spec "$spec" --out out --root "$tmp" || exit 1
done
mkdir md html
for spec in gen/plots/*.plot; do
    [ -e "$spec" ] || continue
    "$tools/plot" --spec "$spec" --captures out --out "html/figures/$(basename "$spec" .plot).svg" || exit 1
done
"$tools/weave" meta book/index.md md/index.meta.json || exit 1
"$tools/weave" meta "$name" "md/$slug.meta.json" || exit 1
"$tools/weave" chapter "$name" --runs out --out "md/$slug.md" --page "md/$slug.yaml" \
    md/index.meta.json "md/$slug.meta.json" || exit 1
pandoc --from markdown --to html5 --standalone --template "$assets/page.html" \
    --section-divs --toc --metadata-file "md/$slug.yaml" -o "html/$slug.html" "md/$slug.md" || exit 1
page=html/$slug.html
fail=0
need() {
    grep -qF -- "$1" "$page" || { echo "missing from the page: $1"; fail=1; }
}
refuse() {
    if grep -qF -- "$1" "$page"; then echo "must not be in the page: $1"; fail=1; fi
}
need '&lt;script&gt;alert(1)&lt;/script&gt;'
refuse '<script>alert(1)'
need '&lt;b&gt;not bold&lt;/b&gt; &amp; not an entity: &amp;amp;'
refuse '<b>not bold</b>'
need 'id="ch01-print"'
need 'href="#ch01-print"'
need 'href="#ch01-file-ch01-hostile-c"'
need 'exit 0'
need 'Checked by the build'
# The output's own ``` line did not end its block: the text after it is still output.
awk '/class="output"/,/<\/pre>/' "$page" | grep -q 'not an entity' ||
    { echo "the output block ended early"; fail=1; }
# The figure: drawn, referenced, captioned (escaped), free of what WeasyPrint cannot draw.
need '<img src="figures/ch01-plot-1.svg"'
need 'Rate &lt;against&gt; threads'
[ -s html/figures/ch01-plot-1.svg ] || { echo "the figure was not drawn"; fail=1; }
if grep -q '<use ' html/figures/ch01-plot-1.svg; then
    echo "the figure still has <use> markers, which WeasyPrint 57 cannot draw"; fail=1
fi
grep -q '^2 19.0$' html/figures/ch01-plot-1.dat || { echo "the data rows were not extracted"; fail=1; }
exit $fail
