# flags.cmake - how the book compiles its programs, in one place: the book's
# build (CMakeLists.txt) and the build of the readers' answers to the
# exercises (tangle/answers/) both include it, so that an answer is compiled
# exactly as the reference solution it replaces. LIT_ROOT is the repository.
set(CMAKE_C_STANDARD 17)
set(CMAKE_C_STANDARD_REQUIRED ON)
set(CMAKE_C_EXTENSIONS OFF)
add_compile_options(-Wall -Wextra -Werror -pedantic)
# The programs name their sources relative to the repository (snippets/...),
# in __FILE__, assertions and the debug information sanitizers report from,
# so that the book reads the same wherever it was built.
add_compile_options(-ffile-prefix-map=${LIT_ROOT}/=)
add_compile_definitions(_POSIX_C_SOURCE=200809L)

# The sanitizer builds of a program (variants="tsan asan", NAME-tsan).
set(LIT_SANITIZE_tsan -fsanitize=thread -g -O1)
set(LIT_SANITIZE_asan -fsanitize=address,undefined -fno-omit-frame-pointer -g -O1)

# Map the library names tangle infers from #include lines to CMake targets
# (the support library is the target lit_common).
function(lit_link target scope)
  foreach(lib IN LISTS ARGN)
    if(lib STREQUAL "common")
      target_link_libraries(${target} ${scope} lit_common)
    elseif(lib STREQUAL "threads")
      target_link_libraries(${target} ${scope} Threads::Threads)
    elseif(lib STREQUAL "mpi")
      target_link_libraries(${target} ${scope} MPI::MPI_C)
    elseif(lib STREQUAL "uv")
      target_link_libraries(${target} ${scope} PkgConfig::UV)
    elseif(lib STREQUAL "m" OR lib STREQUAL "rt")
      target_link_libraries(${target} ${scope} ${lib})
    else()
      message(FATAL_ERROR "lit: unknown library '${lib}' in the manifest")
    endif()
  endforeach()
endfunction()
