# coordbot: `make run` starts the bot, `make test` runs the tests, `make demo` shows it in a
# browser (see README.md).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
CATALOGUES := $(wildcard locales/*/LC_MESSAGES/coordbot.po)
COMPILED := $(CATALOGUES:.po=.mo)

.PHONY: run test demo lint migrate locales extract help

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

$(BIN)/.runtime: requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet -r requirements.lock
	touch $@

$(BIN)/.dev: requirements-dev.lock $(BIN)/.runtime
	$(BIN)/pip install --quiet -r requirements-dev.lock
	touch $@

locales/%/LC_MESSAGES/coordbot.mo: locales/%/LC_MESSAGES/coordbot.po $(BIN)/.runtime
	$(BIN)/pybabel compile --use-fuzzy -d locales -D coordbot -l $* >/dev/null

locales: $(COMPILED)  ## compile the translation catalogues (.po -> .mo)

run: $(BIN)/.runtime locales  ## apply migrations and run the bot (token from .env)
	$(BIN)/python -m bot run

DEMO_PORT ?= 8080
DEMO_PROGRAMME ?= krasnodar-digital

demo: $(BIN)/.runtime locales  ## the bot against an emulated Telegram with a demo region, in a browser
	$(BIN)/python -m bot.demo --port $(DEMO_PORT) --programme $(DEMO_PROGRAMME)

migrate: $(BIN)/.runtime  ## apply database migrations only
	$(BIN)/python -m bot migrate

test: $(BIN)/.dev locales  ## install what tests need and run them (two workers: pytest-xdist)
	$(BIN)/python -m pytest -q -n 2 --dist loadgroup

lint: $(BIN)/.dev  ## ruff, mypy (strict) and the import contracts (layers, no cycles)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

extract: $(BIN)/.runtime  ## refresh locales/coordbot.pot and the catalogues from the code
	$(BIN)/pybabel extract -F babel.cfg -k __ -k lazy_gettext --no-location --sort-output \
		--project coordbot -o locales/coordbot.pot .
	$(BIN)/pybabel update -i locales/coordbot.pot -d locales -D coordbot --no-fuzzy-matching --ignore-obsolete
