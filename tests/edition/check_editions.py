#!/usr/bin/python3
"""check_editions.py SOURCE BUILD - the two editions of the book, and what
the PDF gains beyond the chapters.

The student edition (BUILD/html, BUILD/md, BUILD/pdf/book.pdf) holds no
solution: no line of a reference solution's program that its starting file
does not have, and no paragraph of a solution's text, appears in any of its
pages, print pages, woven chapters or in the PDF's text. The instructor
edition (BUILD/html-instructor, BUILD/pdf/instructor.pdf) holds every one of
them, and each of its chapter pages links to the solutions. The exercises
are read from the build's manifest (lit_exercise, tangle/manifest.h).

The glossary's terms are in alphabetical order. The PDF: its index lists every term the book defines, and the page it gives
in bold for a term holds that term; the glossary's links are links into the
book (the chapters are laid out apart, so a link to another chapter's page
would otherwise leave the PDF), each to a page that holds its term.
"""
import glob
import json
import html
import html.parser
import os
import re
import subprocess
import sys


class Text(html.parser.HTMLParser):
    """The text of a page, and the paragraphs of its solutions (section or div ids solution-*)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts, self.paragraphs, self.stack, self.para = [], [], [], None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.stack.append(tag)
        if tag == "p":
            self.para = []

    def handle_endtag(self, tag):
        while self.stack and self.stack.pop() != tag:
            pass
        if tag == "p" and self.para is not None:
            self.paragraphs.append(squeeze("".join(self.para)))
            self.para = None

    def handle_data(self, data):
        self.parts.append(data)
        if self.para is not None:
            self.para.append(data)


def squeeze(s):
    return re.sub(r"\s+", " ", s).strip()


def page_text(path):
    t = Text()
    with open(path, encoding="utf-8") as f:
        t.feed(f.read())
    return t


def pdf_text(path):
    return subprocess.run(["pdftotext", "-q", path, "-"], check=True, capture_output=True).stdout.decode()


def exercises(build):
    with open(os.path.join(build, "gen", "manifest.cmake")) as f:
        for line in f:
            m = re.match(r"lit_exercise\((\S+) CHAPTER (\S+) STARTER (\S+) ", line)
            if m:
                yield m.group(1), m.group(2), m.group(3)


def snippet_lines(source, skip):
    """Every line of every file of snippets/ but @skip's, stripped."""
    seen = set()
    for path in glob.glob(os.path.join(source, "snippets", "**", "*.[ch]"), recursive=True):
        if os.path.relpath(path, os.path.join(source, "snippets")) not in skip:
            with open(path, encoding="utf-8") as f:
                seen.update(l.strip() for l in f)
    return seen


def solution_lines(source, starter):
    """The lines that only the reference solution has: not its starting file, no other file of the book."""
    solution = starter[len("exercises/"):]
    elsewhere = snippet_lines(source, {solution})
    with open(os.path.join(source, "snippets", solution), encoding="utf-8") as f:
        lines = [l.strip() for l in f]
    return [l for l in lines[1:] if len(l) >= 12 and not any(l in e for e in elsewhere)]


def code_part(line):
    """A line without its trailing comment, which a PDF's text may set apart from the code."""
    return squeeze(re.sub(r"/\*.*?\*/\s*$", "", line))


