/*
 * dies - a program that ends as it is told, for the tests of how a run ends.
 *
 *   dies abort      print a line, then abort(): death by SIGABRT
 *   dies exit N     print a line, then exit with status N (134 looks like SIGABRT to a shell)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "abort")) {
		puts("dies: abort()");
		fflush(stdout);
		abort();
	}
	if (argc == 3 && !strcmp(argv[1], "exit")) {
		printf("dies: exit(%d)\n", atoi(argv[2]));
		return atoi(argv[2]);
	}
	fputs("usage: dies abort | dies exit N\n", stderr);
	return 2;
}
