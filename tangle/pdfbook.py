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

  pdfbook.py index --css PRINT.css --start START.css OUT.pdf CHAPTER.pdf:CHAPTER.print.html:CHAPTER.start.css...
      The book's index: every term a chapter defines (a <dfn> element,
      whose id is a named destination of the chapter's PDF), with the page of
      its definition in bold and the other pages whose text uses it.
  pdfbook.py instructor-copy HTML_DIR OUT_DIR
      The instructor edition's pages: a copy of HTML_DIR whose pages list
      the solutions (solutions.html) after the chapters.

A link of one chapter to another ("02-threads.html#dfn-data-race", as the
glossary's are) becomes, in the assembled book, a link to that place of the
book: the chapters are laid out apart, so WeasyPrint leaves it a link to a file.

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
    link_chapters(writer, readers, args.chapters, nfront)
    writer.add_metadata({"/Title": title, "/Creator": "tangle and WeasyPrint"})
    writer.page_mode = "/UseOutlines"

    tmp = "%s.tmp.%d" % (out, os.getpid())
    with open(tmp, "wb") as f:
        writer.write(f)
    os.replace(tmp, out)


def chapter_prefix(path):
    """The id prefix of a chapter's print page: "ch02-" for 02-threads.pdf; None for others."""
    m = re.match(r"(\d\d)-", os.path.basename(path))
    return "ch%s-" % m.group(1) if m else None


def link_chapters(writer, readers, paths, nfront):
    """Links to another chapter's page ("NN-slug.html#id") become links into the book."""
    from pypdf.generic import ArrayObject, FloatObject, NameObject, NullObject

    starts, offset = {}, nfront
    for reader, path in zip(readers, paths):
        starts[os.path.basename(path)[:-len(".pdf")]] = (reader, offset)
        offset += len(reader.pages)
    for page in writer.pages:
        for annot in page.get("/Annots") or []:
            a = annot.get_object()
            uri = str((a.get("/A") or {}).get("/URI", ""))
            m = re.search(r"(?:^|/)(\d\d-[A-Za-z0-9_-]+)\.html(?:#(.*))?$", uri)
            if not m or m.group(1) not in starts:
                continue
            reader, first = starts[m.group(1)]
            target, top = first, None
            dest = reader.named_destinations.get(chapter_prefix(m.group(1) + ".pdf") + (m.group(2) or ""))
            if m.group(2) and dest is not None:
                target = first + reader.get_destination_page_number(dest)
                top = dest.top
            del a[NameObject("/A")]
            a[NameObject("/Dest")] = ArrayObject([
                writer.pages[target].indirect_reference, NameObject("/XYZ"), NullObject(),
                FloatObject(top) if top is not None else NullObject(), NullObject()])


def page_texts(pdf):
    """The text of each page of @pdf (pdftotext separates pages with form feeds)."""
    import subprocess
    text = subprocess.run(["pdftotext", "-q", pdf, "-"], check=True, capture_output=True).stdout
    return text.decode("utf-8", "replace").split("\f")


def compress(pages):
    """12, 13, 14, 20 -> ["12–14", "20"]."""
    out, run = [], []
    for p in sorted(set(pages)):
        if run and p == run[-1] + 1:
            run.append(p)
            continue
        if run:
            out.append(str(run[0]) if len(run) == 1 else "%d–%d" % (run[0], run[-1]))
        run = [p]
    if run:
        out.append(str(run[0]) if len(run) == 1 else "%d–%d" % (run[0], run[-1]))
    return out


def cmd_index(args):
    """The index: terms, the page of their definition (bold), the pages that use them."""
    from pypdf import PdfReader
    import weasyprint

    terms, texts = {}, []   # term -> (definition page, key); texts: (book page, text)
    for part in args.parts:
        pdf, page_html, start_css = part.split(":")
        with open(start_css) as f:
            start = int(re.search(r"counter-reset: page (\d+)", f.read()).group(1))
        slug = os.path.basename(pdf)[:-len(".pdf")]
        if not slug.endswith("-glossary"):     # the glossary names every term: no use of one
            texts += [(start + i, t) for i, t in enumerate(page_texts(pdf))]
        with open(page_html, encoding="utf-8") as f:
            # pandoc writes [term]{.dfn #id} as <dfn id="id">term</dfn>
            spans = re.findall(r'<dfn\s+id="([^"]+)">(.*?)</dfn>', f.read(), re.S)
        if not spans:
            continue
        reader = PdfReader(pdf)
        dests = reader.named_destinations
        for ident, inner in spans:
            term = html.unescape(re.sub(r"<[^>]+>", "", inner)).strip()
            term = re.sub(r"\s+", " ", term)
            if ident in dests:
                terms[term] = start + reader.get_destination_page_number(dests[ident])
    entries = []
    for term in sorted(terms, key=lambda t: (t.lower(), t)):
        words = r"\s+".join(re.escape(w) for w in term.split())
        pattern = re.compile(r"(?<![\w-])" + words + r"(?:s|es)?(?![\w-])", re.I)
        used = [p for p, t in texts if p != terms[term] and pattern.search(t)]
        refs = compress(used)
        shown = refs[:14] + (["…"] if len(refs) > 14 else [])
        entries.append((term, terms[term], shown))
    rows, letter = [], None
    for term, page, refs in entries:
        first = term[0].upper()
        if first != letter:
            letter = first
            rows.append('<h2 class="index-letter">%s</h2>' % html.escape(letter))
        rows.append('<p class="index-entry">%s, <b>%d</b>%s</p>' % (
            html.escape(term), page, "".join(", " + html.escape(r) for r in refs)))
    if not entries:
        rows.append("<p>The book defines no terms.</p>")
    page = ("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Index</title>"
            "<style>.index-body { columns: 2; column-gap: 8mm; font-size: 8.6pt; }"
            ".index-letter { font-size: 10pt; bookmark-level: none; margin: 3mm 0 1mm; }"
            ".index-entry { margin: 0 0 .6mm 4mm; text-indent: -4mm; }</style></head><body>"
            "<h1>Index</h1><p class=\"index-note\">The page in bold defines the term; the others use it.</p>"
            "<div class=\"index-body\">%s</div></body></html>" % "\n".join(rows))
    pdf = weasyprint.HTML(string=page, base_url=os.path.dirname(os.path.abspath(args.css))) \
        .write_pdf(stylesheets=[args.css, args.start])
    write_if_changed(args.out, pdf)


def cmd_instructor_copy(src, dst):
    """The student pages, copied, with the solutions listed after the chapters."""
    import shutil
    tmp = dst + ".tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    shutil.copytree(src, tmp, ignore=shutil.ignore_patterns("*.tmp"))
    entry = '    <li><a href="solutions.html">Solutions to the exercises</a></li>\n'
    for name in os.listdir(tmp):
        if not name.endswith(".html") or name.endswith(".print.html"):
            continue
        path = os.path.join(tmp, name)
        with open(path, encoding="utf-8") as f:
            text = f.read()
        nav = text.find('<nav class="sidebar"')
        end = text.find("\n  </ol>\n", nav) + 1   # the end of the list of chapters
        if nav >= 0 and end > 0 and end < text.find("</nav>", nav):
            text = text[:end] + entry + text[end:]
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
    shutil.rmtree(dst, ignore_errors=True)
    os.replace(tmp, dst)


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
    if len(argv) > 1 and argv[1] == "index":
        import argparse
        p = argparse.ArgumentParser(prog="pdfbook.py index")
        p.add_argument("--css", required=True)
        p.add_argument("--start", required=True)
        p.add_argument("out")
        p.add_argument("parts", nargs="+")
        return cmd_index(p.parse_args(argv[2:]))
    if len(argv) == 4 and argv[1] == "instructor-copy":
        return cmd_instructor_copy(argv[2], argv[3])
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