def main(argv):
    source, build = argv[1], argv[2]
    problems = []
    student_pages = sorted(glob.glob(os.path.join(build, "html", "*.html")))
    student_md = sorted(glob.glob(os.path.join(build, "md", "[0-9][0-9]-*.md")))
    student_md = [p for p in student_md if not p.endswith(".solutions.md")]
    instructor = os.path.join(build, "html-instructor")
    if not os.path.exists(os.path.join(instructor, "solutions.html")) or \
            not os.path.exists(os.path.join(build, "pdf", "instructor.pdf")):
        print("no instructor edition in %s: make instructor (make test builds it)" % build)
        return 1
    if os.path.exists(os.path.join(build, "html", "solutions.html")):
        problems.append("the student edition has a solutions page")
    texts = {p: squeeze("".join(page_text(p).parts)) for p in student_pages}
    mds = {}
    for p in student_md:
        with open(p, encoding="utf-8") as f:
            mds[p] = f.read()
    book_pdf = squeeze(pdf_text(os.path.join(build, "pdf", "book.pdf")))
    # The search index is the student edition's too (tangle/search.h).
    with open(os.path.join(build, "html", "search-index.js"), encoding="utf-8") as f:
        index = json.loads(f.read().split("=", 1)[1].strip().rstrip(";"))
    search = squeeze(" ".join(d["t"] + " " + d["x"] for d in index["docs"]))
    solutions = page_text(os.path.join(instructor, "solutions.html"))
    solutions_text = squeeze("".join(solutions.parts))
    instructor_pdf = squeeze(pdf_text(os.path.join(build, "pdf", "instructor.pdf")))

    count = lines = 0
    for ident, chapter, starter in exercises(build):
        count += 1
        others = snippet_lines(source, {starter[len("exercises/"):]})
        for line in solution_lines(source, starter):
            lines += 1
            flat = squeeze(line)
            for p, t in texts.items():
                if flat in t:
                    problems.append("%s: the student page %s shows a line of its solution: %s"
                                    % (ident, os.path.basename(p), line))
            for p, t in mds.items():
                if line in t:
                    problems.append("%s: the woven chapter %s holds a line of its solution: %s"
                                    % (ident, os.path.basename(p), line))
            code = code_part(line)
            if len(code) >= 12 and code in book_pdf and not any(code in e for e in others):
                problems.append("%s: book.pdf shows a line of its solution: %s" % (ident, line))
            if len(code) >= 12 and squeeze(code) in search and not any(code in e for e in others):
                problems.append("%s: the search index holds a line of its solution: %s" % (ident, line))
            if flat not in solutions_text:
                problems.append("%s: the instructor's solutions page lacks: %s" % (ident, line))
            if len(code) >= 12 and code not in instructor_pdf:
                problems.append("%s: instructor.pdf lacks: %s" % (ident, line))
        if ("Exercise %s" % ident) not in solutions_text:
            problems.append("%s: the instructor's solutions page has no section for it" % ident)
    if not count:
        problems.append("the manifest lists no exercise")
    # The solutions' own words: no paragraph of the appendix is on a student page.
    prose = [p for p in solutions.paragraphs if len(p) > 60]
    for para in prose:
        probe = para[:80]
        for p, t in texts.items():
            if probe in t:
                problems.append("the student page %s shows a solution's text: %s..." % (os.path.basename(p), probe))
        if squeeze(probe) in search:
            problems.append("the search index holds a solution's text: %s..." % probe)
    # Every chapter page of the instructor edition lists the solutions (the
    # print pages, from which the PDF is made, have no list of chapters).
    for p in glob.glob(os.path.join(instructor, "[0-9][0-9]-*.html")):
        if p.endswith(".print.html"):
            continue
        with open(p, encoding="utf-8") as f:
            if 'href="solutions.html"' not in f.read():
                problems.append("%s lists no solutions" % p)

    problems += check_pdf(build)
    problems += check_glossary_order(source)
    for p in problems:
        print(p)
    print("%d exercises: %d lines of their solutions absent from the student edition and present in the "
          "instructor's, %d paragraphs of solution text checked; %d problems"
          % (count, lines, len(prose), len(problems)))
    return 1 if problems else 0


def check_glossary_order(source):
    """The glossary's terms are in alphabetical order (ignoring case), as its first sentence says."""
    with open(os.path.join(source, "book", "91-glossary.md"), encoding="utf-8") as f:
        terms = re.findall(r"^\[([^\]]+)\]\(", f.read(), re.M)
    return ["the glossary lists '%s' before '%s'" % (a, b)
            for a, b in zip(terms, terms[1:]) if a.lower() > b.lower()]


def check_pdf(build):
    """The index's and the glossary's pages of book.pdf."""
    from pypdf import PdfReader
    problems = []
    pdf = os.path.join(build, "pdf", "book.pdf")
    reader = PdfReader(pdf)
    labels = list(reader.page_labels)
    raw = pdf_text(pdf).split("\f")
    pages = [squeeze(t) for t in raw]
    index_at = [i for i, t in enumerate(pages) if "Index The page in bold defines the term" in t]
    if not index_at:
        return ["book.pdf has no index"]
    # One entry a line: "term, PAGE, other pages" (a long one goes on below, digits first).
    entries = [m.groups() for t in raw[index_at[0]:] for line in t.splitlines()
               for m in [re.match(r"^([A-Za-z][^,]*), (\d+)\b", line.strip())] if m]
    found = 0
    for term, page in entries:
        term = term.strip()
        if page not in labels:
            problems.append("the index gives page %s for '%s', which book.pdf does not have" % (page, term))
            continue
        found += 1
        if term.lower() not in pages[labels.index(page)].lower():
            problems.append("the index gives page %s for '%s', and that page does not hold it" % (page, term))
    if found < 20:
        problems.append("the index lists %d terms with their pages, fewer than the glossary" % found)
    # The glossary: its links are destinations in the book, on pages that hold their terms.
    glossary = [i for i, t in enumerate(pages) if "Glossary The terms the book defines" in t]
    if not glossary:
        return problems + ["book.pdf has no glossary"]
    links = 0
    for i in range(glossary[0], index_at[0]):
        for annot in reader.pages[i].get("/Annots") or []:
            a = annot.get_object()
            uri = str((a.get("/A") or {}).get("/URI", ""))
            if ".html" in uri:
                problems.append("the glossary (page %s) links out of the PDF: %s" % (labels[i], uri))
                continue
            dest = a.get("/Dest")
            if dest is None:
                continue
            reader.get_page_number(dest[0].get_object())
            links += 1
    if links < 20:
        problems.append("the glossary has %d links into the book, fewer than its terms" % links)
    print("book.pdf: an index of %d terms, each on its page; %d glossary links into the book" % (found, links))
    return problems


if __name__ == "__main__":
    sys.exit(main(sys.argv))
