#!/usr/bin/python3
"""pdfbook.py - assemble the book's PDF from its chapters' PDFs.

Each chapter is laid out on its own by WeasyPrint (the slow step), with page
numbers that continue from the chapter before it, so that a prose edit lays
out one chapter again, not the book. This script does the rest:

  pdfbook.py pages CHAPTER.pdf OUT.pages
      Write the chapter's page count, only when it changed.
  pdfbook.py start PREVIOUS.css PREVIOUS.pages OUT.css
      The page-number reset of the next chapter (the first gets "start 1").
  pdfbook.py assemble --meta INDEX.meta.json --front FRONT.html --css PRINT.css OUT.pdf CHAPTER.pdf...
      Lay out the front matter (cover, contents with page numbers, numbered
      in roman), then join it and the chapters, keeping every chapter's
      bookmarks and links, turning the contents and the links between
      chapters ("book:ID", tangle/weave.h) into links inside the book, and
      labelling the pages as they are printed (i, ii, 1, 2, ...). Written
      atomically; a link between chapters that leads nowhere is an error.

Outputs are written only when their bytes change, so the build re-does only
what a change really affects.
"""
import hashlib
import html
import os
import re
import string
import sys

START = "@page :first {{ counter-reset: page {0}; }}\n"


def write_if_changed(path, data):
    if os.path.exists(path):
        with open(path, "rb") as f:
            if f.read() == data:
                return
    tmp = "%s.tmp.%d" % (path, os.getpid())
    with open(tmp, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def cmd_pages(pdf, out):
    from pypdf import PdfReader
    write_if_changed(out, b"%d\n" % len(PdfReader(pdf).pages))


def cmd_start(previous_css, previous_pages, out):
    with open(previous_css) as f:
        start = int(re.search(r"counter-reset: page (\d+)", f.read()).group(1))
    with open(previous_pages) as f:
        pages = int(f.read())
    write_if_changed(out, START.format(start + pages).encode())


def outline_entries(reader, offset):
    """(level, title, page index in the book) for a chapter's bookmarks."""
    entries = []

    def walk(items, level):
        for item in items:
            if isinstance(item, list):
                walk(item, level + 1)
            else:
                entries.append((level, item.title, offset + reader.get_destination_page_number(item)))
    walk(reader.outline, 1)
    return entries


def contents_html(chapters, first_page):
    """The contents: chapters and their sections, each a link to its page."""
    rows = []
    for index, (level, title, page) in enumerate(chapters):
        if level > 2:
            continue
        rows.append('<li class="toc-level%d"><a href="pdfdest:%d" data-page="%d">%s</a></li>'
                    % (level, index, page - first_page + 1, html.escape(title)))
    return '<ul class="toc">\n%s\n</ul>' % "\n".join(rows)


def front_matter(page, front, css, cache):
    """The front matter's PDF, laid out again only when its HTML changed."""
    if os.path.exists(cache + ".html") and os.path.exists(cache + ".pdf"):
        with open(cache + ".html") as f:
            if f.read() == page:
                return cache + ".pdf"
    import weasyprint
    pdf = weasyprint.HTML(string=page, base_url=os.path.dirname(os.path.abspath(front))) \
        .write_pdf(stylesheets=[css])
    write_if_changed(cache + ".pdf", pdf)
    write_if_changed(cache + ".html", page.encode())
    return cache + ".pdf"


def cmd_assemble(args):
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import (ArrayObject, DictionaryObject, FloatObject, NameObject,
                               NumberObject, TextStringObject)

    import json
    with open(args.meta) as f:
        title = json.load(f)["title"]
    front, css, out = args.front, args.css, args.out
    readers = [PdfReader(p) for p in args.chapters]

    # The chapters' bookmarks, with their pages counted from the first chapter.
    entries, offset = [], 0
    for r in readers:
        entries += outline_entries(r, offset)
        offset += len(r.pages)

    with open(front) as f:
        template = string.Template(f.read())
    page = template.substitute(title=html.escape(title), contents=contents_html(entries, 0))
    with open(css, "rb") as f:
        page += "<!-- %s -->" % hashlib.sha256(f.read()).hexdigest()  # a stylesheet edit lays it out again
    front_path = front_matter(page, front, css, out + ".front")
    nfront = len(PdfReader(front_path).pages)

    # Where each element with an id is: its chapter's named destinations, the
    # print pages' ids, unique in the book (pandoc's --id-prefix chNN-).
    targets, offset = {}, nfront
    for r in readers:
        for name, dest in r.named_destinations.items():
            targets[str(name)] = (offset + r.get_destination_page_number(dest),
                                  float(dest.get("/Left") or 0), float(dest.get("/Top") or 0))
        offset += len(r.pages)

    writer = PdfWriter()
    writer.append(front_path, import_outline=False)
    for path in args.chapters:
        writer.append(path, import_outline=True)

    # A link to another chapter is "book:ID" in its print page (tangle/weave.h):
    # here it becomes a link inside the book. One that leads nowhere stops the build.
    dangling = []
    for number, p in enumerate(writer.pages):
        for annot in p.get("/Annots") or []:
            a = annot.get_object()
            uri = str((a.get("/A") or {}).get("/URI", ""))
            if not uri.startswith("book:"):
                continue
            if uri[5:] not in targets:
                dangling.append("page %d: %s" % (number + 1, uri))
                continue
            page, left, top = targets[uri[5:]]
            del a[NameObject("/A")]
            a[NameObject("/Dest")] = ArrayObject([
                writer.pages[page].indirect_reference, NameObject("/XYZ"),
                FloatObject(left), FloatObject(top), NumberObject(0)])
    if dangling:
        sys.stderr.write("%s: error: links to no element of the book:\n  %s\n" % (out, "\n  ".join(dangling)))
        sys.exit(1)

    # Contents entries become links to the bookmarks' destinations.
    for p in writer.pages[:nfront]:
        for annot in p.get("/Annots") or []:
            a = annot.get_object()
            uri = str((a.get("/A") or {}).get("/URI", ""))
            if not uri.startswith("pdfdest:"):
                continue
            level, _, target = entries[int(uri[len("pdfdest:"):])]
            del a[NameObject("/A")]
            a[NameObject("/Dest")] = ArrayObject([
                writer.pages[nfront + target].indirect_reference, NameObject("/Fit")])

    # Page labels: roman numerals for the front matter, then 1, 2, ...
    writer._root_object[NameObject("/PageLabels")] = DictionaryObject({
        NameObject("/Nums"): ArrayObject([
            NumberObject(0), DictionaryObject({NameObject("/S"): NameObject("/r")}),
            NumberObject(nfront), DictionaryObject({NameObject("/S"): NameObject("/D")}),
        ])})
    writer.add_metadata({"/Title": title, "/Creator": "tangle and WeasyPrint"})
    writer.page_mode = "/UseOutlines"

    tmp = "%s.tmp.%d" % (out, os.getpid())
    with open(tmp, "wb") as f:
        writer.write(f)
    os.replace(tmp, out)


def main(argv):
    if len(argv) == 4 and argv[1] == "pages":
        return cmd_pages(argv[2], argv[3])
    if len(argv) == 5 and argv[1] == "start":
        return cmd_start(argv[2], argv[3], argv[4])
    if len(argv) > 1 and argv[1] == "assemble":
        import argparse
        p = argparse.ArgumentParser(prog="pdfbook.py assemble")
        p.add_argument("--meta", required=True)
        p.add_argument("--front", required=True)
        p.add_argument("--css", required=True)
        p.add_argument("out")
        p.add_argument("chapters", nargs="+")
        return cmd_assemble(p.parse_args(argv[2:]))
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
