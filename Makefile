# Testimony Intake. `make run` starts the app; `make test` runs every test, browser tests included.
VENV ?= .venv
PYTHON ?= python3
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 5000
INTAKE_HOME ?= instance
CHROMIUM ?= /usr/bin/chromium
LANGS := ar ckb ku tr syr

.PHONY: run test test-quick install test-install translations extract system-tools bench crash fuzz lint lock clean

# Dependencies come from the lock files, every file checked against its SHA-256 (make lock).
$(VENV)/.installed: pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --require-hashes -r requirements.lock
	$(PY) -m pip install --quiet --no-deps -e .
	touch $@

$(VENV)/.test-installed: $(VENV)/.installed requirements-test.lock
	$(PY) -m pip install --quiet --require-hashes -r requirements-test.lock
	touch $@

install: $(VENV)/.installed
test-install: $(VENV)/.test-installed

translations: install
	$(VENV)/bin/pybabel compile --statistics -d translations

run: install translations
	$(VENV)/bin/intake --home $(INTAKE_HOME) serve --host $(HOST) --port $(PORT)

# The suite runs on every core (pytest-xdist); TEST_WORKERS=0 runs it in this one process.
TEST_WORKERS ?= auto
test: lint translations system-tools
	$(PY) -m pytest -n $(TEST_WORKERS) --dist worksteal
	$(MAKE) --no-print-directory fuzz FUZZ_SECONDS=20

# The suite without the tests marked slow (browser runs, killed processes, the wheel), for a
# quick check while working; `make test` is what counts.
test-quick: test-install translations system-tools
	$(PY) -m pytest -n $(TEST_WORKERS) --dist worksteal -m "not slow"

# Coverage-guided fuzzing of the bundle reader (atheris); new inputs go to .fuzz/, seeds are in
# tools/fuzz_corpus/. Any input that ends in anything but a clean refusal stops it with a crash.
FUZZ_SECONDS ?= 600
# atheris has wheels for Linux only, and the lock installs it there alone: elsewhere, without it,
# this says so and skips. On Linux it always runs, so a broken install fails rather than hides.
fuzz: test-install
	@if [ "$$(uname -s)" != Linux ] && ! $(PY) -c 'import atheris' 2>/dev/null; then \
	  echo "make fuzz: skipped, atheris is not installed (it has wheels for Linux only)."; \
	else \
	  mkdir -p .fuzz && \
	  bash -o pipefail -c '$(PY) -m tools.fuzz_bundle -max_total_time=$(FUZZ_SECONDS) -rss_limit_mb=512 -print_final_stats=1 .fuzz tools/fuzz_corpus 2>&1 | grep -v "^INFO: Instrumenting"'; \
	fi

# Ruff (with the security rules), mypy on the vault and bundle modules, and pip-audit on the
# installed dependencies (skipped, saying so, where no vulnerability data can be reached).
lint: test-install
	$(VENV)/bin/ruff check intake tests tools wsgi.py setup.py
	$(VENV)/bin/mypy
	$(PY) -m tools.audit_dependencies

# Re-pin after changing pyproject.toml: one universal resolution (Linux, macOS and Windows,
# CPython 3.11 and later) with the SHA-256 of every wheel and sdist of each pin, so pip's
# --require-hashes installs it on each (tests/packaging/test_platforms.py checks that against the index).
# Pins already in the files are kept; to take newer releases: make lock LOCK_FLAGS=--upgrade.
LOCK_FLAGS ?=
UV_COMPILE = $(VENV)/bin/uv pip compile --quiet --universal --python-version 3.11 --generate-hashes \
	--custom-compile-command "make lock" $(LOCK_FLAGS)
lock: test-install
	$(UV_COMPILE) -o requirements.lock pyproject.toml
	$(UV_COMPILE) --extra test -o requirements-test.lock pyproject.toml

# SCREENING_BENCH_SIZE (mentions in the index, 200,000 by default): a smaller one for a quick run.
# IMPORT_BENCH_SIZE (records, 10,000 by default): the import with and without the perpetrator index.
# HANDOVER_BENCH_SIZE (testimonies, 1,000 by default): a hand-over, its receipt and the register.
SCREENING_BENCH_SIZE ?= 200000
IMPORT_BENCH_SIZE ?= 10000
HANDOVER_BENCH_SIZE ?= 1000
bench: install translations
	$(PY) -m tools.bench
	SCREENING_BENCH_SIZE=$(SCREENING_BENCH_SIZE) $(PY) -m tools.bench_screening
	$(PY) -m tools.bench_import $(IMPORT_BENCH_SIZE)
	$(PY) -m tools.bench_documents
	$(PY) -m tools.bench_handover $(HANDOVER_BENCH_SIZE)

# Kill the real server with SIGKILL hundreds of times mid-autosave; check every saved word after each.
crash: test-install translations
	$(PY) -m tools.crash_harness 300 900

# Refresh the template and every catalogue after changing user-visible strings.
extract: install
	$(VENV)/bin/pybabel extract --no-location --sort-output -F babel.cfg -k _l -o translations/messages.pot .
	for lang in $(LANGS); do \
	  if [ -f translations/$$lang/LC_MESSAGES/messages.po ]; then \
	    $(VENV)/bin/pybabel update --no-fuzzy-matching --ignore-obsolete -i translations/messages.pot -d translations -l $$lang; \
	  else \
	    $(VENV)/bin/pybabel init -i translations/messages.pot -d translations -l $$lang; \
	  fi; \
	done

# The suite drives the system Chromium, draws printed pages with poppler (pdftoppm), and opens
# bundles and backups with the standard age, openssl and unzip tools.
system-tools:
	@missing=""; \
	[ -x $(CHROMIUM) ] || missing="$$missing chromium"; \
	command -v age >/dev/null || missing="$$missing age"; \
	command -v openssl >/dev/null || missing="$$missing openssl"; \
	command -v unzip >/dev/null || missing="$$missing unzip"; \
	command -v pdftoppm >/dev/null || missing="$$missing poppler-utils"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else \
	    echo "The tests need:$$missing (Debian: sudo apt-get install$$missing; or set CHROMIUM=/path/to/chromium)."; \
	    exit 1; \
	  fi; \
	fi

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache
