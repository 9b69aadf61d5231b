# The two commands of the README, each doing its own set-up on a fresh machine:
#   make demo   the main job: the seeds through API → Redis → Celery worker → models
#   make test   lint and the whole test suite
VENV ?= .venv
PY := $(VENV)/bin/python
# torch first and pinned: unpinned, the project's dependencies would pull a multi-GB CUDA
# build. Override for another build, e.g. TORCH_SPEC="torch==2.13.0 --index-url URL".
TORCH_SPEC ?= torch==2.13.0

.PHONY: install services demo-models demo test lint bench clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q $(TORCH_SPEC)
	$(PY) -m pip install -q -e '.[dev]'
	touch $@

demo-models: install
	$(VENV)/bin/ringkas models build-demo --out var/demo-models

demo: install
	$(VENV)/bin/ringkas demo

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy ringkas  # models/, service/, workers/ through ringkas/'s symlinks

# System packages and services the tests talk to (Redis, RabbitMQ, Chromium…), installed and
# started where missing.
services:
	bash scripts/test-services

# Never wait on an unreachable model hub in tests (local folders and the cache still load);
# the demo asks the hub once, briefly (ringkas/hub_models.py).
test: export HF_HUB_OFFLINE ?= 1
test: services lint demo-models
	$(PY) -m pytest

clean:
	rm -rf var out .pytest_cache .ruff_cache .mypy_cache
