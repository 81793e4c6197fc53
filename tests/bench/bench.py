#!/usr/bin/python3
"""bench.py SOURCE OUT - the book's performance report (make bench).

1. tangle against noweb's notangle on generated documents of 1, 10 and 100 MB
   (the same program in both syntaxes; the outputs are compared), timed side
   by side with hyperfine: throughput, the ratio, and time per MB by size.
2. The build, in a fresh clone: a cold make, a no-op make, a prose-only edit
   and a one-program edit. The rebuilds are checked, not only timed: a prose
   edit must compile and run nothing, a program edit must compile and run
   that program alone. A rebuild that does more fails the benchmark.
3. The examples against the limits they chase, read from the fresh clone's
   outputs (measured there in the same runs), and the whole book's run time.
4. The examples against the tools a reader would compare them with, side by
   side, RUNS times each, alternating: Chapter 1's add against numpy (the same
   arrays; the sums of c's bit patterns compared), Chapter 4's ping-pong
   against mpi4py; and each against its limit measured the same way.
   Every figure is the median of the runs, with its spread (max - min over
   the median); a spread over WIDE is flagged, and its verdict is not taken.
5. The preview (make serve): a prose edit of a chapter until the open page
   is told to reload, side by side with pandoc alone rendering that chapter,
   alternately, medians of 9 (bench.py SOURCE OUT --only serve measures this
   alone, in SOURCE's own build). A preview that re-runs CMake's configure
   for a prose edit fails the benchmark.

Timings are reported against their targets; only the rebuild checks fail.
The report is printed and written to OUT/report.txt.
"""
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import time

TARGETS = {
    "tangle_ratio": 5.0,        # at least 5 x notangle's throughput
    "noop_s": 1.0,
    "prose_s": 3.0,
    "add_copy": 0.80,           # data-parallel add at 80% of the copy bandwidth
    "speedup": 1.8,             # CPU-bound work with 2 threads, with 2 processes
    "runs_s": 40.0,             # every run block of the book
    "pingpong_shm": 0.80,       # ping-pong at 80% of the two-process shared-memory copy
}
RUNS = 5            # runs of each side-by-side measurement
WIDE = 0.30         # a spread above this is too wide to judge

lines = []
failures = []


def say(text=""):
    print(text, flush=True)
    lines.append(text)


def run(cmd, cwd=None, env=None):
    """Run a shell command; its output and wall time."""
    start = time.monotonic()
    p = subprocess.run(cmd, shell=True, cwd=cwd, env=env, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, text=True)
    return p.returncode, p.stdout, time.monotonic() - start


def verdict(ok):
    return "ok" if ok else "MISSED"


def tangle_vs_notangle(source, out):
    say("## 1. tangle against notangle (generated documents, outputs compared)")
    work = "/dev/shm/book-bench-%d" % os.getpid() if os.path.isdir("/dev/shm") else os.path.join(out, "tangle")
    os.makedirs(work + "/book", exist_ok=True)
    gen = os.path.join(out, "genbook")
    rc, text, _ = run("cc -O2 -std=c17 -o %s %s/tests/bench/genbook.c" % (gen, source))
    if rc:
        failures.append("cannot build genbook: " + text)
        return
    tangle = os.path.join(source, "build/toolchain/tangle")
    say("%8s %14s %14s %8s %16s" % ("size", "tangle MB/s", "notangle MB/s", "ratio", "tangle s per MB"))
    per_mb = []
    ratios = []
    try:
        for mb in (1, 10, 100):
            md, nw = work + "/book/01-bench.md", work + "/bench.nw"
            run("%s %d %s %s" % (gen, mb * 1000000, md, nw))
            size = os.path.getsize(md) / 1e6
            json_out = os.path.join(out, "tangle-%d.json" % mb)
            rc, text, _ = run(
                "hyperfine --style none --warmup 1 --runs %d --export-json %s "
                "--prepare 'rm -rf %s/o %s/g' "
                "'%s --snippets %s/o --gen %s/g book/01-bench.md' "
                "'notangle -Rmain.c bench.nw > %s/nt.c'"
                % (10 if mb < 100 else 5, json_out, work, work, tangle, work, work, work), cwd=work)
            if rc:
                failures.append("hyperfine failed: " + text[-500:])
                return
            with open(json_out) as f:
                results = json.load(f)["results"]
            t_tangle, t_notangle = results[0]["median"], results[1]["median"]
            # The same program: tangle's file minus its one header line. (The
            # timed runs' outputs were removed by --prepare before notangle's.)
            run("rm -rf o g && %s --snippets o --gen g book/01-bench.md && notangle -Rmain.c bench.nw > nt.c"
                % tangle, cwd=work)
            with open(work + "/o/bench/main.c") as a, open(work + "/nt.c") as b:
                a.readline()
                if a.read() != b.read():
                    failures.append("tangle and notangle disagree on the %d MB document" % mb)
            ratio = t_notangle / t_tangle
            ratios.append(ratio)
            per_mb.append(t_tangle / size)
            say("%6d MB %14.0f %14.0f %7.2fx %16.4f" % (mb, size / t_tangle, size / t_notangle, ratio,
                                                       t_tangle / size))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    # At every size: at 1 MB, starting the process is a third of tangle's time.
    say("target: at least %.0fx notangle's throughput at every size: %s (%s)"
        % (TARGETS["tangle_ratio"], verdict(min(ratios) >= TARGETS["tangle_ratio"]),
           ", ".join("%.2fx" % r for r in ratios)))
    growth = per_mb[-1] / per_mb[0]
    say("(medians of hyperfine's runs)")
    say("time per MB at 100 MB over time per MB at 1 MB: %.2f (1.00 is linear)" % growth)
    say()
    many_roots(source, out, gen)


