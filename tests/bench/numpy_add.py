#!/usr/bin/python3
"""numpy_add.py N - Chapter 1's data-parallel add in numpy, for make bench.

The same arrays as build/bin/data_parallel N (SplitMix64 from seed 42: a[i]
and b[i] are draws 2i+1 and 2i+2, as float32 in [0, 1)), so the sums of the
bit patterns of c can be compared. Prints, one per line:
  single S       the course's `c = a + b`, timed once (a fresh array from numpy's allocator)
  reused S       one np.add(a, b, out=c) into an array already written (no first touch)
  steady GB/s    np.add(a, b, out=c), best of 3 batches of about 25 ms, 12 bytes per float
  copy GB/s      np.copyto(c, a) the same way, 8 bytes per float
  faults N       minor page faults during the single add
  bitsum HEX     the sum of c's bit patterns modulo 2^64
"""
import resource
import sys
import time

import numpy as np

GAMMA = np.uint64(0x9E3779B97F4A7C15)


def splitmix_floats(first, count, seed=42):
    """Draws first+1 .. first+count of SplitMix64 from seed, as rng_float makes them."""
    k = np.arange(first + 1, first + count + 1, dtype=np.uint64)
    with np.errstate(over="ignore"):
        z = np.uint64(seed) + k * GAMMA
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    z ^= z >> np.uint64(31)
    return (z >> np.uint64(40)).astype(np.float32) * np.float32(2.0 ** -24)


def arrays(n):
    a = np.empty(n, dtype=np.float32)
    b = np.empty(n, dtype=np.float32)
    chunk = 1 << 22
    for lo in range(0, n, chunk):
        m = min(chunk, n - lo)
        both = splitmix_floats(2 * lo, 2 * m)
        a[lo:lo + m] = both[0::2]
        b[lo:lo + m] = both[1::2]
    return a, b


def rate(fn, n, nbytes):
    reps = int(5e7 / n) + 1
    best = None
    for _ in range(3):
        start = time.perf_counter()
        for _ in range(reps):
            fn()
        t = (time.perf_counter() - start) / reps
        best = t if best is None or t < best else best
    return nbytes * n / best / 1e9


def main():
    n = int(sys.argv[1])
    a, b = arrays(n)
    faults = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    start = time.perf_counter()
    c = a + b
    single = time.perf_counter() - start
    faults = resource.getrusage(resource.RUSAGE_SELF).ru_minflt - faults
    out = np.zeros_like(a)
    start = time.perf_counter()
    np.add(a, b, out=out)
    reused = time.perf_counter() - start
    if not np.array_equal(out, c):
        sys.exit("numpy_add: out= and a + b disagree")
    print("single %.6f" % single)
    print("reused %.6f" % reused)
    print("steady %.2f" % rate(lambda: np.add(a, b, out=out), n, 12))
    print("copy %.2f" % rate(lambda: np.copyto(out, a), n, 8))
    print("faults %d" % faults)
    print("bitsum %016x" % int(c.view(np.uint32).sum(dtype=np.uint64)))


if __name__ == "__main__":
    main()
