# Two commands: `make run` and `make test`. Everything else is set-up they share.
PYTHON ?= python3
VENV   ?= .venv
HOST   ?= 127.0.0.1
PORT   ?= 8000
PG_URL ?= postgresql://postgres@127.0.0.1:5432/test
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

export LSHUB_DATA_DIR ?= $(CURDIR)/var

.PHONY: setup run test test-sqlite messages bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

setup: $(STAMP)
	$(BIN)/lshub migrate
	$(BIN)/lshub load-demo

run: setup
	$(BIN)/lshub serve --host $(HOST) --port $(PORT)

# The suite runs on SQLite, then on PostgreSQL when a server answers at PG_URL.
test: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)
	@if $(BIN)/python -c "import psycopg; psycopg.connect('$(PG_URL)', connect_timeout=3).close()" 2>/dev/null; then \
		echo "== the same suite on PostgreSQL ($(PG_URL))"; \
		DATABASE_URL=$(PG_URL) $(BIN)/python -m pytest $(PYTEST_ARGS); \
	else \
		echo "SKIPPED the PostgreSQL run: no PostgreSQL server answers at $(PG_URL)"; \
	fi

test-sqlite: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Italian catalogues: apps with a locale/ folder of their own keep their strings there;
# the project catalogue (src/lshub/locale) holds everything else.
APP_CATALOGUES := observatory reports partnering
messages: $(STAMP)
	cd src/lshub && ../../$(BIN)/django-admin makemessages -l it $(foreach app,$(APP_CATALOGUES),--ignore '$(app)/*') --settings=lshub.config.settings
	for app in $(APP_CATALOGUES); do (cd src/lshub/$$app && ../../../$(BIN)/django-admin makemessages -l it --settings=lshub.config.settings); done
	cd src/lshub && ../../$(BIN)/django-admin compilemessages --settings=lshub.config.settings

# The bench extra brings the reference tools (Datasette, DuckDB) the scripts compare against.
bench: $(STAMP)
	$(BIN)/pip install --quiet -e '.[test,bench]'
	$(BIN)/python bench/registry_search.py

clean:
	rm -rf $(VENV) var
