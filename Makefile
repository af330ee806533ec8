# The two commands: `make run` (the whole product on the embedded local stack) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml functions/requirements.txt 2>/dev/null | sha1sum | cut -c1-12)

.PHONY: run test lint js browser screenshots unit package deploy bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --disable-pip-version-check --upgrade pip
	$(BIN)/pip install -q --disable-pip-version-check -e '.[dev]'
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/tandem dev

# The front end's lint and unit tests run under node (eslint, node --test); versions pinned in package-lock.json.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

lint: $(STAMP) node_modules/.installed
	$(BIN)/ruff check src functions tests bench
	PYTHONPATH=functions $(BIN)/lint-imports
	npx --no-install eslint static_portal tests/js eslint.config.js

js: node_modules/.installed
	node --test tests/js/

# Browser tests are never skipped: provide Debian chromium (or Playwright's download) or fail saying why.
browser: $(STAMP)
	bash scripts/ensure_browser.sh $(BIN)

# Two workers by default (this 2-core machine: 8 min 50 s instead of 15 min 21 s one after the other); a worker
# takes whole test modules (--dist loadscope), so each browser module starts its local stack once.
PYTEST_WORKERS ?= 2
test: lint js browser
	$(BIN)/pytest -n $(PYTEST_WORKERS) --dist loadscope

# Refresh the README's pictures in docs/screenshots/ (make test writes its screenshots to the ignored tests/screenshots/).
screenshots: $(STAMP) browser
	TANDEM_UPDATE_SCREENSHOTS=1 $(BIN)/pytest tests/e2e -q -m browser

unit: $(STAMP)
	$(BIN)/pytest tests/unit tests/contract -q

package: $(STAMP)
	$(BIN)/tandem package --stage $${STAGE:-dev} --out build/package

# make deploy STACK=tandem-prod ARTIFACT_BUCKET=my-artifacts MAIL_DOMAIN=help.example.com [CERTIFICATE_ARN=… PORTAL_DOMAIN=…]
deploy: $(STAMP)
	$(BIN)/tandem deploy --stage $${STAGE:-prod} --stack-name $${STACK:-tandem} --artifact-bucket $(ARTIFACT_BUCKET) \
		--mail-domain $(MAIL_DOMAIN) $(if $(CERTIFICATE_ARN),--certificate-arn $(CERTIFICATE_ARN)) \
		$(if $(PORTAL_DOMAIN),--portal-domain $(PORTAL_DOMAIN))

bench: $(STAMP)
	$(BIN)/python bench/requests_per_op.py
	$(BIN)/python bench/cold_start.py
	$(BIN)/python bench/rules.py
	$(BIN)/python bench/ingest.py
	$(BIN)/python bench/live.py
	$(BIN)/python bench/search.py
	$(BIN)/python bench/import.py

clean:
	rm -rf $(VENV) build .pytest_cache .ruff_cache node_modules
