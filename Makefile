# robstat: the two commands of the README.
#   make demo   set up, build, and run `robstat demo` (the bundled data sets, figures in build/demo)
#   make test   set up, build, and run every check CI runs
# Other targets (all but fuzz, bench and clean are part of make test):
#   make test-sanitize the C++ tests under AddressSanitizer + UBSan (+ LeakSanitizer)
#   make test-fuzz     the libFuzzer harnesses of tests/fuzz, FUZZ_RUNS executions each (seed 1)
#   make test-qemu     the C++ tests and the module under emulated older CPUs
#   make test-install  cmake --install, then the examples against the installed copy
#   make test-package  sdist, wheel from it, test suite in a fresh venv
#   make docs          the documentation site, build/docs/html
#   make lint          the pre-commit hooks on every file: clang-format, ruff, cmake-format
#   make format        apply clang-format, ruff's fixes and cmake-format in place (not in make test)
#   make fuzz          the fuzz harnesses for longer (FUZZ_SECONDS each, default 300)
#   make bench         side-by-side benchmarks
#   make clean

SHELL   := /bin/bash
PYTHON  ?= python3
VENV    := .venv
VPY     := $(VENV)/bin/python
BUILD   := build
JOBS    ?= $(shell nproc 2>/dev/null || echo 2)
GEN     := $(shell command -v ninja >/dev/null 2>&1 && echo "-G Ninja")
SOURCES := $(shell find include python data -type f -not -name '*.pyc') CMakeLists.txt pyproject.toml

.PHONY: all setup demo test build-cpp test-cpp test-python test-qemu test-install test-package \
        build-sanitize test-sanitize build-fuzz test-fuzz fuzz docs lint format bench clean

all: test

# --- set-up ---------------------------------------------------------------------
$(BUILD)/.apt: tools/bootstrap.sh
	PYTHON=$(PYTHON) tools/bootstrap.sh
	@mkdir -p $(BUILD) && touch $@

$(VENV)/.deps: pyproject.toml $(BUILD)/.apt
	$(PYTHON) -m venv $(VENV)
	$(VPY) -m pip install -q --upgrade pip
	@touch $@

# the Python package, rebuilt when a source changes; the CMake tree in build/py is
# kept between builds (no build isolation), so a changed header recompiles only
# what includes it. The spark extra (pyspark, for tests/python/test_spark.py) is here
# only: make test-package's fresh venv takes the test extra, and test_spark skips there.
# setuptools>=70.1 (which has bdist_wheel) because pyspark is an sdist built without
# isolation here
$(VENV)/.robstat: $(VENV)/.deps $(SOURCES)
	$(VPY) -m pip install -q "scikit-build-core>=0.10" "pybind11>=2.10" "setuptools>=70.1" wheel
	$(VPY) -m pip install -q --no-build-isolation -C build-dir=$(BUILD)/py ".[test,demo,spark]"
	@touch $@

setup: $(BUILD)/.apt $(VENV)/.robstat

# the lint tools pinned in pyproject.toml's `lint` extra, without reinstalling robstat
$(VENV)/.lint: pyproject.toml $(VENV)/.deps
	$(VPY) -c 'import tomllib; print("\n".join(tomllib.load(open("pyproject.toml", "rb"))["project"]["optional-dependencies"]["lint"]))' > $(BUILD)/lint-requirements.txt
	$(VPY) -m pip install -q -r $(BUILD)/lint-requirements.txt
	@touch $@

# --- lint (docs/contributing.md) ------------------------------------------------
LINT_PATH := PATH=$(abspath $(VENV))/bin:$$PATH
lint: $(VENV)/.lint
	$(LINT_PATH) $(VENV)/bin/pre-commit run --all-files --show-diff-on-failure

format: $(VENV)/.lint
	git ls-files '*.hpp' '*.cpp' '*.h' | xargs $(VENV)/bin/clang-format -i
	$(VENV)/bin/ruff check --fix .
	git ls-files 'CMakeLists.txt' '*/CMakeLists.txt' '*.cmake' | xargs $(VENV)/bin/cmake-format -i

# --- the two commands -----------------------------------------------------------
demo: setup
	$(VENV)/bin/robstat demo --out $(BUILD)/demo

test: lint test-cpp test-python test-qemu test-install test-package test-sanitize test-fuzz docs

build-cpp: $(BUILD)/.apt
	cmake -S . -B $(BUILD)/cpp $(GEN) -DCMAKE_BUILD_TYPE=Release -DROBSTAT_BUILD_TESTS=ON \
	      -DROBSTAT_BUILD_BENCHMARKS=ON
	cmake --build $(BUILD)/cpp -j $(JOBS)

test-cpp: build-cpp
	ctest --test-dir $(BUILD)/cpp --output-on-failure -j $(JOBS)

test-python: setup
	$(VPY) -m pytest -q tests/python

# The C++ tests (the same CMake targets) under AddressSanitizer, LeakSanitizer and
# UndefinedBehaviorSanitizer (docs/testing.md), -O1, in build/sanitize: the baseline suite,
# the dispatch tests (which run every AVX2 / AVX-512 table this CPU has against the headers)
# and the isolation check. The per-ISA copies of the suite only with SANITIZE_ISAS="avx2"
# (or "avx2;avx512"): they double the build time (about 25 min here).
# Left out: the examples' consumer builds (a separate project, nothing to sanitize) and the
# dispatch isolation check (ASan adds a global-registering constructor to every translation
# unit, compiled with its -mavx2 / -mavx512 flags: true, and harmless in a test-only binary).
# (-Wno-maybe-uninitialized: GCC 12 warns falsely in libstdc++'s <regex> and <functional>
# under -fsanitize, and the tests build with -Werror.)
SANITIZE_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=undefined \
                  -fno-omit-frame-pointer
