/*
 * genbook - generate a literate document of about SIZE bytes, in the book's
 * syntax and in noweb's, with the same program inside.
 *
 *   genbook SIZE OUT.md OUT.nw
 *
 * The program is a binary tree of chunks under one root, bench/main.c: chunk
 * i holds three lines of code and references chunks 2i+1 and 2i+2, indented,
 * so the references nest about log2(chunks) deep and every expansion carries
 * indentation. A paragraph of prose precedes each chunk. notangle -Rmain.c
 * on OUT.nw and tangle on OUT.md produce the same main.c (tangle adds its
 * one header line).
 */
#include <stdio.h>
#include <stdlib.h>

static void chunk(FILE *md, FILE *nw, long i, long n)
{
	static const char prose[] =
		"This chunk adds a term to the running total; the two chunks below it do the same\n"
		"for their halves of the tree, so the whole program is one long expression.\n";

	fprintf(md, "%s\n```{.c #c%ld}\ntotal += %ld * scale;\nif (total > limit)\n    total -= limit;\n", prose, i, i);
	fprintf(nw, "@ %s<<c%ld>>=\ntotal += %ld * scale;\nif (total > limit)\n    total -= limit;\n", prose, i, i);
	for (long k = 2 * i + 1; k <= 2 * i + 2 && k < n; k++) {
		fprintf(md, "    <<c%ld>>\n", k);
		fprintf(nw, "    <<c%ld>>\n", k);
	}
	fputs("```\n\n", md);
}

int main(int argc, char **argv)
{
	long size, n;
	FILE *md, *nw;

	if (argc != 4 || (size = atol(argv[1])) <= 0) {
		fputs("usage: genbook SIZE OUT.md OUT.nw\n", stderr);
		return 2;
	}
	md = fopen(argv[2], "w");
	nw = fopen(argv[3], "w");
	if (!md || !nw) {
		perror("genbook");
		return 1;
	}
	n = size / 250 + 1;	/* about 250 bytes of chapter per chunk */
	fputs("# A generated chapter\n\n```{.c file=bench/main.c}\nint main(void)\n{\n"
	      "    long total = 0, scale = 3, limit = 1000003;\n    <<c0>>\n    return (int)(total & 1);\n}\n```\n\n", md);
	fputs("@ A generated document.\n<<main.c>>=\nint main(void)\n{\n"
	      "    long total = 0, scale = 3, limit = 1000003;\n    <<c0>>\n    return (int)(total & 1);\n}\n", nw);
	for (long i = 0; i < n; i++)
		chunk(md, nw, i, n);
	fputs("@\n", nw);
	if (fclose(md) != 0 || fclose(nw) != 0) {
		perror("genbook");
		return 1;
	}
	return 0;
}
