# lit.cmake - the build side of the manifest that tangle writes.
#
# tangle turns the book into ${LIT_GEN}/manifest.cmake, a list of calls to
# the functions below; nobody edits CMake to add a program or a run. The
# functions only record; lit_finish() then creates the targets, the run
# steps, the tests and the pages, once everything is known.
#
# Inputs (set before including this file):
#   LIT_TOOLS   directory of the configure-time tangle, weave and run
#   LIT_GEN     tangle's --gen directory (build copies, run specs, manifest)
#   LIT_VARIANT name of the build variant (default, tsan, asan)
#   LIT_TIMEOUT_SCALE  factor for every run's timeout (sanitizers are slower)
#
# Only the default variant renders the book; the sanitizer variants build the
# programs and the tests, and their runs are tests only.

set(LIT_BIN ${CMAKE_BINARY_DIR}/bin)
set(LIT_OUT ${CMAKE_BINARY_DIR}/out)
set(LIT_TEST_OUT ${CMAKE_BINARY_DIR}/test-out)
set(LIT_MD ${CMAKE_BINARY_DIR}/md)
set(LIT_HTML ${CMAKE_BINARY_DIR}/html)
set(LIT_PDF ${CMAKE_BINARY_DIR}/pdf)
# The timing lock: a .volatile run holds it exclusively (tangle/run_main.c),
# every other run, compile and heavy rendering step holds it shared, so a
# timing shown in the book is never taken while the build competes for the
# cores. flock(1) is util-linux's, on every Debian system.
set(LIT_LOCK ${CMAKE_BINARY_DIR}/run.lock)
set(LIT_SHARED flock --shared ${LIT_LOCK})
# A rendered page replaces the old one only when its bytes differ, so that
# Ninja (restat) re-does nothing downstream of a page that came out the same:
# an edit of one chapter's summary must not lay out every chapter's PDF.
set(LIT_REPLACE sh ${CMAKE_SOURCE_DIR}/tangle/replace-if-changed.sh)
set(LIT_COMPILER "${CMAKE_C_COMPILER_ID} ${CMAKE_C_COMPILER_VERSION}")
# The PDF steps use Debian's Python, which has WeasyPrint and pypdf (another
# python3 earlier in PATH, a pyenv one say, does not).
find_program(LIT_PYTHON python3 PATHS /usr/bin NO_DEFAULT_PATH REQUIRED)
if(LIT_VARIANT STREQUAL "default")
  set(LIT_RENDER_ALL ALL)
else()
  set(LIT_RENDER_ALL)
endif()

# Every build tangles the book first. build.ninja depends on the manifest,
# a byproduct of this step, so Ninja runs the step in its manifest phase,
# before it looks at anything else: when the manifest comes out unchanged
# (restat), Ninja stats every file afresh and goes on with the same graph,
# so snippets and stamps that tangle rewrote are seen as changed; when it
# changed (a program, run, figure or chapter came or went), CMake configures
# again first. The step also refuses a build tree copied or moved elsewhere
# (tangle/tangle-step.sh).
get_filename_component(LIT_REAL_BINARY_DIR ${CMAKE_BINARY_DIR} REALPATH)
add_custom_command(
  OUTPUT ${LIT_GEN}/tangle.always
  BYPRODUCTS ${LIT_GEN}/manifest.cmake
  COMMAND sh ${CMAKE_SOURCE_DIR}/tangle/tangle-step.sh ${LIT_REAL_BINARY_DIR} ${CMAKE_SOURCE_DIR}
          ${LIT_TOOLS}/tangle ${LIT_GEN} ${CMAKE_COMMAND}
  COMMENT "Tangling the book"
  VERBATIM)
# Not part of "all": the manifest phase runs it, once per build.
add_custom_target(lit_tangle DEPENDS ${LIT_GEN}/tangle.always)

# A file of book/ as the build depends on it: its stamp, whose content is the
# file's digest (written by tangle only when that changes).
function(lit_stamp out file)
  file(RELATIVE_PATH rel ${CMAKE_SOURCE_DIR}/book ${file})
  set(${out} ${LIT_GEN}/stamps/${rel} PARENT_SCOPE)
endfunction()

# lit_link(), which maps the libraries tangle infers from #include lines to
# CMake targets, and the sanitizer flags are in flags.cmake, shared with the
# build of the readers' answers (tangle/answers/).

# The build compiles snippets/ itself; remap reports compiler diagnostics at
# the chapter lines the code came from (tangle/linemap.h).
set(LIT_SNIPPETS ${CMAKE_SOURCE_DIR}/snippets)
set(LIT_LAUNCHER ${LIT_TOOLS}/remap --snippets ${LIT_SNIPPETS} --maps ${LIT_GEN}/maps
    --lock ${LIT_LOCK} --)

function(lit_library name)
  cmake_parse_arguments(A "" "" "SOURCES;LIBS" ${ARGN})
  list(TRANSFORM A_SOURCES PREPEND ${LIT_SNIPPETS}/)
  add_library(lit_${name} STATIC ${A_SOURCES})
  target_include_directories(lit_${name} PUBLIC ${LIT_SNIPPETS})
  set_target_properties(lit_${name} PROPERTIES C_COMPILER_LAUNCHER "${LIT_LAUNCHER}")
  lit_link(lit_${name} PUBLIC ${A_LIBS})
  set_property(GLOBAL PROPERTY LIT_COMMON_LIBS ${A_LIBS})
