# The commands a user types. `make demo` and `make test` do all the set-up on a fresh machine.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: venv demo test quality bench bench-distributed lint clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	# the machine's old pip drops lxml_html_clean, and then trafilatura fails to import
	$(PY) -m pip install -q -U pip
	$(PY) -m pip install -q -e '.[dev,redis]'
	touch $(STAMP)

venv: $(STAMP)

demo: venv
	$(PY) -m tools.demo

test: venv
	bash scripts/ensure-services.sh
	$(PY) -m pytest

quality: venv
	$(PY) -m benchmarks.quality ../shared/data/aeb ../shared/data/fundus ../shared/data/wcxb ../shared/data/wpnews \
		../shared/data/pagetypes --baseline benchmarks/quality/baseline.json $(QUALITY_ARGS)

bench: venv
	$(PY) -m benchmarks.run

bench-distributed: venv
	bash scripts/ensure-services.sh
	$(PY) -m benchmarks.distributed

lint: venv
	$(VENV)/bin/ruff check newscrawl tests benchmarks

clean:
	rm -rf $(VENV) output .newscrawl build *.egg-info
