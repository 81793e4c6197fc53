#!/usr/bin/python3
"""check_pages.py BUILD - open every page of the rendered book in headless
Chromium and fail on what a reader would hit: a console error or uncaught
exception, a broken internal link or image, a code block wider than the page
or a page that scrolls sideways, at desktop and at phone width, and at
desktop width a block that scrolls sideways inside the column. Saves a
screenshot of each page at each width (and in the dark theme) under
BUILD/screenshots/ for review. Then it uses the book as a reader would:
the numbers and the links between chapters, the search (a function's name
and a word of the prose, whose results must lead to the right sections),
every Copy button (clicked; the clipboard must hold what it sits on), the
figures in the dark theme, and the preview of make serve (an edit must
reload the open page by itself).

Talks to Chromium over the DevTools protocol with nothing but the standard
library: a minimal WebSocket client is below.
"""
import base64
import glob
import html.parser
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse

WIDTHS = [("desktop", 1280, 900, False), ("phone", 390, 844, True)]


class WebSocket:
    """Just enough of RFC 6455 for the DevTools protocol on localhost."""

    def __init__(self, url):
        u = urllib.parse.urlparse(url)
        self.sock = socket.create_connection((u.hostname, u.port), timeout=30)
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall(("GET %s HTTP/1.1\r\nHost: %s:%d\r\nUpgrade: websocket\r\n"
                           "Connection: Upgrade\r\nSec-WebSocket-Key: %s\r\n"
                           "Sec-WebSocket-Version: 13\r\n\r\n" % (u.path, u.hostname, u.port, key)).encode())
        response = b""
        while b"\r\n\r\n" not in response:
            chunk = self.sock.recv(4096)
            if not chunk:
                raise OSError("DevTools closed the connection during the handshake")
            response += chunk
        if b" 101 " not in response.split(b"\r\n", 1)[0]:
            raise OSError("WebSocket handshake refused: %r" % response[:200])
        self.buffer = response.split(b"\r\n\r\n", 1)[1]

    def send(self, text):
        data = text.encode()
        header = bytearray([0x81])
        if len(data) < 126:
            header.append(0x80 | len(data))
        elif len(data) < 65536:
            header += bytes([0x80 | 126]) + len(data).to_bytes(2, "big")
        else:
            header += bytes([0x80 | 127]) + len(data).to_bytes(8, "big")
        mask = os.urandom(4)
        self.sock.sendall(bytes(header) + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(data)))

    def _read(self, n):
        while len(self.buffer) < n:
            chunk = self.sock.recv(1 << 20)
            if not chunk:
                raise OSError("DevTools closed the connection")
            self.buffer += chunk
        data, self.buffer = self.buffer[:n], self.buffer[n:]
        return data

    def recv(self):
        message = b""
        while True:
            b0, b1 = self._read(2)
            length = b1 & 0x7F
            if length == 126:
                length = int.from_bytes(self._read(2), "big")
            elif length == 127:
                length = int.from_bytes(self._read(8), "big")
            payload = self._read(length)
            opcode = b0 & 0x0F
            if opcode == 9:                      # ping
                continue
            if opcode == 8:
                raise OSError("DevTools closed the WebSocket")
            message += payload
            if b0 & 0x80:
                return message.decode()


