# The two set-up commands (README "Set-up"). Windows, without make:
#   run:  py -m pip install -e . ; py -m streamlit run app.py
#   test: py -m pip install -e ".[test]" ; py scripts/ensure_browser.py ; py scripts/ensure_postgres.py ; py -m pytest
PYTHON ?= python3

.PHONY: run test

run:  ## install the app and start it
	$(PYTHON) -m pip install -q -e .
	$(PYTHON) -m streamlit run app.py

test:  ## install what the tests need (a browser and a PostgreSQL server included) and run the whole suite
	$(PYTHON) -m pip install -q -e ".[test]"
	$(PYTHON) scripts/ensure_browser.py
	$(PYTHON) scripts/ensure_postgres.py
	$(PYTHON) -m pytest
