#!/usr/bin/python3
"""mpiexec -n 2 python3 mpi4py_pingpong.py SIZE... - Chapter 4's ping-pong in mpi4py, for make bench.

The same exchange as build/bin/mpi_pingpong: rank 0 sends SIZE bytes to rank 1,
which sends them back; batches of about 10 ms, the fastest of three. Uses the
buffer interface (Send/Recv of a numpy array), mpi4py's fastest path. Rank 0
prints one line per size: bytes, one-way latency in us, bandwidth in MB/s.
"""
import sys
import time

import numpy as np
from mpi4py import MPI


def round_trip(comm, buf, n, rank):
    best = None
    for _ in range(3):
        comm.Barrier()
        start = MPI.Wtime()
        for _ in range(n):
            if rank == 0:
                comm.Send([buf, MPI.BYTE], dest=1, tag=0)
                comm.Recv([buf, MPI.BYTE], source=1, tag=0)
            else:
                comm.Recv([buf, MPI.BYTE], source=0, tag=0)
                comm.Send([buf, MPI.BYTE], dest=0, tag=0)
        t = (MPI.Wtime() - start) / n
        best = t if best is None or t < best else best
    return comm.bcast(best, root=0)


def main():
    comm = MPI.COMM_WORLD
    rank = comm.Get_rank()
    for size in (int(s) for s in sys.argv[1:]):
        buf = np.zeros(size, dtype=np.uint8)
        n = int(0.01 / round_trip(comm, buf, 5, rank)) + 1
        n = min(max(n, 5), 50000)
        one_way = round_trip(comm, buf, n, rank) / 2
        if rank == 0:
            print("%d %.2f %.1f" % (size, one_way * 1e6, size / one_way / 1e6), flush=True)


if __name__ == "__main__":
    main()
