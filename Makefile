# The one interface to the project. `make test` and `make run` work on a fresh machine:
# they create the virtual environment when it is missing.
PYTHON ?= $(shell command -v python3.12 >/dev/null 2>&1 && python3.12 -c 'import sys' 2>/dev/null && echo python3.12 || echo python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
SAM_VENV := .venv-sam
SAM := $(SAM_VENV)/bin/sam
SAM_CLI_VERSION := 1.170.0
# checkov pins an older boto3 than ours (pip install --dry-run would replace it): its own venv too.
CHECKOV_VENV := .venv-checkov
CHECKOV := $(CHECKOV_VENV)/bin/checkov
CHECKOV_VERSION := 3.3.30

.PHONY: install test unit lint run sandbox replay bench fuzz validate-config deploy smoke check-store sam-validate security-scan build clean

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

test: $(STAMP) lint sam-validate security-scan
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

$(CHECKOV):
	test -x $(CHECKOV_VENV)/bin/python || $(PYTHON) -m venv $(CHECKOV_VENV)
	$(CHECKOV_VENV)/bin/python -m pip install --quiet checkov==$(CHECKOV_VERSION)

# Every check that does not apply is skipped next to its resource in template.yaml, with the reason.
security-scan: $(CHECKOV)
	$(CHECKOV) --file template.yaml --framework cloudformation --quiet --compact --skip-download

# Every problem of a store's settings at once, what template.yaml's constraints would refuse included.
# CONFIG=<parameters file> (else the environment), SECRET=<the secret's JSON, to check it too>.
VALIDATE_CONFIG = $(PY) -m devtools.validate_config --template template.yaml $(if $(CONFIG),--parameters $(CONFIG)) $(if $(SECRET),--secret $(SECRET))
validate-config: $(STAMP)
	$(VALIDATE_CONFIG)

# One store's deployment from its checked parameters file: validate-config, sam build, then sam deploy
# with --parameter-overrides from CONFIG and stack STACK (default gladly-bigcommerce-<DeploymentName>);
# prints what to enter in Gladly. DRY_RUN=1 only prints the sam deploy command.
deploy: $(STAMP) $(SAM)
	$(if $(CONFIG),,$(error make deploy needs CONFIG=<the store's parameters file>))
	$(VALIDATE_CONFIG)
	$(if $(DRY_RUN),,$(MAKE) --no-print-directory build)
	$(PY) -m devtools.deploy $(CONFIG) --sam $(SAM) $(if $(STACK),--stack $(STACK)) $(if $(REGION),--region $(REGION)) $(if $(DRY_RUN),--dry-run)

# A signed manual search for EMAIL against URL (the Lookup URL; default: CONFIG's stack, else `make run`).
smoke: $(STAMP)
	$(if $(EMAIL),,$(error make smoke needs EMAIL=<a customer's email>))
	$(PY) -m devtools.smoke --email '$(EMAIL)' $(if $(URL),--url '$(URL)') $(if $(CONFIG),--config $(CONFIG))

# Probe the store (hash, token, each scope the enabled features need) with harmless calls; non-zero
# when an enabled feature cannot work. CONFIG=<parameters file> SECRET=<secret file>, or BIGCOMMERCE_*.
check-store: $(STAMP)
	$(PY) -m devtools.check_store $(if $(CONFIG),--parameters $(CONFIG)) $(if $(SECRET),--secret $(SECRET))

# The whole adaptor on this machine (devtools/run.py): GATEWAY_PORT (3000), SANDBOX_PORT (3001), CONTAINERS
# (worker processes per function, default 1: devtools/fleet.py), any
# deployment setting by its variable name. Through devtools/launch.py: Ctrl-C during start-up and a
# port already taken end it with one line.
run: $(STAMP)
	@$(PY) -m devtools.launch run

# The BigCommerce sandbox alone on SANDBOX_PORT (default 3001: `make run`'s sandbox has that port too, so
# give another to run both), with SANDBOX_ARGS passed on (e.g. SANDBOX_ARGS='--token full --sparse').
sandbox: $(STAMP)
	@$(PY) -m devtools.launch sandbox $(SANDBOX_ARGS)

# Signed replays of event files to GATEWAY_URL (default `make run`'s): EVENT=<file(s)>, RESET=1 resets the
# sandbox behind that gateway before each event, VERBOSE=1 prints every answer whole.
replay: $(STAMP)
	$(if $(EVENT),,$(error make replay needs EVENT=<event file(s)>, e.g. EVENT=events/lookup-manual-search-email.json))
	@$(PY) -m devtools.replay $(if $(RESET),--reset) $(if $(VERBOSE),--verbose) $(EVENT)

bench: $(STAMP)
	$(PY) -m bench.lookup_bench

# A long signed fuzzing campaign against a local stack of its own (or GATEWAY_URL): FUZZ_EXAMPLES cases
# per operation and generation mode (default 150), then FUZZ_HOSTILE hostile submits per action to real
# forms (default 150): about 4,000 signed requests; prints its figures, fails on any internal_error,
# stack trace or failed check.
fuzz: $(STAMP)
	$(PY) -m devtools.fuzz

# sam build runs the build-<LogicalId> targets of build.mk (included below) for the layer and each
# function; the output is then checked: bytecode for every module, and the boto3/botocore of .venv.
build: $(SAM) $(STAMP)
	$(SAM) build
	$(PY) -m devtools.check_build .aws-sam/build

clean:
	rm -rf $(VENV) $(SAM_VENV) $(CHECKOV_VENV) .aws-sam .pytest_cache .mypy_cache .ruff_cache

# By absolute path: sam build runs this Makefile from a scratch directory.
include $(dir $(abspath $(lastword $(MAKEFILE_LIST))))build.mk
