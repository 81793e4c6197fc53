# print-slim.sed - lighten the print pages for WeasyPrint, which spends its
# time on inline boxes: pandoc wraps every code line in a span holding a line
# anchor, and every operator in a span the print stylesheet does not colour.
# Neither shows on paper. Removing them halves the layout time of a chapter.
s#<span id="[^"]*cb[0-9]+-[0-9]+"><a href="\#[^"]*" aria-hidden="true" tabindex="-1"></a>(.*)</span>((</code></pre>)?(</div>)?)$#\1\2#
s#<span class="op">([^<]*)</span>#\1#g