def many_roots(source, out, gen):
    """The other shape: many small roots. What grows is the bookkeeping of
    roots and files (names looked up, files staged and recorded), which must
    stay linear: the time per root at 20,000 roots against 2,000."""
    say("## 1b. tangle on many small roots (a file each, in directories of 100)")
    work = os.path.join(out, "roots")
    tangle = os.path.join(source, "build/toolchain/tangle")
    say("%8s %10s %14s" % ("roots", "tangle s", "ms per 1000"))
    per_root = []
    try:
        for n in (2000, 20000):
            shutil.rmtree(work, ignore_errors=True)
            os.makedirs(work + "/book")
            run("%s --roots %d %s/book/01-roots.md" % (gen, n, work))
            json_out = os.path.join(out, "roots-%d.json" % n)
            rc, text, _ = run(
                "hyperfine --style none --warmup 1 --runs 5 --export-json %s "
                "--prepare 'rm -rf %s/o %s/g' '%s --snippets %s/o --gen %s/g --book book'"
                % (json_out, work, work, tangle, work, work), cwd=work)
            if rc:
                failures.append("hyperfine failed on %d roots: %s" % (n, text[-500:]))
                return
            with open(json_out) as f:
                median = json.load(f)["results"][0]["median"]
            written = sum(len(files) for _, _, files in os.walk(work + "/o"))
            if written != n + 1:
                failures.append("tangle wrote %d files for %d roots (and .tangled)" % (written, n))
            per_root.append(median / n)
            say("%8d %10.3f %14.2f" % (n, median, 1000 * 1000 * median / n))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    say("time per root at 20,000 roots over time per root at 2,000: %.2f (1.00 is linear)"
        % (per_root[-1] / per_root[0]))
    say()


def count(text, pattern):
    return len(re.findall(pattern, text, re.M))


