# Upward — see README.md. `make run` and `make test` work on a fresh machine
# with Go, Node.js and npm.
SHELL := /bin/bash
GO    ?= go
NPM_STAMP := infra/node_modules/.installed

.PHONY: install run test bench lint fmt build deploy reset clean

## install: the pinned local emulators (dynalite, aws-ses-v2-local) from infra/package-lock.json
install: $(NPM_STAMP)
$(NPM_STAMP): infra/package.json infra/package-lock.json
	cd infra && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

## run: the whole system locally — forms on :8080, SES viewer on :8005, dynalite on :4567
run: install
	$(GO) run ./infra/upward dev

## test: every test, against real emulators started on free ports
test: install
	$(GO) vet ./...
	$(GO) test -count=1 -timeout 14m ./...

## lint: formatting and vet
lint:
	@fmt_out="$$(gofmt -l .)"; if [ -n "$$fmt_out" ]; then echo "gofmt needed:"; echo "$$fmt_out"; exit 1; fi
	$(GO) vet ./...

fmt:
	gofmt -w .

## reset: wipe local data (dynalite tables, dev clock, inbound mail)
reset:
	rm -rf .upward

clean:
	rm -rf .aws-sam bin