class Browser:
    def __init__(self, executable):
        self.profile = tempfile.mkdtemp(prefix="chromium-")
        # Chromium makes temporary directories of its own: inside the profile,
        # which close() removes, rather than in the suite's TMPDIR.
        env = dict(os.environ, TMPDIR=self.profile)
        self.proc = subprocess.Popen(
            [executable, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
             "--no-first-run", "--disable-background-networking", "--disable-component-update",
             "--disable-sync", "--hide-scrollbars", "--allow-file-access-from-files",
             "--user-data-dir=" + self.profile, "--remote-debugging-port=0", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
        port_file = os.path.join(self.profile, "DevToolsActivePort")
        for _ in range(300):
            if os.path.exists(port_file) and open(port_file).read().count("\n") >= 1:
                break
            time.sleep(0.1)
        else:
            self.close()
            raise OSError("Chromium did not start")
        port, path = open(port_file).read().split("\n")[:2]
        self.ws = WebSocket("ws://127.0.0.1:%s%s" % (port, path))
        self.next_id = 0
        self.events = []
        target = self.call("Target.createTarget", url="about:blank")["targetId"]
        self.session = self.call("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        for domain in ("Page", "Runtime", "Log"):
            self.call(domain + ".enable", session=True)

    def call(self, method, session=False, **params):
        self.next_id += 1
        message = {"id": self.next_id, "method": method, "params": params}
        if session:
            message["sessionId"] = self.session
        self.ws.send(json.dumps(message))
        while True:
            reply = json.loads(self.ws.recv())
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise OSError("%s: %s" % (method, reply["error"]))
                return reply.get("result", {})
            self.events.append(reply)

    def wait_for(self, method, timeout=30):
        deadline = time.time() + timeout
        while time.time() < deadline:
            for i, e in enumerate(self.events):
                if e.get("method") == method:
                    del self.events[i]
                    return e
            self.events.append(json.loads(self.ws.recv()))
        raise OSError("timed out waiting for " + method)

    def close(self):
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        shutil.rmtree(self.profile, ignore_errors=True)


class Links(html.parser.HTMLParser):
    """The ids of a page and the targets of its links and images."""

    def __init__(self):
        super().__init__()
        self.ids, self.hrefs, self.srcs = set(), [], []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a:
            self.ids.add(a["id"])
        if "name" in a and tag == "a":
            self.ids.add(a["name"])
        if tag == "a" and a.get("href"):
            self.hrefs.append(a["href"])
        if tag in ("img", "script") and a.get("src"):
            self.srcs.append(a["src"])
        if tag == "link" and a.get("href"):
            self.srcs.append(a["href"])


PARSED = {}


def parse(path):
    if path not in PARSED:
        p = Links()
        with open(path, encoding="utf-8", errors="replace") as f:
            p.feed(f.read())
        PARSED[path] = p
    return PARSED[path]


def check_links(page):
    """Internal links and resources of @page that lead nowhere."""
    problems = []
    here = os.path.dirname(page)
    parsed = parse(page)
    for href in parsed.hrefs + parsed.srcs:
        u = urllib.parse.urlparse(href)
        if u.scheme or u.netloc:
            continue                                   # external: not ours to check
        target = os.path.normpath(os.path.join(here, urllib.parse.unquote(u.path))) if u.path else page
        if not os.path.exists(target):
            problems.append("broken link %s (no %s)" % (href, os.path.relpath(target)))
        elif u.fragment and target.endswith(".html") and u.fragment not in parse(target).ids:
            problems.append("broken link %s (no id %s in %s)" % (href, u.fragment, os.path.basename(target)))
    return problems


MEASURE = r"""
(() => {
  const width = document.documentElement.clientWidth;
  const out = {wide: [], images: [], scroll: document.documentElement.scrollWidth - width};
  for (const el of document.querySelectorAll('pre, div.sourceCode, table, figure, img')) {
    const r = el.getBoundingClientRect();
    if (r.width > 0 && (r.right > width + 1 || r.left < -1))
      out.wide.push(el.tagName.toLowerCase() + ' ' + (el.textContent || el.src || '').trim().slice(0, 50));
  }
  // A block that fits the page but scrolls inside it: the reader must scroll to read it.
  out.scrolls = [...document.querySelectorAll('pre')].filter(p => p.scrollWidth > p.clientWidth + 1)
    .map(p => (p.innerText.split('\n').reduce((a, l) => l.length > a.length ? l : a, '')).trim().slice(0, 60));
  for (const img of document.images)
    if (!img.complete || img.naturalWidth === 0) out.images.push(img.getAttribute('src'));
  return JSON.stringify(out);
})()
"""


def check_page(browser, page, shots):
    problems = check_links(page)
    name = os.path.basename(page)[:-5]
    url = "file://" + os.path.abspath(page)
    for label, width, height, mobile in WIDTHS:
        for scheme in (["light", "dark"] if label == "desktop" else ["light"]):
            browser.events.clear()
            browser.call("Emulation.setDeviceMetricsOverride", session=True, width=width,
                         height=height, deviceScaleFactor=1, mobile=mobile)
            browser.call("Emulation.setEmulatedMedia", session=True,
                         features=[{"name": "prefers-color-scheme", "value": scheme}])
            browser.call("Page.navigate", session=True, url=url)
            browser.wait_for("Page.loadEventFired")
            time.sleep(0.2)                            # let late console messages arrive
            result = browser.call("Runtime.evaluate", session=True, expression=MEASURE,
                                  returnByValue=True)
            m = json.loads(result["result"]["value"])
            for e in browser.events:
                method, params = e.get("method"), e.get("params", {})
                if method == "Runtime.exceptionThrown":
                    problems.append("%s: uncaught exception: %s" % (label, params["exceptionDetails"].get("text")))
                elif method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
                    problems.append("%s: console error: %s" % (label, [a.get("value") for a in params.get("args", [])]))
                elif method == "Log.entryAdded" and params["entry"].get("level") == "error":
                    problems.append("%s: %s" % (label, params["entry"].get("text")))
            if m["scroll"] > 1:
                problems.append("%s: the page scrolls sideways by %dpx" % (label, m["scroll"]))
            if not mobile:                             # on a phone, blocks scroll (cleanly: checked above)
                for w in m["scrolls"]:
                    problems.append("%s: a block scrolls sideways at %dpx: %s" % (label, width, w))
            for w in m["wide"]:
                problems.append("%s: wider than the page: %s" % (label, w))
            for i in m["images"]:
                problems.append("%s: image did not load: %s" % (label, i))
            suffix = "-dark" if scheme == "dark" else ""
            shot = browser.call("Page.captureScreenshot", session=True, format="png")
            with open(os.path.join(shots, "%s-%s%s.png" % (name, label, suffix)), "wb") as f:
                f.write(base64.b64decode(shot["data"]))
            # A second view: the first program and its run, where most styling is.
            found = browser.call("Runtime.evaluate", session=True, returnByValue=True, expression=
                                 "(() => { const e = document.querySelector('.chunk-head');"
                                 " if (!e) return false; e.scrollIntoView(); return true; })()")
            if found["result"].get("value"):
                shot = browser.call("Page.captureScreenshot", session=True, format="png")
                with open(os.path.join(shots, "%s-%s%s-code.png" % (name, label, suffix)), "wb") as f:
                    f.write(base64.b64decode(shot["data"]))
    return ["%s: %s" % (os.path.basename(page), p) for p in sorted(set(problems))]


def evaluate(browser, expression):
    result = browser.call("Runtime.evaluate", session=True, expression=expression, returnByValue=True,
                          awaitPromise=True)
    if "exceptionDetails" in result:
        raise OSError("%s: %s" % (expression[:60], result["exceptionDetails"].get("text")))
    return result["result"].get("value")


def open_page(browser, url, width=1280, height=900, mobile=False, scheme="light"):
    browser.call("Emulation.setDeviceMetricsOverride", session=True, width=width, height=height,
                 deviceScaleFactor=1, mobile=mobile)
    browser.call("Emulation.setEmulatedMedia", session=True,
                 features=[{"name": "prefers-color-scheme", "value": scheme}])
    browser.events.clear()
    browser.call("Page.navigate", session=True, url=url)
    browser.wait_for("Page.loadEventFired")


def check_numbers(browser, html):
    problems = []
    open_page(browser, "file://" + os.path.join(html, "02-threads.html"))
    got = json.loads(evaluate(browser, """JSON.stringify({
      h1: document.querySelector('h1').innerText,
      h2: document.querySelector('h2').innerText,
      xrefs: [...document.querySelectorAll('a.xref')].map(a => [a.innerText, a.getAttribute('href')])})"""))
    if not got["h1"].startswith("2") or "Threads" not in got["h1"]:
        problems.append("numbers: the title of Chapter 2 reads %r" % got["h1"])
    if not got["h2"].startswith("2.1"):
        problems.append("numbers: the first section of Chapter 2 reads %r, not 2.1 ..." % got["h2"])
    if ["Chapter 1", "01-parallel.html"] not in got["xrefs"]:
        problems.append("references: no link 'Chapter 1' to 01-parallel.html in Chapter 2: %s" % got["xrefs"][:4])
    if not any(t.startswith("Section 1.") and h.startswith("01-parallel.html#sec-") for t, h in got["xrefs"]):
        problems.append("references: no link to a section of Chapter 1 in Chapter 2: %s" % got["xrefs"][:4])
    return problems


def check_search(browser, html):
    """Type a query in the box of the front page; the results must lead to the right sections."""
    problems = []
    # (query, the page its first results must include, a word that section's text holds)
    for query, page in (("pthread_barrier_wait", "02-threads.html"), ("descheduled", "04-mpi.html")):
        open_page(browser, "file://" + os.path.join(html, "index.html"))
        evaluate(browser, "(() => { const b = document.getElementById('search-box'); b.focus();"
                          " b.value = %s; b.dispatchEvent(new Event('input')); })()" % json.dumps(query))
        hits = []
        for _ in range(100):
            time.sleep(0.1)
            hits = evaluate(browser, "[...document.querySelectorAll('#search-results a.search-hit')]"
                                     ".map(a => a.getAttribute('href'))")
            if hits:
                break
        if not hits:
            problems.append("search: %r finds nothing" % query)
            continue
        if not any(h.startswith(page + "#") for h in hits[:3]):
            problems.append("search: %r leads to %s, not to a section of %s" % (query, hits[:3], page))
            continue
        # The section a result leads to holds the query: follow the first link there.
        target = next(h for h in hits if h.startswith(page + "#"))
        open_page(browser, "file://" + os.path.join(html, target.split("#")[0]))
        text = evaluate(browser, """(() => { const h = document.getElementById(%s);
          const s = h && (h.closest('section') || h.parentElement); return s ? s.innerText : ''; })()"""
                        % json.dumps(target.split("#")[1]))
        if query.lower() not in text.lower():
            problems.append("search: %r leads to %s, whose section does not hold it" % (query, target))
    return problems


def check_copy(browser, html):
    """One Copy button per block; clicked, the clipboard holds what it sits on."""
    problems = []
    browser.call("Browser.grantPermissions", permissions=["clipboardReadWrite", "clipboardSanitizedWrite"])
    browser.call("Emulation.setFocusEmulationEnabled", session=True, enabled=True)
    for page in ("01-parallel.html", "04-mpi.html"):
        open_page(browser, "file://" + os.path.join(html, page))
        counts = json.loads(evaluate(browser, """JSON.stringify({
          runs: [...document.querySelectorAll('div.run')].map(r => r.querySelectorAll('.copy-button').length),
          code: [...document.querySelectorAll('div.sourceCode')].filter(b => !b.closest('div.run'))
                  .map(b => b.querySelectorAll('.copy-button').length).concat(
                [...document.querySelectorAll('pre')].filter(p => !p.closest('div.run, div.sourceCode'))
                  .map(p => p.parentNode.classList.contains('plain-block') ?
                       p.parentNode.querySelectorAll(':scope > .copy-button').length : 0)),
          total: document.querySelectorAll('.copy-button').length})"""))
        bad = [n for n in counts["runs"] + counts["code"] if n != 1]
        if bad or not counts["runs"]:
            problems.append("copy: %s: blocks with %s buttons (each must have exactly one)" % (page, sorted(set(bad))))
        if counts["total"] != len(counts["runs"]) + len(counts["code"]):
            problems.append("copy: %s: %d buttons for %d blocks" % (page, counts["total"],
                                                                  len(counts["runs"]) + len(counts["code"])))
        for kind, selector, want in (
                ("run", "div.run", "r.querySelector('.command').innerText.replace(/^\\$ /, '').trim()"),
                ("code", "div.sourceCode", "r.querySelector('pre').innerText.trim()")):
            got = json.loads(evaluate(browser, """(async () => {
              const r = document.querySelector('%s');
              const want = %s;
              r.querySelector('.copy-button').click();
              await new Promise(ok => setTimeout(ok, 300));
              return JSON.stringify([want, (await navigator.clipboard.readText()).trim()]); })()""" % (selector, want)))
            if got[0] != got[1] or not got[0]:
                problems.append("copy: %s: the first %s block's button copied %r, not %r" % (page, kind, got[1][:60], got[0][:60]))
    return problems


def check_dark_figures(browser, html):
    open_page(browser, "file://" + os.path.join(html, "04-mpi.html"), scheme="dark")
    got = evaluate(browser, "[...document.querySelectorAll('.figure img')].map(i => getComputedStyle(i).filter)")
    if not got or any("invert" not in f for f in got):
        return ["dark: the figures of 04-mpi.html are not inverted in the dark theme: %s" % got]
    return []


def check_preview(browser, build):
    """make serve's machinery: an edit under a watched directory runs the build, and the open page reloads."""
    serve = os.path.join(build, "toolchain", "serve")
    work = tempfile.mkdtemp(prefix="preview-")
    problems = []
    server = None
    try:
        os.makedirs(os.path.join(work, "html"))
        os.makedirs(os.path.join(work, "book"))
        with open(os.path.join(work, "html", "page.html"), "w") as f:
            f.write("<!DOCTYPE html><html><body><p id=v>before</p></body></html>")
        # The "build": what make serve's would do to the page after this edit.
        script = "sed 's/before/after/' %s/html/page.html > %s/html/page.tmp && mv %s/html/page.tmp %s/html/page.html" % ((work,) * 4)
        server = subprocess.Popen([serve, "--html", work + "/html", "--watch", work + "/book", "--port", "0",
                                   "--build", "sh", "-c", script],
                                  stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        port = int(server.stdout.readline().split("127.0.0.1:")[1].split("/")[0])
        open_page(browser, "http://127.0.0.1:%d/page.html" % port)
        evaluate(browser, "window.notReloaded = true")
        time.sleep(0.5)                                       # the page subscribes
        with open(os.path.join(work, "book", "01-x.md"), "w") as f:
            f.write("# An edit\n")
        for _ in range(100):
            time.sleep(0.1)
            try:
                state = evaluate(browser, "[document.getElementById('v') && document.getElementById('v').innerText,"
                                          " !!window.notReloaded]")
            except OSError:
                continue                                      # reloading
            if state and state[0] == "after" and not state[1]:
                break
        else:
            problems.append("preview: an edit did not reload the open page (it shows %s)" % state)
    finally:
        if server:
            server.terminate()
            server.wait()
        shutil.rmtree(work, ignore_errors=True)
    return problems


def main(argv):
    if len(argv) != 2:
        sys.stderr.write("usage: check_pages.py BUILD\n")
        return 2
    build = argv[1]
    chromium = shutil.which("chromium")
    if not chromium:
        print("chromium is not installed: run 'make deps'")
        return 1
    pages = sorted(p for p in glob.glob(os.path.join(build, "html", "*.html"))
                   if not p.endswith(".print.html"))
    # The instructor edition's own page (its others are copies of these).
    pages += glob.glob(os.path.join(build, "html-instructor", "solutions.html"))
    if not pages:
        print("no pages in %s/html" % build)
        return 1
    shots = os.path.join(build, "screenshots")
    os.makedirs(shots, exist_ok=True)
    browser = Browser(chromium)
    problems = []
    html = os.path.abspath(os.path.join(build, "html"))
    try:
        for page in pages:
            problems += check_page(browser, page, shots)
        for check in (check_numbers, check_search, check_copy, check_dark_figures):
            problems += check(browser, html)
        problems += check_preview(browser, os.path.abspath(build))
    finally:
        browser.close()
    for p in problems:
        print(p)
    print("%d pages checked at %s widths, screenshots in %s; %d problems"
          % (len(pages), "/".join(w[0] for w in WIDTHS), shots, len(problems)))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