def build_timings(source, out):
    say("## 2. The build, in a fresh clone of %s" % source)
    clone = os.path.join(out, "clone")
    shutil.rmtree(clone, ignore_errors=True)
    rc, text, _ = run("git clone -q %s %s" % (source, clone))
    if rc:
        failures.append("git clone failed: " + text)
        return None
    rc, text, cold = run("make", cwd=clone)
    if rc:
        failures.append("the cold make failed:\n" + text[-2000:])
        return None
    say("cold make (packages installed):       %7.1f s" % cold)
    rc, text, noop = run("make", cwd=clone)
    busy = count(text, r"^\[\d+/\d+\] (Running|Building|Linking|Weaving|Rendering|Laying)")
    say("no-op make:                           %7.2f s  %s (target < %.0f s)%s"
        % (noop, verdict(noop < TARGETS["noop_s"]), TARGETS["noop_s"],
           "" if not busy else "  REBUILT %d steps" % busy))
    if busy:
        failures.append("a no-op make rebuilt %d steps" % busy)

    chapter = os.path.join(clone, "book/01-parallel.md")
    with open(chapter) as f:
        original = f.read()
    # A prose edit: a sentence of the first section, nothing near code.
    edited = original.replace("This chapter sets up everything", "This chapter, edited, sets up everything", 1)
    with open(chapter, "w") as f:
        f.write(edited)
    rc, text, prose = run("make", cwd=clone)
    compiled = count(text, r"^\[\d+/\d+\] Building C object")
    ran = count(text, r"^\[\d+/\d+\] Running ")
    say("prose edit of chapter 1:              %7.2f s  %s (target < %.0f s); %d compiled, %d run"
        % (prose, verdict(prose < TARGETS["prose_s"]), TARGETS["prose_s"], compiled, ran))
    if rc or compiled or ran:
        failures.append("a prose edit compiled %d and ran %d programs" % (compiled, ran))

    # A program edit: one string of square_cube, which one run block runs.
    edited2 = edited.replace('printf("Processes finished executing\\n");',
                             'printf("Processes finished executing\\n");  /* edited */', 1)
    if edited2 == edited:
        failures.append("the bench's program edit no longer applies to chapter 1")
        return clone
    with open(chapter, "w") as f:
        f.write(edited2)
    rc, text, snippet = run("make", cwd=clone)
    compiled = re.findall(r"^\[\d+/\d+\] Building C object .*/snippets/(\S+)\.o$", text, re.M)
    ran = re.findall(r"^\[\d+/\d+\] Running (\S+)$", text, re.M)
    say("one-program edit (square_cube):       %7.2f s; compiled %s, ran %s"
        % (snippet, compiled or "nothing", ran or "nothing"))
    if rc or [c for c in compiled if "square_cube" not in c] or ran != ["ch01-square_cube"]:
        failures.append("a one-program edit compiled %s and ran %s (expected square_cube and "
                        "ch01-square_cube alone)" % (compiled, ran))
    with open(chapter, "w") as f:
        f.write(original)
    run("make", cwd=clone)
    say()
    return clone


def number(pattern, text, group=1):
    m = re.search(pattern, text, re.M)
    return float(m.group(group)) if m else None


def examples(clone, out):
    say("## 3. The examples against their limits (the clone's runs)")
    outdir = os.path.join(clone, "build/out")

    def output(run_id):
        path = os.path.join(outdir, run_id + ".txt")
        return open(path).read() if os.path.exists(path) else ""

    cores = os.cpu_count()
    for run_id, label in (("ch01-data_parallel", "1M floats"), ("ch01-data_parallel-2", "48M floats")):
        text = output(run_id)
        shares = [float(x) / 100 for x in re.findall(r"^ +[124] +[0-9.]+ +[0-9.]+ +([0-9]+)%$", text, re.M)]
        if shares:
            say("data-parallel add, %s: add/copy %s; best %.0f%%  %s (target >= %.0f%%)"
                % (label, " ".join("%.0f%%" % (s * 100) for s in shares), max(shares) * 100,
                   verdict(max(shares) >= TARGETS["add_copy"]), TARGETS["add_copy"] * 100))
    for run_id, label in (("ch05-heavy", "5 items, 4 threads / 2 processes"),
                          ("ch05-heavy-even", "4 items, 2 threads / 2 processes")):
        text = output(run_id)
        threads = number(r"thread pool ([0-9.]+), process pool", text)
        procs = number(r"process pool ([0-9.]+)$", text)
        if threads and procs:
            say("CPU-bound (heavy_computation, %s) on %d cores: thread pool %.2fx %s, process pool "
                "%.2fx %s (target >= %.1fx)" % (label, cores, threads, verdict(threads >= TARGETS["speedup"]),
                                                procs, verdict(procs >= TARGETS["speedup"]), TARGETS["speedup"]))
    for run_id in ("ch01-fib_threads-2",):
        s = number(r"^speedup ([0-9.]+) with", output(run_id))
        if s:
            say("CPU-bound (fib_threads 38, 4 threads) on %d cores: %.2fx %s" % (cores, s, verdict(s >= TARGETS["speedup"])))
    text = output("ch01-mp_vs_mt-2")
    serial = number(r"^serial: +List processing complete\. ([0-9.]+) s", text)
    th = number(r"^threads: +List processing complete\. ([0-9.]+) s", text)
    pr = number(r"^processes: List processing complete\. ([0-9.]+) s", text)
    if serial and th and pr:
        say("do_something x 10 (mp_vs_mt 2000000): threads %.2fx, processes %.2fx over serial"
            % (serial / th, serial / pr))
    text = output("ch04-pingpong")
    m = re.search(r"^ +4194304 +[0-9]+ +[0-9.]+ +([0-9.]+) +([0-9.]+) +([0-9]+)%$", text, re.M)
    if m:
        say("MPI ping-pong, 4 MiB: %s MB/s, memcpy in one process %s MB/s: %s%% of the limit"
            % m.groups())
    for run_id in ("ch05-echo_uv", "ch05-echo_threads"):
        text = output(run_id)
        rate = number(r"^[0-9.]+ s, ([0-9]+) messages per second$", text)
        limit = number(r"no event loop: ([0-9]+) messages per second$", text)
        if rate and limit:
            say("%s: %.0f messages/s, raw loopback limit %.0f: %.0f%%" % (run_id, rate, limit, 100 * rate / limit))
    total, n = 0.0, 0
    for spec in glob.glob(os.path.join(clone, "build/gen/runs/*.run")):
        meta = os.path.join(outdir, os.path.basename(spec)[:-4] + ".json")
        if os.path.exists(meta):
            with open(meta) as f:
                total += json.load(f)["wall_seconds"]
                n += 1
    say("every run block of the book: %d runs, %.1f s in all  %s (target < %.0f s)"
        % (n, total, verdict(total < TARGETS["runs_s"]), TARGETS["runs_s"]))
    say()