endfunction()

# Programs are targets named prog_NAME (so that no program can collide with
# a CMake or toolchain target) whose binary is ${LIT_BIN}/NAME.
#
# VARIANTS tsan/asan also build NAME-tsan/NAME-asan with that sanitizer, so a
# chapter can show a sanitizer's report from the default build. The support
# library is compiled into such a variant directly, with the same flags. The
# sanitizer presets skip variants: two sanitizers do not mix.

function(lit_program name)
  cmake_parse_arguments(A "" "CHAPTER;SOURCE" "LIBS;LABELS;VARIANTS" ${ARGN})
  set_property(GLOBAL APPEND PROPERTY LIT_BINARIES ${LIT_BIN}/${name})
  add_executable(prog_${name} ${LIT_SNIPPETS}/${A_SOURCE})
  set_target_properties(prog_${name} PROPERTIES
    OUTPUT_NAME ${name}
    RUNTIME_OUTPUT_DIRECTORY ${LIT_BIN}
    C_COMPILER_LAUNCHER "${LIT_LAUNCHER}")
  target_include_directories(prog_${name} PRIVATE ${LIT_SNIPPETS})
  lit_link(prog_${name} PRIVATE ${A_LIBS})
  if(NOT LIT_VARIANT STREQUAL "default")
    return()
  endif()
  foreach(variant IN LISTS A_VARIANTS)
    set(target prog_${name}-${variant})
    set(sources ${LIT_SNIPPETS}/${A_SOURCE})
    set(libs ${A_LIBS})
    if("common" IN_LIST libs)
      list(REMOVE_ITEM libs common)
      get_property(common_sources TARGET lit_common PROPERTY SOURCES)
      get_property(common_libs GLOBAL PROPERTY LIT_COMMON_LIBS)
      list(APPEND sources ${common_sources})
      list(APPEND libs ${common_libs})
      list(REMOVE_DUPLICATES libs)
    endif()
    add_executable(${target} ${sources})
    set_property(GLOBAL APPEND PROPERTY LIT_BINARIES ${LIT_BIN}/${name}-${variant})
    set_target_properties(${target} PROPERTIES
      OUTPUT_NAME ${name}-${variant}
      RUNTIME_OUTPUT_DIRECTORY ${LIT_BIN}
      C_COMPILER_LAUNCHER "${LIT_LAUNCHER}")
    target_include_directories(${target} PRIVATE ${LIT_SNIPPETS})
    target_compile_options(${target} PRIVATE ${LIT_SANITIZE_${variant}})
    target_link_options(${target} PRIVATE ${LIT_SANITIZE_${variant}})
    lit_link(${target} PRIVATE ${libs})
  endforeach()
endfunction()

