/*
 * genbook - generate a literate document of about SIZE bytes, in the book's
 * syntax and in noweb's, with the same program inside.
 *
 *   genbook SIZE OUT.md OUT.nw
 *   genbook --roots N OUT.md
 *
 * The program is a binary tree of chunks under one root, bench/main.c: chunk
 * i holds three lines of code and references chunks 2i+1 and 2i+2, indented,
 * so the references nest about log2(chunks) deep and every expansion carries
 * indentation. A paragraph of prose precedes each chunk. notangle -Rmain.c
 * on OUT.nw and tangle on OUT.md produce the same main.c (tangle adds its
 * one header line).
 *
 * With --roots, the other shape: N small files, each a root holding a line
 * and a reference to a chunk of its own, spread over directories of 100:
 * what costs time there is the bookkeeping of roots and files, not the
 * expansion.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

static int many_roots(long n, const char *path)
{
	FILE *md = fopen(path, "w");

	if (!md) {
		perror(path);
		return 1;
	}
	fputs("# Many small files\n\n", md);
	for (long i = 0; i < n; i++)
		fprintf(md, "```{.c file=d%03ld/f%06ld.h}\nint f%06ld(void);\n<<c%06ld>>\n```\n\n"
			"```{.c #c%06ld}\n#define F%06ld %ld\n```\n\n", i / 100, i, i, i, i, i, i);
	if (fclose(md) != 0) {
		perror(path);
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	long size, n;
	FILE *md, *nw;

	if (argc == 4 && !strcmp(argv[1], "--roots") && (n = atol(argv[2])) > 0)
		return many_roots(n, argv[3]);
	if (argc != 4 || (size = atol(argv[1])) <= 0) {
		fputs("usage: genbook SIZE OUT.md OUT.nw\n       genbook --roots N OUT.md\n", stderr);
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