def median(xs):
    xs = sorted(xs)
    m = len(xs) // 2
    return xs[m] if len(xs) % 2 else (xs[m - 1] + xs[m]) / 2


def spread(xs):
    m = median(xs)
    return (max(xs) - min(xs)) / m if m else 0.0


def fig(xs, fmt="%.3g"):
    """A median with its spread, flagged when too wide."""
    text = (fmt % median(xs)) + " (spread %.0f%%%s)" % (100 * spread(xs), ", TOO WIDE" if spread(xs) > WIDE else "")
    return text


def judged(ok, *series):
    if any(spread(xs) > WIDE for xs in series):
        return "no verdict (spread too wide)"
    return verdict(ok)


def against_tools(source, out):
    say("## 4. The examples against numpy and mpi4py, and their limits (medians of %d runs, alternating)" % RUNS)
    py = "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else "python3"
    rc, _, _ = run("%s -c 'import numpy, mpi4py'" % py)
    if rc:
        failures.append("numpy or mpi4py is missing (python3-numpy, python3-mpi4py: make deps)")
        return
    bindir = os.path.join(source, "build/bin")
    env = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1",
               OMPI_MCA_rmaps_base_oversubscribe="1")
    for n in (1000000, 48000000):
        c = {k: [] for k in ("single", "fresh", "add", "add1", "copy")}
        p = {k: [] for k in ("single", "reused", "steady", "copy", "faults")}
        for _ in range(RUNS):
            rc, text, _ = run("%s/data_parallel %d" % (bindir, n))
            if rc:
                failures.append("data_parallel %d failed: %s" % (n, text[-300:]))
                return
            c["single"].append(number(r"^Time taken for the addition of \d+ floats: ([0-9.]+) s$", text))
            small = number(r"^the same add into fresh memory: ([0-9.]+) s in 4 KiB", text)
            huge = number(r" (-?[0-9.]+) s in 2 MiB pages$", text)
            c["fresh"].append(min(small, huge) if huge and huge > 0 else small)
            rows = re.findall(r"^ +([124]) +([0-9.]+) +([0-9.]+) +[0-9]+%$", text, re.M)
            c["add"].append(max(float(r[1]) for r in rows))
            c["add1"].append(float(rows[0][1]))
            c["copy"].append(max(float(r[2]) for r in rows))
            csum = re.search(r"^Sum of c's bit patterns: ([0-9a-f]+)$", text, re.M).group(1)
            rc, text, _ = run("%s %s/tests/bench/numpy_add.py %d" % (py, source, n))
            if rc:
                failures.append("numpy_add.py %d failed: %s" % (n, text[-300:]))
                return
            for k in p:
                p[k].append(number(r"^%s ([0-9.]+)$" % k, text))
            psum = re.search(r"^bitsum ([0-9a-f]+)$", text, re.M).group(1)
            if psum != csum:
                failures.append("numpy and data_parallel computed different c at %d floats" % n)
        say("data-parallel add, %d floats (results equal in every run):" % n)
        say("  single add, no first touch:   C %s ms  numpy out= %s ms   C <= numpy: %s"
            % (fig([x * 1e3 for x in c["single"]]), fig([x * 1e3 for x in p["reused"]]),
               judged(median(c["single"]) <= median(p["reused"]), c["single"], p["reused"])))
        say("  the course's line, as printed: C %s ms  numpy c = a + b %s ms (%d page faults)   C <= numpy: %s"
            % (fig([x * 1e3 for x in c["single"]]), fig([x * 1e3 for x in p["single"]]), median(p["faults"]),
               judged(median(c["single"]) <= median(p["single"]), c["single"], p["single"])))
        say("  into fresh memory, both:      C %s ms  numpy c = a + b %s ms   C <= numpy: %s"
            % (fig([x * 1e3 for x in c["fresh"]]), fig([x * 1e3 for x in p["single"]]),
               judged(median(c["fresh"]) <= median(p["single"]), c["fresh"], p["single"])))
        say("  steady state, GB/s:           C %s (1 thread %s)  numpy %s   C >= numpy: %s"
            % (fig(c["add"]), fig(c["add1"]), fig(p["steady"]),
               judged(median(c["add"]) >= median(p["steady"]), c["add"], p["steady"])))
        ratios = [a / b for a, b in zip(c["add"], c["copy"])]
        say("  limit: best add / best memcpy %s (numpy's copy %s GB/s)   target >= %.0f%%: %s"
            % (fig([100 * r for r in ratios], "%.0f%%"), fig(p["copy"]), 100 * TARGETS["add_copy"],
               judged(median(ratios) >= TARGETS["add_copy"], ratios)))
    sizes = (1, 4194304, 67108864)
    cl = {s: [] for s in sizes}
    cb = {s: [] for s in sizes}
    sh = {s: [] for s in sizes}
    pl = {s: [] for s in sizes}
    pb = {s: [] for s in sizes}
    for _ in range(RUNS):
        rc, text, _ = run("mpiexec -n 2 %s/mpi_pingpong 67108864" % bindir, env=env)
        if rc:
            failures.append("mpi_pingpong failed: %s" % text[-300:])
            return
        for s in sizes:
            m = re.search(r"^ +%d +[0-9]+ +([0-9.]+) +([0-9.]+) +([0-9.]+) +[0-9]+%%$" % s, text, re.M)
            cl[s].append(float(m.group(1)))
            cb[s].append(float(m.group(2)))
            sh[s].append(float(m.group(3)))
        rc, text, _ = run("mpiexec -n 2 %s %s/tests/bench/mpi4py_pingpong.py %s"
                          % (py, source, " ".join(map(str, sizes))), env=env)
        if rc:
            failures.append("mpi4py_pingpong.py failed: %s" % text[-300:])
            return
        for s in sizes:
            m = re.search(r"^%d ([0-9.]+) ([0-9.]+)$" % s, text, re.M)
            pl[s].append(float(m.group(1)))
            pb[s].append(float(m.group(2)))
    say("MPI ping-pong, two ranks on this machine:")
    say("  1 byte, one-way latency us:  C %s  mpi4py %s   C <= mpi4py: %s"
        % (fig(cl[1]), fig(pl[1]), judged(median(cl[1]) <= median(pl[1]), cl[1], pl[1])))
    for s in sizes[1:]:
        shares = [b / l for b, l in zip(cb[s], sh[s])]
        say("  %d MiB, MB/s:  C %s  mpi4py %s   C >= mpi4py: %s; shm copy %s, C at %s of it, target >= %.0f%%: %s"
            % (s >> 20, fig(cb[s]), fig(pb[s]), judged(median(cb[s]) >= median(pb[s]), cb[s], pb[s]),
               fig(sh[s]), fig([100 * x for x in shares], "%.0f%%"), 100 * TARGETS["pingpong_shm"],
               judged(median(shares) >= TARGETS["pingpong_shm"], shares)))


