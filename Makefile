# Makefile - the front door: thin targets over CMake, CTest and the toolchain.
# `make help` lists them. Everything generated goes to build/.

BUILD   := build
PRESET  ?= default
N       ?= 4
# Open MPI refuses root and more ranks than cores unless told; the book's
# own runs set the same (tangle/run_main.c), so commands stay the plain ones.
MPI_ENV := OMPI_MCA_rmaps_base_oversubscribe=1 OMPI_MCA_pml=ob1 \
           $(if $(filter 0,$(shell id -u)),OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1)
# One build at a time in $(BUILD)/: a second make waits for the first.
LOCKED  := sh tangle/locked.sh $(BUILD)
# ON=slurm: through Chapter 4's Slurm cluster (snippets/ch04/slurm.sh, root
# only), made for the one command and removed after it. An MPI program gets
# N ranks with srun --mpi=pmix, over as many of the three nodes as it has
# ranks; more ranks than the cluster's six CPUs need --overcommit. Any other
# program runs as one task. The program is named by its absolute path, which
# every node sees.
SLURM_RUN = prog=$(abspath $(BUILD))/bin/$(P); \
    if grep -q "^$(P)	mpi	" $(BUILD)/gen/programs.tsv; then \
        nodes=$$(( $(N) < 3 ? $(N) : 3 )); over=$$( [ $(N) -gt 6 ] && echo " --overcommit"); \
        set -- srun --mpi=pmix -N $$nodes -n $(N)$$over; \
    else set -- srun; fi; \
    echo "$$ sh snippets/ch04/slurm.sh $$* $$prog $(ARGS)"; \
    env $(MPI_ENV) sh snippets/ch04/slurm.sh "$$@" $$prog $(ARGS)

.DEFAULT_GOAL := book
.PHONY: book all test pdf html docs run watch serve fuzz bench deps deps-check configure clean help check-drift \
        test-tsan test-asan test-fresh configured toolchain untangle discard-snippet-edits instructor exercises exercise

book all: deps-check configured  ## the whole book: programs, runs, HTML, PDF, reference
	@$(LOCKED) cmake --build $(BUILD)
	@# An instructor edition built before is kept current (make instructor builds the first).
	@if [ -f $(BUILD)/pdf/instructor.pdf ]; then $(LOCKED) cmake --build $(BUILD) --target instructor; fi
	@echo "book: $(BUILD)/html/index.html, $(BUILD)/pdf/book.pdf, $(BUILD)/docs/programs/html/index.html"

html: deps-check configured  ## the HTML pages only
	@$(LOCKED) cmake --build $(BUILD) --target html

pdf: deps-check configured  ## the PDF only
	@$(LOCKED) cmake --build $(BUILD) --target pdf

docs: deps-check configured  ## the code reference only (Doxygen): build/docs/
	@$(LOCKED) cmake --build $(BUILD) --target docs

test: book instructor  ## build the book, then run every test (toolchain, drift, render, every run block)
	@$(LOCKED) ctest --test-dir $(BUILD) --output-on-failure -j2

instructor: deps-check configured  ## the instructor edition: build/html-instructor/, build/pdf/instructor.pdf (with the solutions)
	@$(LOCKED) cmake --build $(BUILD) --target instructor
	@echo "instructor edition: $(BUILD)/html-instructor/solutions.html, $(BUILD)/pdf/instructor.pdf"

# Your answers to the exercises live in a folder of your own (ANSWERS), outside
# book/, snippets/ and build/: the answer to exercise 2.1 is ANSWERS/ch02/NAME.c,
# NAME.c being the name of its starting file, snippets/exercises/ch02/NAME.c.
ANSWERS ?= answers
exercises: deps-check configured  ## grade your answers to the exercises (in ANSWERS=answers/), check by check
	@$(LOCKED) cmake --build $(BUILD) --target lit_tangle >/dev/null
	@$(BUILD)/toolchain/exercise --answers $(ANSWERS) --build $(BUILD)

exercise: deps-check configured  ## grade one answer, make exercise E=2.1 (starts it from its starting file if missing)
	@test -n "$(E)" || { echo "usage: make exercise E=N.M [ANSWERS=DIR]"; exit 2; }
	@$(LOCKED) cmake --build $(BUILD) --target lit_tangle >/dev/null
	@$(BUILD)/toolchain/exercise --answers $(ANSWERS) --build $(BUILD) --only $(E)

test-tsan: deps-check  ## the thread and libuv programs and the toolchain under ThreadSanitizer
	@cmake --preset tsan >/dev/null
	@cmake --build --preset tsan
	@ctest --preset tsan -j2 -L 'threads|uv|tangle' -LE slow

test-asan: deps-check  ## every program and the toolchain under AddressSanitizer and UBSan
	@cmake --preset asan >/dev/null
	@cmake --build --preset asan
	@ctest --preset asan -j2 -LE 'slow|render' 

test-fresh:  ## the README's two commands in a new minimal Debian 12 (debootstrap; root; long): build/fresh/report.txt
	@sh tests/debian/test-fresh.sh . $(BUILD)/fresh

