# What `sam build` runs for the layer and the functions (template.yaml: BuildMethod makefile, the
# project Makefile as ContextPath, which includes this file). SAM calls `make build-<LogicalId>` with
# ARTIFACTS_DIR set; paths here are absolute, so the directory SAM runs make in does not matter.
#
# The layer: the runtime requirements (boto3 and botocore included, the pair the tests run) as arm64
# wheels for CPython 3.12, and the gladly_bigcommerce package. Layer and functions carry bytecode for
# every module, compiled by python3.12 with unchecked-hash pycs: Lambda's file system is read-only,
# so without them every cold start compiles what it imports, and no timestamp can make them stale.

BUILD_ROOT := $(patsubst %/,%,$(dir $(abspath $(lastword $(MAKEFILE_LIST)))))
# The interpreter of the Lambda runtime (python3.12; pyenv installs count when not on PATH).
PYTHON312 ?= $(firstword $(foreach candidate,python3.12 $(wildcard $(HOME)/.pyenv/versions/3.12*/bin/python3.12),$(shell $(candidate) -c 'import sys; assert sys.version_info[:2] == (3, 12)' >/dev/null 2>&1 && echo $(candidate))))
COMPILE = $(PYTHON312) -m compileall -q -j 0 --invalidation-mode unchecked-hash
FUNCTION_BUILDS := build-LookupFunction build-AutoLinkFunction build-RefundFunction build-CancelFunction build-DiscountFunction build-StaffNoteFunction build-StoreCreditFunction build-ShippingAddressFunction

.PHONY: build-SharedLayer $(FUNCTION_BUILDS) check-python312

check-python312:
	@test -n "$(PYTHON312)" || { echo "python3.12 is needed to build (the Lambda runtime's version); set PYTHON312=/path/to/python3.12" >&2; exit 1; }

build-SharedLayer: check-python312
	rm -rf "$(ARTIFACTS_DIR)/python"
	$(PYTHON312) -m pip install --quiet --no-compile --target "$(ARTIFACTS_DIR)/python" \
		--platform manylinux2014_aarch64 --only-binary=:all: --python-version 3.12 --implementation cp \
		-r "$(BUILD_ROOT)/shared/requirements.txt"
	cp -R "$(BUILD_ROOT)/shared/gladly_bigcommerce" "$(ARTIFACTS_DIR)/python/"
	find "$(ARTIFACTS_DIR)/python" -name __pycache__ -prune -exec rm -rf {} +
	$(COMPILE) "$(ARTIFACTS_DIR)/python"

# Each function is its app.py (and package marker); its directory under functions/ is the snake_case
# of the logical id without "Function".
build-LookupFunction: FUNCTION_DIR := lookup
build-AutoLinkFunction: FUNCTION_DIR := auto_link
build-RefundFunction: FUNCTION_DIR := refund
build-CancelFunction: FUNCTION_DIR := cancel
build-DiscountFunction: FUNCTION_DIR := discount
build-StaffNoteFunction: FUNCTION_DIR := staff_note
build-StoreCreditFunction: FUNCTION_DIR := store_credit
build-ShippingAddressFunction: FUNCTION_DIR := shipping_address
$(FUNCTION_BUILDS): check-python312
	mkdir -p "$(ARTIFACTS_DIR)"
	cp "$(BUILD_ROOT)/functions/$(FUNCTION_DIR)/"*.py "$(ARTIFACTS_DIR)/"
	$(COMPILE) "$(ARTIFACTS_DIR)"
