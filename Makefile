# One entry point for people and CI. `make run` serves on the built-in engine (no keys);
# `make test` installs everything the tests need and runs lint, types and the tests.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
# llama-cpp-python compiles from source: a portable AVX2 build without the vision tools
# (~7 min on 2 cores the first time; pip's wheel cache makes later installs seconds).
export CMAKE_ARGS ?= -DLLAVA_BUILD=OFF -DGGML_NATIVE=OFF
export LITELLM_LOCAL_MODEL_COST_MAP := True
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: run install install-dev browser redis bench-tools lint typecheck test test-fast eval mutate bench bench-jobs bench-local train train-relatedness fit-confidence clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed-base: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e ".[dev,local]"
	touch $@ $(VENV)/.installed-base

install: $(VENV)/.installed-base
install-dev: $(VENV)/.installed-dev

run: install  ## Serve the API and the demo page on http://127.0.0.1:8000 (built-in engine)
	$(BIN)/stancewire serve

# Browser tests drive Debian's Chromium through Playwright (never a downloaded browser).
browser:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
	      || echo "chromium could not be installed: browser tests will be skipped"; \
	  else echo "no /usr/bin/chromium and not root: browser tests will be skipped"; fi; \
	fi

# Storage, rate-limit and job tests run against a real Redis: Debian's redis-server.
redis:
	@if ! command -v redis-server >/dev/null; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    (DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null 2>&1 \
	      || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null)) \
	      || echo "redis-server could not be installed: Redis tests will be skipped"; \
	  else echo "no redis-server and not root: Redis tests will be skipped"; fi; \
	fi

# The HTTP benchmark's load generator and command timer: Debian's wrk and hyperfine.
bench-tools:
	@if ! command -v wrk >/dev/null || ! command -v hyperfine >/dev/null; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    (DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk hyperfine >/dev/null 2>&1 \
	      || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk hyperfine >/dev/null)) \
	      || echo "wrk/hyperfine could not be installed: the benchmark smoke test will be skipped"; \
	  else echo "no wrk or hyperfine and not root: the benchmark smoke test will be skipped"; fi; \
	fi

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install-dev
	$(BIN)/mypy

test: install-dev browser redis bench-tools lint typecheck  ## Everything CI runs
	$(BIN)/pytest -q -rs

test-fast: install-dev  ## Unit tests only: no GGUF model, no browser
	$(BIN)/pytest -q -rs -m "not integration and not browser and not slow and not bench"

eval: install  ## Golden cases on the built-in engine; compare with the committed baseline
	$(BIN)/stancewire eval run --out runs/latest-builtin.json
	$(BIN)/stancewire eval compare evals/runs/builtin-rules-en.json runs/latest-builtin.json

# Deliberate bugs (scripts/mutations.py) applied one at a time to a temporary copy; each must
# make its tests fail. Not in CI (one test run per mutation: 32/32 caught in 206 s on 2 cores,
# 807 s while the machine was busy).
mutate: install-dev  ## Mutation check: every named mutation must be caught
	$(BIN)/python scripts/mutate.py

# Over real HTTP (uvicorn processes, wrk, a stub upstream; loopback only): stancewire vs a
# plain httpx and a bare litellm forwarder, tokens and cost per article, CLI start-up
# (~5 min on 2 cores; writes benchmarks/RESULTS.md and benchmarks/results.json); then the
# long fault-injection run (tests/load/). BENCH_ARGS go to bench_http.py, e.g. --label "after: …".
# The built-in engine's speed (issue 14: long inputs, words/s vs spaCy, 1 vs 2 processes; ~5 min)
# is appended to RESULTS.md; BENCH_ENGINE_ARGS go to bench_engine.py.
bench: install-dev bench-tools  ## Overhead benchmark (benchmarks/RESULTS.md) and upstream faults
	$(BIN)/python scripts/bench_http.py $(BENCH_ARGS)
	$(BIN)/python scripts/bench_engine.py --data $(DATA) --append benchmarks/RESULTS.md $(BENCH_ENGINE_ARGS)
	$(BIN)/python -m tests.load.harness --requests 2000 --concurrency 100 --rounds 3
	$(MAKE) bench-jobs

# Jobs (issue 16): built-in engine with 1 and 2 workers, stub hosted model at 0/1 s latency
# (Redis on a free loopback port), then the killed-worker test at full size (1,000 items).
bench-jobs: install-dev redis
	$(BIN)/python scripts/bench_jobs.py $(BENCH_JOBS_ARGS)
	STANCEWIRE_KILL_TEST_ITEMS=1000 $(BIN)/pytest -q tests/jobs/test_worker_killed.py

bench-local: install-dev  ## In-process numbers (cache hit) and the local GGUF path vs llama.cpp
	$(BIN)/python scripts/bench_service.py
	$(BIN)/python scripts/bench_local.py

DATA ?= ../shared/data
train: install  ## Rebuild the claim model from the shared data (fixed seeds, one thread, ~15 min)
	OMP_NUM_THREADS=1 $(BIN)/python scripts/train_claim_model.py --data $(DATA) $(TRAIN_ARGS)

train-relatedness: install  ## Relatedness' second stage (checks as features) on training folds (~10 min)
	OMP_NUM_THREADS=1 $(BIN)/python scripts/train_relatedness.py --data $(DATA)

fit-confidence: install  ## Calibration of caller-claim verdict confidence on Emergent training rows
	OMP_NUM_THREADS=1 $(BIN)/python scripts/fit_confidence.py --data $(DATA)

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache artifacts
