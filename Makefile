# The one interface to the project. `make test` and `make run` work on a fresh machine:
# they create the virtual environment when it is missing.
PYTHON ?= $(shell command -v python3.12 >/dev/null 2>&1 && python3.12 -c 'import sys' 2>/dev/null && echo python3.12 || echo python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
SAM_VENV := .venv-sam
SAM := $(SAM_VENV)/bin/sam
SAM_CLI_VERSION := 1.170.0

.PHONY: install test unit lint run sandbox replay bench fuzz validate-config sam-validate build clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# SAM CLI pins boto3 and caps pydantic/requests: it lives in its own virtual environment.
$(SAM):
	test -x $(SAM_VENV)/bin/python || $(PYTHON) -m venv $(SAM_VENV)
	$(SAM_VENV)/bin/python -m pip install --quiet aws-sam-cli==$(SAM_CLI_VERSION)

test: $(STAMP) lint sam-validate
	$(PY) -m pytest -n 2 --dist loadgroup

unit: $(STAMP)
	$(PY) -m pytest tests/unit

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

sam-validate: $(STAMP) $(SAM)
	$(SAM) validate --lint --template template.yaml --region us-east-1
	$(VENV)/bin/cfn-lint template.yaml

validate-config: $(STAMP)
	$(PY) -m gladly_bigcommerce.config $(if $(CONFIG),--parameters $(CONFIG))

run: $(STAMP)
	$(PY) -m devtools.run

sandbox: $(STAMP)
	$(PY) -m devtools.sandbox --port 3001

replay: $(STAMP)
	$(PY) -m devtools.replay $(EVENT)

bench: $(STAMP)
	$(PY) -m bench.lookup_bench

# A long signed fuzzing campaign against a local stack of its own (or GATEWAY_URL): FUZZ_EXAMPLES cases
# per operation and generation mode (default 150, over 2,000 requests); prints its figures.
fuzz: $(STAMP)
	$(PY) -m devtools.fuzz

build: $(SAM)
	$(SAM) build

clean:
	rm -rf $(VENV) $(SAM_VENV) .aws-sam .pytest_cache .mypy_cache .ruff_cache
