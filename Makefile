# Makefile - the front door: thin targets over CMake, CTest and the toolchain.
# `make help` lists them. Everything generated goes to build/.

BUILD   := build
PRESET  ?= default
N       ?= 4
# Open MPI refuses root and more ranks than cores unless told; the book's
# own runs set the same (tangle/run_main.c), so commands stay the plain ones.
MPI_ENV := OMPI_MCA_rmaps_base_oversubscribe=1 \
           $(if $(filter 0,$(shell id -u)),OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1)
CHAPTERS = $(sort $(wildcard book/[0-9][0-9]-*.md))

.DEFAULT_GOAL := book
.PHONY: book all test pdf html run deps deps-check configure clean help check-drift \
        test-tsan test-asan

book all: deps-check $(BUILD)/build.ninja  ## the whole book: programs, runs, HTML and PDF
	@cmake --build $(BUILD)
	@echo "book: $(BUILD)/html/index.html and $(BUILD)/pdf/book.pdf"

html: deps-check $(BUILD)/build.ninja  ## the HTML pages only
	@cmake --build $(BUILD) --target html

pdf: deps-check $(BUILD)/build.ninja  ## the PDF only
	@cmake --build $(BUILD) --target pdf

test: book  ## build the book, then run every test (toolchain, drift, render, every run block)
	@ctest --test-dir $(BUILD) --output-on-failure -j2

test-tsan: deps-check  ## the thread and libuv programs and the toolchain under ThreadSanitizer
	@cmake --preset tsan >/dev/null
	@cmake --build --preset tsan
	@ctest --preset tsan -j2 -L 'threads|uv|tangle' -LE slow

test-asan: deps-check  ## every program and the toolchain under AddressSanitizer and UBSan
	@cmake --preset asan >/dev/null
	@cmake --build --preset asan
	@ctest --preset asan -j2 -LE 'slow|render' 

run: deps-check $(BUILD)/build.ninja  ## build and run one program: make run P=barrier [ARGS="..."] [N=ranks]
	@test -n "$(P)" || { echo "usage: make run P=<program> [ARGS=...] [N=<ranks, for MPI>]"; \
	    echo "programs:"; cut -f1 $(BUILD)/gen/programs.tsv | column -c 100; exit 2; }
	@grep -q "^$(P)	" $(BUILD)/gen/programs.tsv || { echo "make run: no program '$(P)' in the book"; \
	    echo "programs:"; cut -f1 $(BUILD)/gen/programs.tsv | column -c 100; exit 2; }
	@cmake --build $(BUILD) --target prog_$(P)
	@if grep -q "^$(P)	mpi	" $(BUILD)/gen/programs.tsv; then \
	    echo "$$ mpiexec -n $(N) $(BUILD)/bin/$(P) $(ARGS)"; \
	    env $(MPI_ENV) mpiexec -n $(N) $(BUILD)/bin/$(P) $(ARGS); \
	else \
	    echo "$$ $(BUILD)/bin/$(P) $(ARGS)"; \
	    $(BUILD)/bin/$(P) $(ARGS); \
	fi

check-drift: $(BUILD)/build.ninja  ## fail when snippets/ differs from a fresh tangle of book/
	@$(BUILD)/toolchain/tangle --check --snippets snippets $(CHAPTERS)

$(BUILD)/build.ninja:
	@cmake --preset $(PRESET)

configure: deps-check  ## (re)configure the default build
	@cmake --preset $(PRESET)

deps:  ## install the Debian packages the book needs (deps/packages.txt)
	@deps/install.sh

deps-check:
	@deps/install.sh --check >/dev/null || deps/install.sh

clean:  ## remove everything generated (build/)
	rm -rf $(BUILD)

help:  ## this list
	@echo "make targets:"
	@grep -E '^[a-z -]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | awk -F'\t' '{printf "  %-18s %s\n", $$1, $$2}'
