/*
 * rank_dies - an MPI program whose rank 1 ends badly, for the tests of what
 * mpiexec reports. Every rank starts and meets the others; then rank 1
 * calls abort() (or, with "exit", exits with status 134, which is 128 +
 * SIGABRT), and the other ranks wait at a barrier that rank 1 never reaches:
 * mpiexec ends them.
 */
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
	int rank;

	MPI_Init(&argc, &argv);
	MPI_Comm_rank(MPI_COMM_WORLD, &rank);
	MPI_Barrier(MPI_COMM_WORLD);
	if (rank == 1) {
		printf("rank 1: %s\n", argc > 1 && !strcmp(argv[1], "exit") ? "exit(134)" : "abort()");
		fflush(stdout);
		if (argc > 1 && !strcmp(argv[1], "exit"))
			exit(134);
		abort();
	}
	MPI_Barrier(MPI_COMM_WORLD);
	MPI_Finalize();
	return 0;
}