SANITIZE_ENV   := ASAN_OPTIONS=detect_leaks=1:check_initialization_order=1:strict_init_order=1 \
                  UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
SANITIZE_ISAS  ?=

build-sanitize: $(BUILD)/.apt
	cmake -S . -B $(BUILD)/sanitize $(GEN) -DCMAKE_BUILD_TYPE=None -DROBSTAT_BUILD_TESTS=ON \
	      -DCMAKE_CXX_FLAGS="-O1 -g1 $(SANITIZE_FLAGS) -Wno-maybe-uninitialized" \
	      -DCMAKE_EXE_LINKER_FLAGS="$(SANITIZE_FLAGS)" -DROBSTAT_TEST_ISA_SUITES="$(SANITIZE_ISAS)"
	$(SANITIZE_ENV) cmake --build $(BUILD)/sanitize -j $(JOBS)

test-sanitize: build-sanitize
	$(SANITIZE_ENV) ctest --test-dir $(BUILD)/sanitize --output-on-failure -j $(JOBS) \
	      -E '^(consumer_.*|dispatch_isolation)$$'

# libFuzzer harnesses (tests/fuzz, docs/testing.md), built with clang in build/fuzz under
# ASan + UBSan: every dispatch table against the header functions, the public API against
# scalar references. test-fuzz replays the committed crash inputs and fuzzes each harness
# for FUZZ_RUNS executions from the seed corpus with seed 1 (reproducible: the same build
# explores the same inputs, about 20 s a harness); make fuzz runs FUZZ_SECONDS each.
FUZZ_SECONDS ?= 300
FUZZ_RUNS    ?= 20000
FUZZ_FLAGS   := -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined \
                -fno-omit-frame-pointer

build-fuzz: $(BUILD)/.apt
	cmake -S . -B $(BUILD)/fuzz $(GEN) -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=None \
	      -DROBSTAT_BUILD_TESTS=OFF -DROBSTAT_INSTALL=OFF -DROBSTAT_BUILD_FUZZ=ON \
	      -DCMAKE_CXX_FLAGS="-O1 -g1 $(FUZZ_FLAGS)"
	cmake --build $(BUILD)/fuzz -j $(JOBS)

test-fuzz: build-fuzz
	$(SANITIZE_ENV) tests/fuzz/run_fuzz.sh $(BUILD)/fuzz runs:$(FUZZ_RUNS)

fuzz: build-fuzz
	$(SANITIZE_ENV) tests/fuzz/run_fuzz.sh $(BUILD)/fuzz $(FUZZ_SECONDS)

# Runtime dispatch on CPUs older than this one (docs/dispatch.md): the C++ dispatch
# tests and the installed module under qemu-x86_64 -cpu Nehalem (must pick sse2) and
# -cpu Haswell (must pick avx2). Measured 2026-12-07: Nehalem 164 s, Haswell 806 s (TCG
# emulates AVX2 slowly). x86-64 hosts only.
test-qemu: build-cpp setup
	@if [ "$$(uname -m)" != x86_64 ]; then echo "test-qemu: skipped (not an x86-64 host)"; \
	else tests/tools/run_qemu_tests.sh $(BUILD)/cpp/tests $(VPY); fi

# The C++ package (docs/install.md): cmake --install into build/install-test/prefix,
# then examples/consumer via find_package (with and without Eigen) and via
# pkg-config, built against the installed copy only. About half a minute.
test-install: $(BUILD)/.apt
	tests/tools/install_test.sh $(BUILD)/install-test

# The Python package (docs/install.md): python -m build (sdist, then the wheel from
# the sdist), the wheel into a fresh venv with its test extra, the test suite there.
# The wheel's CMake tree is kept (build/package/wheel-build): a rerun recompiles only
# what changed; PACKAGE_FRESH=1 builds from scratch (a full module build, minutes).
test-package: setup
	$(VPY) -m pip install -q "build>=1"
	PYTHON=$(PYTHON) tests/tools/test_package.sh $(VPY) $(BUILD)/package

# The documentation site (docs/docs.md): Sphinx + myst-parser over docs/*.md, the
# Python API from the docstrings, the C++ API from Doxygen's XML (breathe). Warnings
# are errors (-W, nitpicky -n). Output in build/docs/html.
$(VENV)/.docs: $(VENV)/.robstat
	$(VPY) -m pip install -q --no-build-isolation -C build-dir=$(BUILD)/py ".[docs]"
	@touch $@

docs: $(VENV)/.docs
	@mkdir -p $(BUILD)/docs
	doxygen docs/Doxyfile
	$(VPY) -m sphinx -W --keep-going -n -q -b html -d $(BUILD)/docs/doctrees docs $(BUILD)/docs/html
	@echo "docs: $(BUILD)/docs/html/index.html"

# --- extras ---------------------------------------------------------------------
bench: setup test-cpp
	$(VPY) -m pip install -q --no-build-isolation -C build-dir=$(BUILD)/py ".[bench]"
	$(BUILD)/cpp/benchmarks/robstat_bench --benchmark_min_time=0.2
	$(VPY) benchmarks/compare.py --out docs

clean:
	rm -rf $(BUILD) $(VENV)
