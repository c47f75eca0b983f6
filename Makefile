# Customer 360: `make run` runs the whole system locally, `make test` runs every check.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test lint unit integration gen contract bench bench-quick k8s-crosscheck infra-up infra-down infra-status clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# `make run SCALE=loyalty=3,profile=2` starts several instances of those services.
run: $(STAMP)
	$(PY) -m deploy.local.run $(if $(SCALE),--scale $(SCALE))

test: lint unit integration

lint: $(STAMP)
	$(PY) proto/generate.py --check
	@$(VENV)/bin/strawberry export-schema gateway.schema:schema > .schema.check.graphql
	@diff -u gateway/schema.graphql .schema.check.graphql || (echo "gateway/schema.graphql drifted: run 'make gen'"; rm -f .schema.check.graphql; exit 1)
	@rm -f .schema.check.graphql
	$(PY) -m deploy.config_reference
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy c360 services gateway deploy bench

unit: $(STAMP)
	$(VENV)/bin/pytest tests/unit
	cd deploy/local/ferretdb && CGO_ENABLED=0 GOFLAGS="-mod=mod -buildvcs=false" go test ./...

integration: $(STAMP)
	$(VENV)/bin/pytest tests/integration

# `make bench BENCH_ARGS="--customers 5000 --publish docs/benchmarks"`: sizes are options (python -m bench --help).
bench: $(STAMP)
	$(PY) -m pip install --quiet -e '.[dev,bench]'
	$(PY) -m bench $(BENCH_ARGS)

bench-quick: $(STAMP)
	$(PY) -m pip install --quiet -e '.[dev,bench]'
	$(PY) -m bench --quick $(BENCH_ARGS)

gen: $(STAMP)
	$(PY) proto/generate.py
	$(VENV)/bin/strawberry export-schema gateway.schema:schema --output gateway/schema.graphql
	$(PY) -m deploy.config_reference --write

# What the exported schema still lacks of ../shared/api/customer360.graphql (exits 1 while anything).
contract: $(STAMP)
	$(PY) -m gateway.contract_check

# The Python renderer used by the tests must agree with the real kustomize (built once from its Go module).
KUSTOMIZE := $(HOME)/.cache/customer360/bin/kustomize
k8s-crosscheck: $(STAMP)
	@test -x $(KUSTOMIZE) || GOBIN=$(dir $(KUSTOMIZE)) go install sigs.k8s.io/kustomize/kustomize/v5@v5.7.1
	$(PY) -m deploy.k8s.crosscheck $(KUSTOMIZE)

infra-up: $(STAMP)
	$(PY) -m deploy.local.infra up

infra-down: $(STAMP)
	$(PY) -m deploy.local.infra down

infra-status: $(STAMP)
	$(PY) -m deploy.local.infra status

clean: infra-down
	rm -rf .run