run: deps-check configured  ## build and run one program: make run P=barrier_race [ARGS="..."] [N=ranks] [ON=slurm]
	@test -n "$(P)" || { echo "usage: make run P=<program> [ARGS=...] [N=<ranks, for MPI>] [ON=slurm]"; \
	    echo "programs:"; cut -f1 $(BUILD)/gen/programs.tsv | column -c 100; exit 2; }
	@test -z "$(ON)" || test "$(ON)" = slurm || { echo "make run: ON=slurm or nothing, not '$(ON)'"; exit 2; }
	@grep -q "^$(P)	" $(BUILD)/gen/programs.tsv || { echo "make run: no program '$(P)' in the book"; \
	    echo "programs:"; cut -f1 $(BUILD)/gen/programs.tsv | column -c 100; exit 2; }
	@$(LOCKED) cmake --build $(BUILD) --target prog_$(P)
	@if [ "$(ON)" = slurm ]; then \
	    $(SLURM_RUN); \
	elif grep -q "^$(P)	mpi	" $(BUILD)/gen/programs.tsv; then \
	    echo "$$ mpiexec -n $(N) $(BUILD)/bin/$(P) $(ARGS)"; \
	    env $(MPI_ENV) mpiexec -n $(N) $(BUILD)/bin/$(P) $(ARGS); \
	else \
	    echo "$$ $(BUILD)/bin/$(P) $(ARGS)"; \
	    $(BUILD)/bin/$(P) $(ARGS); \
	fi

watch: deps-check configured  ## rebuild the affected pages whenever a chapter or asset is saved
	@echo "watch: rebuilding on every save under book/ (Ctrl-C stops)"
	@touch $(BUILD)/.watch-stamp; \
	while :; do \
	    if [ -n "$$(find book -newer $(BUILD)/.watch-stamp -type f -print -quit)" ]; then \
	        touch $(BUILD)/.watch-stamp; \
	        echo "watch: $$(date +%T) rebuilding"; \
	        $(LOCKED) cmake --build $(BUILD) || echo "watch: the build failed; fix and save again"; \
	    fi; \
	    sleep 0.5; \
	done

PORT ?= 8000
serve: deps-check configured  ## preview on http://127.0.0.1:PORT (8000): rebuilds the pages on every save under book/, the open page reloads
	@$(LOCKED) cmake --build $(BUILD) --target html
	@$(BUILD)/toolchain/serve --html $(BUILD)/html --watch book --watch book/assets --port $(PORT) \
	    --build sh tangle/locked.sh $(BUILD) ninja -C $(BUILD) html

bench: book  ## the performance report: tangle vs notangle, rebuilds, examples vs limits (build/bench/)
	@$(shell command -v /usr/bin/python3 || echo python3) tests/bench/bench.py $(CURDIR) $(BUILD)/bench

FUZZ_SECONDS ?= 60
FUZZ_LIB = $(filter-out %_main.c,$(wildcard tangle/*.c))
fuzz: deps-check  ## fuzz the parser and tangle (libFuzzer, ASan+UBSan) for FUZZ_SECONDS (60)
	@mkdir -p $(BUILD)/fuzz/corpus
	clang -g -O1 -pthread -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
	    -D_POSIX_C_SOURCE=200809L -Itangle $(FUZZ_LIB) tests/fuzz/fuzz_tangle.c \
	    -o $(BUILD)/fuzz/fuzz_tangle
	$(BUILD)/fuzz/fuzz_tangle -max_total_time=$(FUZZ_SECONDS) -max_len=8192 -timeout=5 -rss_limit_mb=2048 \
	    -artifact_prefix=$(BUILD)/fuzz/ -print_final_stats=1 \
	    $(BUILD)/fuzz/corpus book tests/render $(wildcard tests/golden/*/*/) tests/golden/good/web/book tests/fuzz/seeds

check-drift: toolchain  ## fail when snippets/ is not exactly a fresh tangle of book/ (writes nothing)
	@$(BUILD)/toolchain/tangle --check --book book

untangle: toolchain  ## carry hand edits of snippets/ back into their chapters (when each lies in one block)
	@$(BUILD)/toolchain/tangle --untangle --book book

discard-snippet-edits: toolchain  ## tangle again over hand edits of snippets/ (they are lost)
	@$(BUILD)/toolchain/tangle --discard --book book

# The build directory, configured for this tree. A build tree copied or moved
# here from elsewhere holds the old tree's paths (and would build that tree):
# it is configured again. So is one whose build.ninja Ninja cannot load.
configured:
	@home=$$(sed -n 's/^CMAKE_HOME_DIRECTORY:INTERNAL=//p' $(BUILD)/CMakeCache.txt 2>/dev/null); \
	if [ -n "$$home" ] && [ "$$home" != "$(CURDIR)" ]; then \
	    echo "make: $(BUILD)/ was configured for $$home; configuring it again for $(CURDIR)"; \
	    rm -rf $(BUILD)/CMakeCache.txt $(BUILD)/CMakeFiles $(BUILD)/toolchain/CMakeCache.txt \
	        $(BUILD)/toolchain/CMakeFiles; \
	fi; \
	if [ ! -f $(BUILD)/build.ninja ] || ! ninja -C $(BUILD) -t query build.ninja >/dev/null 2>&1; then \
	    $(LOCKED) cmake --preset $(PRESET) >/dev/null || exit 1; \
	fi

# The toolchain alone (check-drift must not tangle, so it does not configure the book).
toolchain: configured-toolchain
	@cmake --build $(BUILD)/toolchain >/dev/null

.PHONY: configured-toolchain
configured-toolchain:
	@home=$$(sed -n 's/^CMAKE_HOME_DIRECTORY:INTERNAL=//p' $(BUILD)/toolchain/CMakeCache.txt 2>/dev/null); \
	if [ -n "$$home" ] && [ "$$home" != "$(CURDIR)/tangle" ]; then \
	    rm -rf $(BUILD)/toolchain/CMakeCache.txt $(BUILD)/toolchain/CMakeFiles; \
	fi; \
	[ -f $(BUILD)/toolchain/build.ninja ] || \
	    cmake -S tangle -B $(BUILD)/toolchain -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null

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
	@grep -E '^[a-z -]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | awk -F'\t' '{printf "  %-22s %s\n", $$1, $$2}'
