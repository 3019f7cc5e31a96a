# robstat: the two commands of the README.
#   make demo   set up, build, and run `robstat demo` (the bundled data sets, figures in build/demo)
#   make test   set up, build, and run every check CI runs
# Other targets (all but bench and clean are part of make test):
#   make test-qemu     the C++ tests and the module under emulated older CPUs
#   make test-install  cmake --install, then the examples against the installed copy
#   make test-package  sdist, wheel from it, test suite in a fresh venv
#   make docs          the documentation site, build/docs/html
#   make lint          the pre-commit hooks on every file: clang-format, ruff, cmake-format
#   make format        apply clang-format, ruff's fixes and cmake-format in place (not in make test)
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
        docs lint format bench clean

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
# what includes it
$(VENV)/.robstat: $(VENV)/.deps $(SOURCES)
	$(VPY) -m pip install -q "scikit-build-core>=0.10" "pybind11>=2.10"
	$(VPY) -m pip install -q --no-build-isolation -C build-dir=$(BUILD)/py ".[test,demo]"
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

test: lint test-cpp test-python test-qemu test-install test-package docs

build-cpp: $(BUILD)/.apt
	cmake -S . -B $(BUILD)/cpp $(GEN) -DCMAKE_BUILD_TYPE=Release -DROBSTAT_BUILD_TESTS=ON \
	      -DROBSTAT_BUILD_BENCHMARKS=ON
	cmake --build $(BUILD)/cpp -j $(JOBS)

test-cpp: build-cpp
	ctest --test-dir $(BUILD)/cpp --output-on-failure -j $(JOBS)

test-python: setup
	$(VPY) -m pytest -q tests/python

# Runtime dispatch on CPUs older than this one (docs/dispatch.md): the C++ dispatch
# tests and the installed module under qemu-x86_64 -cpu Nehalem (must pick sse2) and
# -cpu Haswell (must pick avx2). About a minute. x86-64 hosts only.
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
