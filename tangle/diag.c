/* diag.c - see diag.h. */
#include "diag.h"

#include <stdarg.h>

void diag_init(struct diag *d, FILE *stream)
{
	d->stream = stream;
	d->errors = 0;
}

static void report(struct diag *d, const char *file, int line, int col,
		   const char *kind, const char *fmt, va_list ap)
{
	if (!d->stream)
		return;		/* counting only */
	if (line > 0 && col > 0)
		fprintf(d->stream, "%s:%d:%d: %s: ", file, line, col, kind);
	else if (line > 0)
		fprintf(d->stream, "%s:%d: %s: ", file, line, kind);
	else
		fprintf(d->stream, "%s: %s: ", file, kind);
	vfprintf(d->stream, fmt, ap);
	fputc('\n', d->stream);
}

void diag_error(struct diag *d, const char *file, int line, int col,
		const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report(d, file, line, col, "error", fmt, ap);
	va_end(ap);
	d->errors++;
}

void diag_note(struct diag *d, const char *file, int line, int col,
	       const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report(d, file, line, col, "note", fmt, ap);
	va_end(ap);
}

void diag_warning(struct diag *d, const char *file, int line, int col,
		  const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report(d, file, line, col, "warning", fmt, ap);
	va_end(ap);
}
