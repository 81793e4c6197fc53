# docs.cmake - the code reference, with Doxygen.
#
#   build/docs/toolchain/html  the toolchain's public API: every function and
#                              struct of tangle/*.h; any warning fails the build
#   build/docs/programs/html   every program and the support library, with
#                              their sources browsable; each file page links
#                              back to the chapter block it was tangled from
#
# Both are rebuilt only when their inputs change.

find_package(Doxygen REQUIRED dot)

function(lit_docs_config path)
  set(text "")
  foreach(pair IN LISTS ARGN)
    string(APPEND text "${pair}\n")
  endforeach()
  file(WRITE ${path}.new "${text}")
  file(COPY_FILE ${path}.new ${path} ONLY_IF_DIFFERENT)
  file(REMOVE ${path}.new)
endfunction()

function(lit_docs)
  set(docs ${CMAKE_BINARY_DIR}/docs)
  set(common
    "QUIET = YES" "GENERATE_LATEX = NO" "OPTIMIZE_OUTPUT_FOR_C = YES"
    "JAVADOC_AUTOBRIEF = YES" "HAVE_DOT = YES" "DOT_IMAGE_FORMAT = svg"
    "INTERACTIVE_SVG = NO" "HTML_TIMESTAMP = NO" "SEARCHENGINE = YES"
    "FULL_PATH_NAMES = YES" "CASE_SENSE_NAMES = YES")

  file(GLOB headers CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/tangle/*.h)
  lit_docs_config(${docs}/toolchain.Doxyfile ${common}
    "PROJECT_NAME = \"tangle\""
    "PROJECT_BRIEF = \"The literate toolchain of the book\""
    "INPUT = ${CMAKE_SOURCE_DIR}/tangle"
    "FILE_PATTERNS = *.h"
    "STRIP_FROM_PATH = ${CMAKE_SOURCE_DIR}"
    "OUTPUT_DIRECTORY = ${docs}/toolchain"
    "EXTRACT_ALL = NO" "WARN_IF_UNDOCUMENTED = YES" "WARN_AS_ERROR = FAIL_ON_WARNINGS")
  add_custom_command(
    OUTPUT ${docs}/toolchain/html/index.html
    COMMAND ${LIT_SHARED} ${DOXYGEN_EXECUTABLE} ${docs}/toolchain.Doxyfile
    DEPENDS ${headers} ${docs}/toolchain.Doxyfile
    COMMENT "Documenting the toolchain (Doxygen, warnings are errors)"
    VERBATIM)

  # The book's own files, as the manifest lists them (lit_snippets): a file
  # that no chapter defines is never documented. Doxygen adds pages and never
  # removes one, so each run starts from an empty directory: a deleted
  # program leaves no page behind.
  get_property(files GLOBAL PROPERTY LIT_SNIPPET_FILES)
  set(snippets)
  # Neither an exercise's starting file (exercises/) nor its solution is
  # documented: the reference is read by students, and the solution is the
  # instructor edition's.
  get_property(solutions GLOBAL PROPERTY LIT_SOLUTION_FILES)
  foreach(f IN LISTS files)
    if(f MATCHES "\\.[ch]$" AND NOT f MATCHES "^exercises/" AND NOT f IN_LIST solutions)
      list(APPEND snippets ${LIT_SNIPPETS}/${f})
    endif()
  endforeach()
  list(JOIN snippets " " input)
  lit_docs_config(${docs}/programs.Doxyfile ${common}
    "PROJECT_NAME = \"The book's programs\""
    "PROJECT_BRIEF = \"Every program of the book and its support library\""
    "INPUT = ${input}"
    "STRIP_FROM_PATH = ${LIT_SNIPPETS}"
    "OUTPUT_DIRECTORY = ${docs}/programs"
    "INPUT_FILTER = \"sh ${CMAKE_SOURCE_DIR}/tangle/doxygen-filter.sh\""
    "FILTER_SOURCE_FILES = NO"
    "EXTRACT_ALL = YES" "EXTRACT_STATIC = YES" "SOURCE_BROWSER = YES"
    "REFERENCED_BY_RELATION = YES" "REFERENCES_RELATION = YES"
    "WARNINGS = NO" "WARN_IF_UNDOCUMENTED = NO"
    "DOT_GRAPH_MAX_NODES = 100")    # common/args.h is included by every program
  add_custom_command(
    OUTPUT ${docs}/programs/html/index.html
    COMMAND ${CMAKE_COMMAND} -E rm -rf ${docs}/programs/html
    COMMAND ${LIT_SHARED} ${DOXYGEN_EXECUTABLE} ${docs}/programs.Doxyfile
    DEPENDS ${snippets} ${docs}/programs.Doxyfile ${CMAKE_SOURCE_DIR}/tangle/doxygen-filter.sh
    COMMENT "Documenting the programs (Doxygen)"
    VERBATIM)
  add_custom_target(docs ${LIT_RENDER_ALL}
    DEPENDS ${docs}/toolchain/html/index.html ${docs}/programs/html/index.html)
endfunction()