function(lit_run id)
  cmake_parse_arguments(A "" "CHAPTER;RANKS;TIMEOUT;SERIAL" "PROGRAMS;FILES;LABELS" ${ARGN})
  set(spec ${LIT_GEN}/runs/${id}.run)
  foreach(dir ${LIT_OUT} ${LIT_TEST_OUT})
    foreach(ext txt json failed.txt failed.json)
      set_property(GLOBAL APPEND PROPERTY LIT_RUN_FILES ${dir}/${id}.${ext})
    endforeach()
  endforeach()
  set(programs)
  set(missing)
  foreach(p IN LISTS A_PROGRAMS)
    if(TARGET prog_${p})
      list(APPEND programs prog_${p})
    else()
      list(APPEND missing ${p})   # a sanitizer variant this build skips
    endif()
  endforeach()
  if(missing)
    add_test(NAME ${id} COMMAND ${CMAKE_COMMAND} -E false)
    set_tests_properties(${id} PROPERTIES DISABLED TRUE LABELS "${A_LABELS}")
    return()
  endif()
  set(files ${A_FILES})
  list(TRANSFORM files PREPEND ${CMAKE_SOURCE_DIR}/)
  set(run_args --spec ${spec} --bindir ${LIT_BIN} --root ${CMAKE_SOURCE_DIR}
      --compiler ${LIT_COMPILER} --variant ${LIT_VARIANT} --lock ${LIT_LOCK}
      --timeout-scale ${LIT_TIMEOUT_SCALE})

  # The run that feeds the book: a build step, re-done only when the run
  # block, one of its programs or a snippets/ file it names (a script)
  # changes.
  add_custom_command(
    OUTPUT ${LIT_OUT}/${id}.json ${LIT_OUT}/${id}.txt
    COMMAND ${LIT_TOOLS}/run ${run_args} --out ${LIT_OUT} --quiet
    DEPENDS ${spec} ${LIT_TOOLS}/run ${programs} ${files}
    WORKING_DIRECTORY ${CMAKE_SOURCE_DIR}
    COMMENT "Running ${id}"
    VERBATIM)
  set_property(GLOBAL APPEND PROPERTY LIT_RUNS_${A_CHAPTER}
    ${LIT_OUT}/${id}.json ${LIT_OUT}/${id}.txt)

  # The same run as a test: run afresh, checked against the same expectations.
  # A run that says it cannot run here (skip=N) exits 77: reported as skipped.
  add_test(NAME ${id}
    COMMAND ${LIT_TOOLS}/run ${run_args} --out ${LIT_TEST_OUT} --skip-exit 77
    WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
  math(EXPR test_timeout "${A_TIMEOUT} * ${LIT_TIMEOUT_SCALE} + 30")
  # book_suite: the leak checks of tests/CMakeLists.txt run after every run,
  # and count the processes that carry the suite's mark, BOOK_SUITE.
  set_tests_properties(${id} PROPERTIES
    TIMEOUT ${test_timeout}
    LABELS "${A_LABELS}"
    PROCESSORS ${A_RANKS}
    FIXTURES_REQUIRED book_suite
    SKIP_RETURN_CODE 77)
  set_property(TEST ${id} APPEND PROPERTY ENVIRONMENT "BOOK_SUITE=${CMAKE_BINARY_DIR}"
    "TMPDIR=${CMAKE_BINARY_DIR}/suite-tmp")
  if(A_SERIAL)
    set_tests_properties(${id} PROPERTIES RUN_SERIAL TRUE)
  endif()
  # LeakSanitizer reports Open MPI's own allocations at exit, some made in
  # components it has already unloaded (so no suppression can name them):
  # MPI runs are checked for everything but leaks.
  if(LIT_VARIANT STREQUAL "asan" AND "mpi" IN_LIST A_LABELS)
    set_property(TEST ${id} APPEND PROPERTY ENVIRONMENT "ASAN_OPTIONS=detect_leaks=0")
  endif()
endfunction()

# A figure: plot draws build/html/figures/ID.svg from the run's capture, again
# whenever the run or the plot's script changes.
function(lit_plot id)
  cmake_parse_arguments(A "" "CHAPTER;RUN" "" ${ARGN})
  set(spec ${LIT_GEN}/plots/${id}.plot)
  set(svg ${LIT_HTML}/figures/${id}.svg)
  foreach(ext svg dat gp)
    set_property(GLOBAL APPEND PROPERTY LIT_FIGURE_FILES ${LIT_HTML}/figures/${id}.${ext})
  endforeach()
  add_custom_command(
    OUTPUT ${svg}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${LIT_HTML}/figures
    COMMAND ${LIT_SHARED} ${LIT_TOOLS}/plot --spec ${spec} --captures ${LIT_OUT} --out ${svg}
    DEPENDS ${spec} ${LIT_TOOLS}/plot ${LIT_OUT}/${A_RUN}.txt ${LIT_OUT}/${A_RUN}.json
    COMMENT "Drawing figures/${id}.svg"
    VERBATIM)
  set_property(GLOBAL APPEND PROPERTY LIT_FIGURES_${A_CHAPTER} ${svg})
endfunction()

# An exercise (tangle/exercise.h). Its starting file is compiled with the
# book's flags, so that a reader starts from a file that builds; it is no
# program of the book. `make exercises` builds the readers' answers in a
# project of their own (tangle/answers/), from this manifest's line.
function(lit_exercise id)
  cmake_parse_arguments(A "" "CHAPTER;STARTER;PROGRAM" "LIBS;VARIANTS;RUNS" ${ARGN})
  string(REPLACE "." "_" tid ${id})
  # Its solution is left out of the code reference, which students read too.
  string(REGEX REPLACE "^exercises/" "" solution ${A_STARTER})
  set_property(GLOBAL APPEND PROPERTY LIT_SOLUTION_FILES ${solution})
  add_library(lit_starter_${tid} OBJECT ${LIT_SNIPPETS}/${A_STARTER})
  target_include_directories(lit_starter_${tid} PRIVATE ${LIT_SNIPPETS})
  set_target_properties(lit_starter_${tid} PROPERTIES C_COMPILER_LAUNCHER "${LIT_LAUNCHER}")
  lit_link(lit_starter_${tid} PRIVATE ${A_LIBS})
endfunction()

# A chapter; QUOTES are the runs of other chapters whose values its prose
# quotes (tangle/quote.h): its page is woven again whenever one of them runs.
function(lit_chapter slug)
  cmake_parse_arguments(A "" "SOURCE" "RUNS;QUOTES" ${ARGN})
  set_property(GLOBAL APPEND PROPERTY LIT_CHAPTERS ${slug})
  set_property(GLOBAL PROPERTY LIT_SOURCE_${slug} ${A_SOURCE})
  set_property(GLOBAL PROPERTY LIT_QUOTES_${slug} ${A_QUOTES})
endfunction()

# Every file tangle writes under snippets/ (the code reference documents them).
function(lit_snippets)
  set_property(GLOBAL APPEND PROPERTY LIT_SNIPPET_FILES ${ARGN})
endfunction()

# Remove from @dir the files matching the globs that are not in @keep: what
# the book no longer defines (a deleted or renamed program, run, figure or
# chapter) leaves nothing behind. Runs at configure, which follows every
# change of the manifest.
function(lit_prune dir)
  cmake_parse_arguments(A "" "" "GLOBS;KEEP" ${ARGN})
  set(patterns)
  foreach(g IN LISTS A_GLOBS)
    list(APPEND patterns ${dir}/${g})
  endforeach()
  file(GLOB present LIST_DIRECTORIES false ${patterns})
  foreach(f IN LISTS present)
    if(NOT f IN_LIST A_KEEP)
      file(REMOVE ${f})
      file(RELATIVE_PATH shown ${CMAKE_BINARY_DIR} ${f})
      message(STATUS "Removed ${shown}: the book no longer defines it")
    endif()
  endforeach()
endfunction()

# Pages: meta (title, summary) per chapter, the woven Markdown, the HTML page,
# the front page, and the whole book as one PDF.
function(lit_finish)
  get_property(chapters GLOBAL PROPERTY LIT_CHAPTERS)
  set(assets ${CMAKE_SOURCE_DIR}/book/assets)
  set(weave ${LIT_TOOLS}/weave)
  set(index_src ${CMAKE_SOURCE_DIR}/book/index.md)
  lit_stamp(index_stamp ${index_src})
  foreach(asset page.html print.html front.html print.css)
    lit_stamp(stamp_${asset} ${assets}/${asset})
  endforeach()

  add_custom_command(
    OUTPUT ${LIT_MD}/index.meta.json
    COMMAND ${weave} meta ${index_src} ${LIT_MD}/index.meta.json
    DEPENDS ${index_stamp} ${weave}
    COMMENT "Reading the front page"
    VERBATIM)
  set(metas ${LIT_MD}/index.meta.json)
  foreach(slug IN LISTS chapters)
    get_property(src GLOBAL PROPERTY LIT_SOURCE_${slug})
    lit_stamp(stamp ${CMAKE_SOURCE_DIR}/${src})
    # The chapter's numbers and those of the labels it references
    # (tangle/xref.h), rewritten by tangle only when they change: a chapter
    # inserted before this one, or a section it references renumbered.
    set(xref ${LIT_GEN}/xrefs/${slug}.xref)
    add_custom_command(
      OUTPUT ${LIT_MD}/${slug}.meta.json
      COMMAND ${weave} meta ${src} ${LIT_MD}/${slug}.meta.json --xref ${xref}
      DEPENDS ${stamp} ${weave} ${xref}
      WORKING_DIRECTORY ${CMAKE_SOURCE_DIR}
      COMMENT "Reading the title of ${slug}"
      VERBATIM)
    list(APPEND metas ${LIT_MD}/${slug}.meta.json)
  endforeach()

  # One copy of the stylesheets and scripts next to the pages.
  file(GLOB asset_files CONFIGURE_DEPENDS ${assets}/*.css ${assets}/*.js)
  set(copied)
  foreach(f IN LISTS asset_files)
    get_filename_component(name ${f} NAME)
    lit_stamp(stamp ${f})
    add_custom_command(
      OUTPUT ${LIT_HTML}/assets/${name}
      COMMAND ${CMAKE_COMMAND} -E copy_if_different ${f} ${LIT_HTML}/assets/${name}
      DEPENDS ${stamp}
      VERBATIM)
    list(APPEND copied ${LIT_HTML}/assets/${name})
  endforeach()

  # What the fonts of this machine can draw (tangle/glyphs.h): a chapter or
  # output with a character none of them has fails at its line, rather than
  # printing a blank. Read at configure; rewritten only when it changes.
  find_program(LIT_FC_LIST fc-list REQUIRED)   # fontconfig, deps/packages.txt
  execute_process(COMMAND ${LIT_FC_LIST} --format "%{charset}\n" OUTPUT_VARIABLE charsets RESULT_VARIABLE rc)
  if(rc)
    message(FATAL_ERROR "fc-list cannot list the fonts' coverage")
  endif()
  string(REPLACE "\n" ";" charsets "${charsets}")
  list(SORT charsets)
  list(REMOVE_DUPLICATES charsets)
  list(JOIN charsets "\n" charsets)
  file(WRITE ${LIT_GEN}/fonts.charset.new "${charsets}\n")
  file(COPY_FILE ${LIT_GEN}/fonts.charset.new ${LIT_GEN}/fonts.charset ONLY_IF_DIFFERENT)
  file(REMOVE ${LIT_GEN}/fonts.charset.new)

  set(pandoc_html ${LIT_SHARED} pandoc --from markdown --to html5 --standalone
      --template ${assets}/page.html --section-divs --toc --toc-depth 2)
  set(pages)
  set(search_records)
  set(woven)
  foreach(slug IN LISTS chapters)
    get_property(src GLOBAL PROPERTY LIT_SOURCE_${slug})
    get_property(runs GLOBAL PROPERTY LIT_RUNS_${slug})
    get_property(figures GLOBAL PROPERTY LIT_FIGURES_${slug})
    get_property(quoted GLOBAL PROPERTY LIT_QUOTES_${slug})
    lit_stamp(stamp ${CMAKE_SOURCE_DIR}/${src})
    # The captures of the runs of other chapters it quotes, and their run
    # files (the values they define): a change re-weaves this page.
    set(quoted_args)
    set(quoted_files)
    foreach(id IN LISTS quoted)
      list(APPEND quoted_args --quoted-run ${id})
      list(APPEND quoted_files ${LIT_OUT}/${id}.json ${LIT_OUT}/${id}.txt ${LIT_GEN}/runs/${id}.run)
    endforeach()
    set(xref ${LIT_GEN}/xrefs/${slug}.xref)
    # One weave, three texts: the screen page's, the print page's (no link
    # into the build tree, long lines wrapped and marked) and the EPUB's.
    add_custom_command(
      OUTPUT ${LIT_MD}/${slug}.md ${LIT_MD}/${slug}.yaml ${LIT_MD}/${slug}.print.md ${LIT_MD}/${slug}.epub.md
             ${LIT_MD}/${slug}.search ${LIT_MD}/${slug}.solutions.md
      COMMAND ${weave} chapter ${src} --runs ${LIT_OUT}
              --out ${LIT_MD}/${slug}.md --page ${LIT_MD}/${slug}.yaml
              --print-out ${LIT_MD}/${slug}.print.md --epub-out ${LIT_MD}/${slug}.epub.md
              --xref ${xref} --base-url "${BOOK_BASE_URL}" --search ${LIT_MD}/${slug}.search
              --glyphs ${LIT_GEN}/fonts.charset
              --solutions ${LIT_MD}/${slug}.solutions.md
              --snippets-url ../../snippets --outputs-url ../out
              --reference-url ../docs/programs/html --verify ${CMAKE_SOURCE_DIR} ${LIT_BIN}
              --root ${CMAKE_SOURCE_DIR} --gen ${LIT_GEN} ${quoted_args} ${metas}
      DEPENDS ${stamp} ${weave} ${metas} ${runs} ${quoted_files} ${xref} ${LIT_GEN}/fonts.charset
      WORKING_DIRECTORY ${CMAKE_SOURCE_DIR}
      COMMENT "Weaving ${slug}"
      VERBATIM)
    add_custom_command(
      OUTPUT ${LIT_HTML}/${slug}.html
      COMMAND ${pandoc_html} --metadata-file ${LIT_MD}/${slug}.yaml
              -o ${LIT_HTML}/${slug}.html.tmp ${LIT_MD}/${slug}.md
      COMMAND ${LIT_REPLACE} ${LIT_HTML}/${slug}.html.tmp ${LIT_HTML}/${slug}.html
      DEPENDS ${LIT_MD}/${slug}.md ${LIT_MD}/${slug}.yaml ${stamp_page.html} ${figures}
      COMMENT "Rendering html/${slug}.html"
      VERBATIM)
    list(APPEND pages ${LIT_HTML}/${slug}.html)
    list(APPEND woven ${LIT_MD}/${slug}.md)
    list(APPEND search_records ${LIT_MD}/${slug}.search)
    list(APPEND all_figures ${figures})
  endforeach()

  add_custom_command(
    OUTPUT ${LIT_MD}/index.md ${LIT_MD}/index.yaml ${LIT_MD}/epub.yaml
    COMMAND ${weave} index ${index_src} --out ${LIT_MD}/index.md
            --page ${LIT_MD}/index.yaml --epub-meta ${LIT_MD}/epub.yaml ${metas}
    DEPENDS ${index_stamp} ${weave} ${metas}
    COMMENT "Weaving the front page"
    VERBATIM)
  add_custom_command(
    OUTPUT ${LIT_HTML}/index.html
    COMMAND ${pandoc_html} --metadata-file ${LIT_MD}/index.yaml
            -o ${LIT_HTML}/index.html.tmp ${LIT_MD}/index.md
    COMMAND ${LIT_REPLACE} ${LIT_HTML}/index.html.tmp ${LIT_HTML}/index.html
    DEPENDS ${LIT_MD}/index.md ${LIT_MD}/index.yaml ${stamp_page.html}
    COMMENT "Rendering html/index.html"
    VERBATIM)
  # Search: every chapter's records joined into the index the pages load,
  # matched by lunr.js, Debian's libjs-lunr (tangle/search.h).
  add_custom_command(
    OUTPUT ${LIT_HTML}/search-index.js
    COMMAND ${weave} search ${LIT_HTML}/search-index.js ${search_records}
    DEPENDS ${weave} ${search_records}
    COMMENT "Indexing the book for search"
    VERBATIM)
  set(lunr /usr/share/javascript/lunr/lunr.min.js)
  if(NOT EXISTS ${lunr})
    message(FATAL_ERROR "${lunr} is missing: make deps installs libjs-lunr")
  endif()
  add_custom_command(
    OUTPUT ${LIT_HTML}/assets/lunr.js
    COMMAND ${CMAKE_COMMAND} -E copy_if_different ${lunr} ${LIT_HTML}/assets/lunr.js
    DEPENDS ${lunr}
    VERBATIM)
  list(APPEND copied ${LIT_HTML}/assets/lunr.js)
  add_custom_target(html ${LIT_RENDER_ALL} DEPENDS ${pages} ${LIT_HTML}/index.html ${copied}
    ${LIT_HTML}/search-index.js)

  # The PDF. Each chapter is laid out on its own, its page numbers
  # continuing from the chapter before (pdf/NN.start.css), so that an edit
  # lays out that chapter again, not the book; the later chapters follow only
  # if its page count changed (pdf/NN.pages and the start files are rewritten
  # only when they change). pdfbook.py then adds the front matter and joins
  # the chapters, keeping their bookmarks. The print pages sit beside the
  # screen pages, so the same relative links (figures/, ../../snippets/) hold.
  set(pdfbook ${LIT_PYTHON} ${CMAKE_SOURCE_DIR}/tangle/pdfbook.py)
  file(MAKE_DIRECTORY ${LIT_PDF})
  set(chapter_pdfs)
  set(previous)
  foreach(slug IN LISTS chapters)
    string(SUBSTRING ${slug} 0 2 number)
    set(print_html ${LIT_HTML}/${slug}.print.html)
    set(start ${LIT_PDF}/${slug}.start.css)
    if(NOT previous)
      file(WRITE ${start}.new "@page :first { counter-reset: page 1; }\n")
      file(COPY_FILE ${start}.new ${start} ONLY_IF_DIFFERENT)
      file(REMOVE ${start}.new)
    else()
      add_custom_command(
        OUTPUT ${start}
        COMMAND ${pdfbook} start ${LIT_PDF}/${previous}.start.css ${LIT_PDF}/${previous}.pages ${start}
        DEPENDS ${LIT_PDF}/${previous}.start.css ${LIT_PDF}/${previous}.pages
        COMMENT "Numbering the pages of ${slug}"
        VERBATIM)
    endif()
    get_property(figures GLOBAL PROPERTY LIT_FIGURES_${slug})
    add_custom_command(
      OUTPUT ${print_html}
      COMMAND ${LIT_SHARED} pandoc --from markdown --to html5 --standalone
              --template ${assets}/print.html --section-divs --id-prefix ch${number}-
              --metadata-file ${LIT_MD}/${slug}.yaml --css ${assets}/print.css
              -o ${print_html}.tmp ${LIT_MD}/${slug}.print.md
      COMMAND sed -E -i -f ${CMAKE_SOURCE_DIR}/tangle/print-slim.sed ${print_html}.tmp
      COMMAND ${LIT_REPLACE} ${print_html}.tmp ${print_html}
      DEPENDS ${LIT_MD}/${slug}.print.md ${LIT_MD}/${slug}.yaml ${stamp_print.html}
              ${CMAKE_SOURCE_DIR}/tangle/print-slim.sed
      COMMENT "Rendering html/${slug}.print.html"
      VERBATIM)
    add_custom_command(
      OUTPUT ${LIT_PDF}/${slug}.pdf
      COMMAND ${LIT_SHARED} weasyprint --quiet -s ${start} ${print_html} ${LIT_PDF}/${slug}.pdf.tmp
      COMMAND ${CMAKE_COMMAND} -E rename ${LIT_PDF}/${slug}.pdf.tmp ${LIT_PDF}/${slug}.pdf
      DEPENDS ${print_html} ${start} ${stamp_print.css} ${figures}
      COMMENT "Laying out pdf/${slug}.pdf (WeasyPrint)"
      VERBATIM)
    add_custom_command(
      OUTPUT ${LIT_PDF}/${slug}.pages
      COMMAND ${pdfbook} pages ${LIT_PDF}/${slug}.pdf ${LIT_PDF}/${slug}.pages
      DEPENDS ${LIT_PDF}/${slug}.pdf
      VERBATIM)
    list(APPEND chapter_pdfs ${LIT_PDF}/${slug}.pdf)
    set(previous ${slug})
  endforeach()
  # The book's index, after its last chapter (lit_book_index below).
  if(chapters)
    lit_book_index("${chapters}" ${previous} index_pdf)
  endif()
  add_custom_command(
    OUTPUT ${LIT_PDF}/book.pdf
    COMMAND ${LIT_SHARED} ${pdfbook} assemble --meta ${LIT_MD}/index.meta.json --front ${assets}/front.html
            --css ${assets}/print.css ${LIT_PDF}/book.pdf ${chapter_pdfs} ${index_pdf}
    DEPENDS ${chapter_pdfs} ${index_pdf} ${LIT_MD}/index.meta.json ${stamp_front.html} ${stamp_print.css}
            ${CMAKE_SOURCE_DIR}/tangle/pdfbook.py
    COMMENT "Assembling pdf/book.pdf"
    VERBATIM)
  add_custom_target(pdf ${LIT_RENDER_ALL} DEPENDS ${LIT_PDF}/book.pdf ${chapter_pdfs})
  lit_instructor("${chapters}" "${metas}" "${chapter_pdfs};${index_pdf}")

  # The EPUB: the chapters' EPUB texts as one document, which pandoc splits
  # at the chapters, with the figures (from html/) and the outputs.
  set(LIT_EPUB ${CMAKE_BINARY_DIR}/epub)
  set(epub_texts)
  foreach(slug IN LISTS chapters)
    list(APPEND epub_texts ${LIT_MD}/${slug}.epub.md)
  endforeach()
  lit_stamp(stamp_epub_css ${assets}/epub.css)
  add_custom_command(
    OUTPUT ${LIT_EPUB}/book.epub
    COMMAND ${CMAKE_COMMAND} -E make_directory ${LIT_EPUB}
    COMMAND ${LIT_SHARED} pandoc --from markdown --to epub3 --standalone --epub-chapter-level 1
            --toc --toc-depth 2 --metadata-file ${LIT_MD}/epub.yaml --css ${assets}/epub.css
            --resource-path ${LIT_HTML} -o ${LIT_EPUB}/book.epub.tmp ${epub_texts}
    COMMAND ${CMAKE_COMMAND} -E rename ${LIT_EPUB}/book.epub.tmp ${LIT_EPUB}/book.epub
    DEPENDS ${epub_texts} ${LIT_MD}/epub.yaml ${stamp_epub_css} ${all_figures}
    COMMENT "Writing epub/book.epub (pandoc)"
    VERBATIM)
  add_custom_target(epub ${LIT_RENDER_ALL} DEPENDS ${LIT_EPUB}/book.epub)

  # What the book no longer defines goes.
  get_property(binaries GLOBAL PROPERTY LIT_BINARIES)
  get_property(run_files GLOBAL PROPERTY LIT_RUN_FILES)
  get_property(figure_files GLOBAL PROPERTY LIT_FIGURE_FILES)
  set(pages ${LIT_HTML}/index.html)
  set(md ${LIT_MD}/index.md ${LIT_MD}/index.yaml ${LIT_MD}/index.meta.json ${LIT_MD}/epub.yaml)
  # book.pdf.front.*: pdfbook.py's front matter, kept to be laid out again only when it changes.
  set(pdfs ${LIT_PDF}/book.pdf ${LIT_PDF}/book.pdf.front.html ${LIT_PDF}/book.pdf.front.pdf
    ${LIT_PDF}/book-index.pdf ${LIT_PDF}/book-index.pages ${LIT_PDF}/book-index.start.css
    ${LIT_PDF}/solutions.pdf ${LIT_PDF}/solutions.start.css ${LIT_PDF}/instructor.pdf
    ${LIT_PDF}/instructor.pdf.front.html ${LIT_PDF}/instructor.pdf.front.pdf)
  list(APPEND md ${LIT_MD}/solutions.md ${LIT_MD}/solutions.yaml)
  foreach(slug IN LISTS chapters)
    list(APPEND pages ${LIT_HTML}/${slug}.html ${LIT_HTML}/${slug}.print.html)
    list(APPEND md ${LIT_MD}/${slug}.md ${LIT_MD}/${slug}.yaml ${LIT_MD}/${slug}.meta.json
         ${LIT_MD}/${slug}.print.md ${LIT_MD}/${slug}.epub.md ${LIT_MD}/${slug}.search
         ${LIT_MD}/${slug}.solutions.md)
    list(APPEND pdfs ${LIT_PDF}/${slug}.pdf ${LIT_PDF}/${slug}.pages ${LIT_PDF}/${slug}.start.css)
  endforeach()
  lit_prune(${LIT_BIN} GLOBS * KEEP ${binaries})
  lit_prune(${LIT_OUT} GLOBS * KEEP ${run_files})
  lit_prune(${LIT_TEST_OUT} GLOBS * KEEP ${run_files})
  lit_prune(${LIT_HTML}/figures GLOBS * KEEP ${figure_files})
  lit_prune(${LIT_HTML} GLOBS *.html *.tmp *.js KEEP ${pages} ${LIT_HTML}/search-index.js)
  lit_prune(${LIT_HTML}/assets GLOBS * KEEP ${copied})
  lit_prune(${LIT_MD} GLOBS * KEEP ${md})
  lit_prune(${LIT_PDF} GLOBS * KEEP ${pdfs})
  lit_prune(${CMAKE_BINARY_DIR}/epub GLOBS * KEEP ${CMAKE_BINARY_DIR}/epub/book.epub)
endfunction()

# The PDF's index: every term the book defines ([term]{.dfn}, tangle/prose.h),
# with the page of its definition and the pages that use it, laid out after
# the last chapter (@p last), its pages numbered on from there. Its file goes
# to @p out_var.
function(lit_book_index chapters last out_var)
  set(pdfbook ${LIT_PYTHON} ${CMAKE_SOURCE_DIR}/tangle/pdfbook.py)
  set(parts)
  set(deps)
  foreach(slug IN LISTS chapters)
    list(APPEND parts ${LIT_PDF}/${slug}.pdf:${LIT_HTML}/${slug}.print.html:${LIT_PDF}/${slug}.start.css)
    list(APPEND deps ${LIT_PDF}/${slug}.pdf ${LIT_HTML}/${slug}.print.html ${LIT_PDF}/${slug}.start.css)
  endforeach()
  lit_stamp(stamp_css ${CMAKE_SOURCE_DIR}/book/assets/print.css)
  add_custom_command(
    OUTPUT ${LIT_PDF}/book-index.start.css
    COMMAND ${pdfbook} start ${LIT_PDF}/${last}.start.css ${LIT_PDF}/${last}.pages ${LIT_PDF}/book-index.start.css
    DEPENDS ${LIT_PDF}/${last}.start.css ${LIT_PDF}/${last}.pages
    COMMENT "Numbering the pages of the index"
    VERBATIM)
  add_custom_command(
    OUTPUT ${LIT_PDF}/book-index.pdf
    COMMAND ${LIT_SHARED} ${pdfbook} index --css ${CMAKE_SOURCE_DIR}/book/assets/print.css
            --start ${LIT_PDF}/book-index.start.css ${LIT_PDF}/book-index.pdf ${parts}
    DEPENDS ${deps} ${LIT_PDF}/book-index.start.css ${stamp_css} ${CMAKE_SOURCE_DIR}/tangle/pdfbook.py
    COMMENT "Laying out the index (pdf/book-index.pdf)"
    VERBATIM)
  add_custom_command(
    OUTPUT ${LIT_PDF}/book-index.pages
    COMMAND ${pdfbook} pages ${LIT_PDF}/book-index.pdf ${LIT_PDF}/book-index.pages
    DEPENDS ${LIT_PDF}/book-index.pdf
    VERBATIM)
  set(${out_var} ${LIT_PDF}/book-index.pdf PARENT_SCOPE)
endfunction()

# The instructor edition (`make instructor`): the student edition's pages and
# a last one, "Solutions to the exercises", made of every chapter's solutions
# (weave chapter --solutions, tangle/edition.h), in build/html-instructor/,
# and its PDF, build/pdf/instructor.pdf: the book's PDF with the solutions
# as an appendix after the index. The student edition (build/html/,
# build/pdf/book.pdf) never holds a solution; tests/edition/ checks both.
function(lit_instructor chapters metas book_parts)
  set(pdfbook ${LIT_PYTHON} ${CMAKE_SOURCE_DIR}/tangle/pdfbook.py)
  set(assets ${CMAKE_SOURCE_DIR}/book/assets)
  set(dir ${CMAKE_BINARY_DIR}/html-instructor)
  set(solutions)
  set(pages ${LIT_HTML}/index.html)
  set(figures)
  foreach(slug IN LISTS chapters)
    list(APPEND solutions ${LIT_MD}/${slug}.solutions.md)
    list(APPEND pages ${LIT_HTML}/${slug}.html)
    get_property(f GLOBAL PROPERTY LIT_FIGURES_${slug})
    list(APPEND figures ${f})
  endforeach()
  lit_stamp(stamp_page ${assets}/page.html)
  lit_stamp(stamp_print ${assets}/print.html)
  lit_stamp(stamp_css ${assets}/print.css)
  add_custom_command(
    OUTPUT ${LIT_MD}/solutions.md ${LIT_MD}/solutions.yaml
    COMMAND ${LIT_TOOLS}/weave solutions ${LIT_MD}/solutions.md --page ${LIT_MD}/solutions.yaml
            ${metas} ${solutions}
    DEPENDS ${LIT_TOOLS}/weave ${metas} ${solutions}
    COMMENT "Weaving the solutions (instructor edition)"
    VERBATIM)
  # The student pages, copied with a link to the solutions in their list of
  # chapters, then the solutions' own page.
  add_custom_command(
    OUTPUT ${dir}/solutions.html
    COMMAND ${LIT_PYTHON} ${CMAKE_SOURCE_DIR}/tangle/pdfbook.py instructor-copy ${LIT_HTML} ${dir}
    COMMAND ${LIT_SHARED} pandoc --from markdown --to html5 --standalone --template ${assets}/page.html
            --section-divs --toc --toc-depth 2 --metadata-file ${LIT_MD}/solutions.yaml
            -o ${dir}/solutions.html ${LIT_MD}/solutions.md
    DEPENDS ${pages} ${figures} ${LIT_MD}/solutions.md ${LIT_MD}/solutions.yaml ${stamp_page} html
            ${CMAKE_SOURCE_DIR}/tangle/pdfbook.py
    COMMENT "The instructor edition's pages (html-instructor/)"
    VERBATIM)
  add_custom_command(
    OUTPUT ${LIT_PDF}/solutions.start.css
    COMMAND ${pdfbook} start ${LIT_PDF}/book-index.start.css ${LIT_PDF}/book-index.pages
            ${LIT_PDF}/solutions.start.css
    DEPENDS ${LIT_PDF}/book-index.start.css ${LIT_PDF}/book-index.pages
    VERBATIM)
  add_custom_command(
    OUTPUT ${LIT_PDF}/solutions.pdf
    COMMAND ${LIT_SHARED} pandoc --from markdown --to html5 --standalone --template ${assets}/print.html
            --section-divs --id-prefix solutions- --metadata-file ${LIT_MD}/solutions.yaml
            --css ${assets}/print.css -o ${dir}/solutions.print.html ${LIT_MD}/solutions.md
    COMMAND sed -E -i -f ${CMAKE_SOURCE_DIR}/tangle/print-slim.sed ${dir}/solutions.print.html
    COMMAND ${LIT_SHARED} weasyprint --quiet -s ${LIT_PDF}/solutions.start.css ${dir}/solutions.print.html
            ${LIT_PDF}/solutions.pdf.tmp
    COMMAND ${CMAKE_COMMAND} -E rename ${LIT_PDF}/solutions.pdf.tmp ${LIT_PDF}/solutions.pdf
    DEPENDS ${LIT_MD}/solutions.md ${LIT_MD}/solutions.yaml ${LIT_PDF}/solutions.start.css ${stamp_print}
            ${stamp_css} ${dir}/solutions.html
    COMMENT "Laying out pdf/solutions.pdf (WeasyPrint)"
    VERBATIM)
  add_custom_command(
    OUTPUT ${LIT_PDF}/instructor.pdf
    COMMAND ${LIT_SHARED} ${pdfbook} assemble --meta ${LIT_MD}/index.meta.json --front ${assets}/front.html
            --css ${assets}/print.css ${LIT_PDF}/instructor.pdf ${book_parts} ${LIT_PDF}/solutions.pdf
    DEPENDS ${book_parts} ${LIT_PDF}/solutions.pdf ${LIT_MD}/index.meta.json ${CMAKE_SOURCE_DIR}/tangle/pdfbook.py
    COMMENT "Assembling pdf/instructor.pdf"
    VERBATIM)
  add_custom_target(instructor DEPENDS ${dir}/solutions.html ${LIT_PDF}/instructor.pdf)
endfunction()
