# Two commands do all set-up on a fresh Debian machine with python3 and make:
#   make run    installs everything and starts the dashboard on the embedded sample data (http://127.0.0.1:8501)
#   make test   installs the test dependencies (and, as root, Debian's chromium + CJK fonts and a Java 17
#               runtime for the Spark tests) and runs every test
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test install bench lock
run: $(VENV)/.installed
	$(BIN)/jianfu serve

test: $(VENV)/.installed
	bash scripts/ensure-browser
	bash scripts/ensure-java
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/sqlfluff lint queries/
	$(BIN)/pytest

bench: $(VENV)/.installed
	$(BIN)/python -m benchmarks.run $(ARGS)

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml requirements.lock
	python3 -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check uv
	# Bytecode compiled at install: a shell with PYTHONDONTWRITEBYTECODE set would otherwise recompile every
	# import on each command (jianfu kpis: 2 s instead of 0.7 s).
	$(BIN)/uv pip install --quiet --compile-bytecode --python $(BIN)/python -r requirements.lock -e .
	touch $@

# Re-pin after changing dependencies (writes no registry host into the file).
lock:
	$(BIN)/uv pip compile --quiet pyproject.toml --extra test -o requirements.lock
