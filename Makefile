# The two commands a new user needs: `make run` (an interview on the embedded offline defaults)
# and `make test`. Both build .venv on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install run practice test test-fast lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --upgrade pip
	# The CPU build of torch first: left to resolve it alone, pip picks a multi-GB CUDA build.
	$(BIN)/python -m pip install "torch==2.13.0"
	$(BIN)/python -m pip install -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

# The browser app on http://127.0.0.1:7860 (voice or text), on the embedded offline models.
run: $(STAMP)
	$(BIN)/interviewer serve

# A text interview in the terminal.
practice: $(STAMP)
	$(BIN)/interviewer practice --track llm-app --level mid --questions 5

test: $(STAMP)
	$(BIN)/python -m pytest

test-fast: $(STAMP)
	$(BIN)/python -m pytest -m "not slow"

lint: $(STAMP)
	$(BIN)/ruff check interviewer tests
	$(BIN)/mypy

# CPU benchmarks; figures and their meaning in docs/benchmarks.md.
bench: $(STAMP)
	$(BIN)/python bench/bench_rubric_judge.py --runs 10
	$(BIN)/python bench/bench_turn_latency.py --judges rubric --turns 30
	$(BIN)/python bench/bench_report.py --repeats 5
	$(BIN)/python bench/bench_speech.py

clean:
	rm -rf $(VENV) build dist *.egg-info