def preview(tree, out, rounds=9):
    """A prose edit under make serve, until the page's reload event, against pandoc alone."""
    import socket
    say("## 5. The preview (make serve): a prose edit until the page reloads, against pandoc alone")
    chapter = os.path.join(tree, "book/02-threads.md")
    with open(chapter) as f:
        original = f.read()
    # A sentence of a section, not of the summary (which the front page and every page's
    # neighbours show, so that its edit re-weaves them all).
    words = ("The course starts three threads, each running", "The course starts three threads, each one running")
    if words[0] not in original:
        failures.append("the preview's prose edit no longer applies to chapter 2")
        return
    run("make html", cwd=tree)      # as make serve does first: the pages are up to date
    log = open(os.path.join(out, "serve.log"), "w")
    build = "sh tangle/locked.sh build ninja -C build html"   # as make serve runs it
    server = subprocess.Popen(["build/toolchain/serve", "--html", "build/html", "--watch", "book",
                               "--watch", "book/assets", "--port", "0", "--build"] + build.split(),
                              cwd=tree, stdout=subprocess.PIPE, stderr=log, text=True)
    events = None
    try:
        port = int(re.search(r"127\.0\.0\.1:(\d+)", server.stdout.readline()).group(1))
        events = socket.create_connection(("127.0.0.1", port), timeout=30)
        events.sendall(b"GET /__events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        pending = b""
        while b": ready" not in pending:
            pending += events.recv(4096)
        pending = b""
        pandoc = ("pandoc --from markdown --to html5 --standalone --template book/assets/page.html "
                  "--section-divs --toc --toc-depth 2 --metadata-file build/md/02-threads.yaml "
                  "-o %s/pandoc-alone.html build/md/02-threads.md" % out)
        reloads, alone = [], []
        for i in range(rounds):
            text = original.replace(words[0], words[(i + 1) % 2], 1) if i % 2 == 0 else original
            start = time.monotonic()
            with open(chapter, "w") as f:
                f.write(text)
            while True:
                if b"\n\n" not in pending:
                    pending += events.recv(4096)
                    continue
                message, pending = pending.split(b"\n\n", 1)
                if b"event: reload" in message and b"02-threads.html" in message:
                    break
                if b"event: failed" in message:
                    raise OSError("the preview's build failed: %s" % message[-500:])
            reloads.append(time.monotonic() - start)
            rc, _, took = run(pandoc, cwd=tree)
            alone.append(took)
        r, a = median(reloads), median(alone)
        say("prose edit of chapter 2 until its reload: median %.2f s (of %d: %s)"
            % (r, rounds, " ".join("%.2f" % x for x in reloads)))
        say("pandoc alone on chapter 2:                median %.2f s (of %d: %s)"
            % (a, rounds, " ".join("%.2f" % x for x in alone)))
        say("the preview's own time:                   %+.2f s  %s (target <= +0.30 s)" % (r - a, verdict(r - a <= 0.3)))
    finally:
        with open(chapter, "w") as f:
            f.write(original)
        if events:
            events.close()
        server.terminate()
        server.wait()
        log.close()
    with open(os.path.join(out, "serve.log")) as f:
        served = f.read()
    configured = count(served, r"^-- Configuring|Re-running CMake")
    if configured:
        failures.append("the preview re-ran CMake's configure %d times for prose edits" % configured)
    say("configure steps during the edits: %d (must be 0)" % configured)
    say()


def main(argv):
    if len(argv) == 5 and argv[3] == "--only" and argv[4] == "serve":
        source, out = os.path.abspath(argv[1]), os.path.abspath(argv[2])
        os.makedirs(out, exist_ok=True)
        rc, cpu, _ = run("grep -m1 'model name' /proc/cpuinfo | cut -d: -f2")
        rc, load, _ = run("cat /proc/loadavg")
        say("machine: %d cores, %s; load before: %s" % (os.cpu_count(), cpu.strip(), load.strip()))
        preview(source, out)
        for f in failures:
            say("FAILED: " + f)
        return 1 if failures else 0
    if len(argv) != 3:
        sys.stderr.write(__doc__)
        return 2
    source, out = os.path.abspath(argv[1]), os.path.abspath(argv[2])
    os.makedirs(out, exist_ok=True)
    for tool in ("hyperfine", "notangle", "cc", "git"):
        if not shutil.which(tool):
            print("bench: %s is not installed (make deps)" % tool)
            return 1
    say("# Performance report, %s" % time.strftime("%Y-%m-%d %H:%M:%S %Z"))
    rc, cpu, _ = run("grep -m1 'model name' /proc/cpuinfo | cut -d: -f2")
    rc, load, _ = run("cat /proc/loadavg")
    say("machine: %d cores,%s; load before: %s" % (os.cpu_count(), cpu.strip() and " " + cpu.strip(), load.strip()))
    say()
    only = os.environ.get("BENCH_ONLY", "")
    if not only:
        tangle_vs_notangle(source, out)
        clone = build_timings(source, out)
        if clone:
            examples(clone, out)
            preview(clone, out)
    if not only or only == "tools":
        against_tools(source, out)
    rc, load, _ = run("cat /proc/loadavg")
    say("load after: %s" % load.strip())
    if failures:
        say("## FAILED")
        for f in failures:
            say("- " + f)
    with open(os.path.join(out, "report.txt"), "w") as f:
        f.write("\n".join(lines) + "\n")
    print("report: %s/report.txt" % out)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
