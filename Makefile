# hark — every entry point a user or CI needs. On a fresh machine `make test`
# and `make demo` install npm packages and Kafka's jars, start the local stack
# and go; nothing is installed by hand.
SHELL := /bin/bash
.DEFAULT_GOAL := help
STACK := deploy/local/stack.sh

.PHONY: help install stack-up stack-down stack-status stack-reset demo demo-down services-up services-down bench-services ops-tools prometheus \
        test test-unit test-integration lint typecheck format check bench

help: ## list targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-18s %s\n", $$1, $$2}'

node_modules/.install-stamp: package-lock.json package.json $(wildcard patches/*.patch) libs/privacy/native/aes_gcm.c libs/privacy/native/build.mjs
	@command -v node >/dev/null || { echo "error: node not found: install Node.js 20 (https://nodejs.org or apt-get install -y nodejs npm)"; exit 1; }
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

install: node_modules/.install-stamp ## install npm dependencies (npm ci) when the lockfile changed

stack-up: install ## start Kafka (KRaft), PostgreSQL and the schema registry; create topics
	@$(STACK) up

stack-down: ## stop everything the stack started
	@$(STACK) down

stack-status: ## show what runs where
	@$(STACK) status

stack-reset: ## stop the stack and wipe Kafka's data
	@$(STACK) reset

demo: stack-up ## the main job: all five services, a demo CRM, realistic traffic, KPIs from the rollups
	@deploy/local/services.sh up
	@node --import tsx deploy/demo/drive.ts

services-up: stack-up ## start the five services (logs in .stack/logs)
	@deploy/local/services.sh up

services-down: ## stop the five services, keep the stack
	@deploy/local/services.sh down

demo-down: stack-down ## stop everything the demo started

lint: install ## eslint + prettier check
	npx eslint .
	npx prettier --check .

typecheck: install ## tsc --noEmit over every package
	npx tsc -p tsconfig.json --noEmit

test-unit: install ## unit tests only (no stack needed)
	npx vitest run --project unit

ops-tools: ## promtool and prometheus from Debian's prometheus package (the ops tests need them)
	@deploy/prometheus/install.sh

test-integration: stack-up ops-tools ## integration tests against the real stack
	npx vitest run --project integration

prometheus: ops-tools ## Prometheus on 127.0.0.1:9090 scraping the local services (Ctrl-C stops it)
	prometheus --config.file=deploy/prometheus/prometheus.yml --storage.tsdb.path=.stack/prometheus --web.listen-address=127.0.0.1:9090

test: lint typecheck test-unit test-integration ## everything CI runs: lint, types, unit and integration tests

check: lint typecheck test-unit ## fast checks before a commit

bench: stack-up ## end-to-end benchmark (not part of make test): Kafka's own perf tools, pipeline throughput, latency, RSS
	@deploy/local/services.sh up
	@node --import tsx deploy/bench/e2e.ts

bench-services: stack-up ## every service's own benchmarks (npm run bench in each)
	npm run bench --workspaces --if-present
