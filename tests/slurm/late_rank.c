/*
 * late_rank - whether the PMIx fence that ends MPI_Finalize is a barrier
 * across nodes. The last rank reaches MPI_Finalize late, after creating a
 * mark, the file late_rank.JOB.STEP in the working directory (the Slurm
 * cluster's home, removed with it); every other rank, once out of
 * MPI_Finalize, says whether the mark was there. Where the fence is a
 * barrier (Slurm's ring), it always is: no rank leaves before the last one
 * has entered. Where it waits for one node only (Slurm 22.05's tree on fewer
 * nodes than TreeWidth), the ranks of the other nodes leave without waiting
 * and do not find it.
 */
#define _POSIX_C_SOURCE 200809L
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static const char *env(const char *name, const char *otherwise)
{
	const char *value = getenv(name);

	return value ? value : otherwise;
}

int main(int argc, char **argv)
{
	int rank, size;
	char mark[128];

	MPI_Init(&argc, &argv);
	MPI_Comm_rank(MPI_COMM_WORLD, &rank);
	MPI_Comm_size(MPI_COMM_WORLD, &size);
	snprintf(mark, sizeof(mark), "late_rank.%s.%s", env("SLURM_JOB_ID", "0"),
		 env("SLURM_STEP_ID", "0"));
	MPI_Barrier(MPI_COMM_WORLD);
	if (rank == size - 1) {
		struct timespec late = {0, 500000000};
		FILE *f;

		nanosleep(&late, NULL);
		if (!(f = fopen(mark, "w")) || fclose(f) != 0) {
			perror(mark);
			MPI_Abort(MPI_COMM_WORLD, 2);
		}
	}
	MPI_Finalize();
	if (rank != size - 1)
		printf("rank %d on %s: rank %d %s MPI_Finalize\n", rank, env("SLURMD_NODENAME", "?"),
		       size - 1, access(mark, F_OK) == 0 ? "had reached" : "had NOT reached");
	return 0;
}
