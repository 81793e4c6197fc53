/**
 * @file prose.h
 * @brief what the prose of the book links to, and the terms it defines.
 *
 * Links. Every link of the prose, [text](TARGET) or <https://...>, outside
 * code, is one of
 *
 *   - "#anchor", a place on the same page;
 *   - "NN-slug.html", a chapter of the book, or "NN-slug.html#dfn-...", a
 *     term defined there (a section or figure is a reference, \@sec-LABEL,
 *     which the book numbers and links in every format: xref.h);
 *   - "https://HOST/PATH", a well-formed address: a host of labels joined by
 *     dots, a path, query and fragment of the characters RFC 3986 allows,
 *     every '%' followed by two hexadecimal digits.
 *
 * Anything else (http://, a path into the repository, a typo such as
 * "https//" or a blank in an address) is an error at its line. The build
 * cannot fetch an address (it runs offline); it checks that each one could
 * be followed. Anchors are checked in the rendered pages (tests/browser).
 *
 * Terms. A term is defined where the text first explains it, as
 * [data race]{.dfn}; the page gives the span the id dfn-data-race
 * (edition.h), and the glossary links each term there. What holds after
 * book_load() of the whole book (book_check_prose()):
 *
 *   - a term is defined once in the book (the same words, in any case);
 *   - a link to "NN-slug.html#dfn-..." names a term defined in that chapter;
 *   - every defined term has such a link somewhere: the glossary's entry.
 */
#ifndef TANGLE_PROSE_H
#define TANGLE_PROSE_H

#include "book.h"
#include "diag.h"

/** Check the links and terms of @p b's prose; errors go to @p d. With @p whole, across chapters too. */
void book_check_prose(const struct book *b, bool whole, struct diag *d);

/** Why @p url is not a well-formed https address, or NULL when it is. */
const char *url_problem(const char *url);

#endif
