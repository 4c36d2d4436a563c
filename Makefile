# Upward — see README.md. `make run` and `make test` work on a fresh machine
# with Go, Node.js and npm.
SHELL := /bin/bash
GO    ?= go
NPM_STAMP := infra/node_modules/.installed

# Every Lambda function: its logical id in template.yaml and its folder.
FUNCTIONS := WebFunction:web SendFunction:send TickFunction:tick InboundFunction:inbound FeedbackFunction:feedback MatchFunction:match OrgChartFunction:orgchart
GOBUILD   := CGO_ENABLED=0 GOOS=linux GOARCH=arm64 $(GO) build -trimpath -ldflags="-s -w" -tags lambda.norpc

.PHONY: install browser run test cfn-lint fuzz screenshots bench lint fmt build deploy reset clean help

help:
	@grep -E '^## ' Makefile | sed 's/^## //'

## install    the pinned local emulators (dynalite, aws-ses-v2-local, fauxqs) from infra/package-lock.json;
##            the Go ones (Lambda Runtime Interface Emulator, gofakes3) are go.mod tool lines, built when used
install: $(NPM_STAMP)
$(NPM_STAMP): infra/package.json infra/package-lock.json
	cd infra && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

browser:
	@infra/scripts/ensure-chromium.sh

## run        the whole system locally: forms on :8080, SES viewer on :8005, dynalite on :4567,
##            SQS on :9324, S3 on :4569, Secrets Manager on :4584, SMTP on :2525 (it prints them all)
run: install
	$(GO) run ./infra/upward dev

## test       cfn-lint on template.yaml, every test (against real emulators started on free ports
##            and a headless Chromium), then each fuzz target briefly
# The template tests may skip what needs the SAM translator when a developer
# lacks it; make test (and so CI) requires it, like cfn-lint.
test: install browser cfn-lint
	$(GO) vet ./...
	UPWARD_REQUIRE_SAM_TRANSLATOR=1 $(GO) test -race -count=1 -timeout 13m ./...
	$(MAKE) --no-print-directory fuzz FUZZTIME=$(FUZZTIME)

# Fuzz targets: name:package. The default runs a fixed number of inputs: a
# time limit can end while a worker is still on an input, which Go reports as
# a failure. `make fuzz FUZZTIME=5m` fuzzes for longer.
FUZZ := FuzzSolve:./shared/matching FuzzParse:./shared/replies FuzzTrimQuoted:./shared/replies \
        FuzzTrimQuotedHTML:./shared/replies FuzzUnderstand:./shared/replies
FUZZTIME ?= 3000x
fuzz:
	@for f in $(FUZZ); do name=$${f%%:*}; pkg=$${f#*:}; echo "fuzz $$name ($(FUZZTIME))"; \
	  $(GO) test -run='^$$' -fuzz="^$$name\$$" -fuzztime=$(FUZZTIME) -fuzzminimizetime=100x $$pkg >/tmp/upward-fuzz.log 2>&1 \
	  || { cat /tmp/upward-fuzz.log; exit 1; }; done

## bench      the benchmarks whose figures are in README.md
bench: install
	$(GO) test -run='^$$' -bench=. -benchmem -timeout 90m ./...

## cfn-lint   template.yaml through cfn-lint, which applies the real SAM transform first:
##            any error, warning or informational finding fails
cfn-lint:
	@command -v cfn-lint >/dev/null 2>&1 || { \
	  echo "cfn-lint is not installed: make test checks template.yaml with it and with the AWS SAM"; \
	  echo "translator it brings. Install it with"; \
	  echo "    pip install cfn-lint        (or: pipx install cfn-lint)"; \
	  echo "and run make test again."; exit 1; }
	cfn-lint template.yaml

## lint       formatting, vet and cfn-lint
lint: cfn-lint
	@out="$$(gofmt -l .)"; if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...

fmt:
	gofmt -w .

## build      every function as a linux/arm64 bootstrap under .build/<folder>/
build:
	@for f in $(FUNCTIONS); do dir=$${f#*:}; echo "build $$dir"; \
	  $(GOBUILD) -o .build/$$dir/bootstrap ./functions/$$dir || exit 1; done

# build-<LogicalId>: what `sam build` calls for each function (BuildMethod: makefile).
define sam_build_rule
.PHONY: build-$(1)
build-$(1):
	$$(GOBUILD) -o $$(ARTIFACTS_DIR)/bootstrap ./functions/$(2)
endef
$(foreach f,$(FUNCTIONS),$(eval $(call sam_build_rule,$(word 1,$(subst :, ,$(f))),$(word 2,$(subst :, ,$(f))))))

## deploy     sam build && sam deploy --guided (needs the SAM CLI and AWS credentials)
deploy:
	sam build && sam deploy --guided

## screenshots  the README's pictures, taken by the browser tests
screenshots: install browser
	UPWARD_SCREENSHOTS=$(CURDIR)/infra/screenshots $(GO) test -count=1 -run 'Browser' ./infra/devstack/

## reset      wipe local data (dynalite tables, dev clock, HMAC key, inbound mail in the S3 emulator)
reset:
	rm -rf .upward

## clean      remove build outputs
clean:
	rm -rf .aws-sam .build
