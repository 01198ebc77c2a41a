# Every Go command runs with the FTS5 build tag: without it SQLite has no
# full-text search and the schema will not migrate.
export GOFLAGS := -tags=sqlite_fts5
export CGO_ENABLED := 1
# SQLite plans a prepared statement again whenever a bound value might change
# the plan, and since 3.4x that covers most joins: every run of a cached join
# was parsed and planned anew, twice the cost of running it. The query
# planner stability guarantee keeps one plan per statement (db/planner.go).
export CGO_CFLAGS ?= -O2 -g -DSQLITE_ENABLE_QPSG

BIN      := bin/campfire
VERSION  ?= $(shell git describe --always --dirty 2>/dev/null || echo dev)
LDFLAGS  := -s -w -X main.version=$(VERSION)

.PHONY: run build test unit e2e generate check-generated vendor assets check-assets lint bench soak clean

run: build
	./$(BIN) serve

build:
	go build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN) ./cmd/campfire

# All tests: unit and integration (race detector on), then browser journeys.
test: lint check-generated check-assets unit e2e

unit:
	scripts/install-test-deps.sh
	go test -race -count=1 ./...

e2e:
	@if [ -d e2e ] && ls e2e/*_test.go >/dev/null 2>&1; then scripts/install-test-deps.sh && go test -count=1 -tags=sqlite_fts5,e2e ./e2e/...; else echo "no e2e journeys yet"; fi

generate:
	go tool templ generate

# Generated templ code is committed; this fails when it is stale.
check-generated:
	go tool templ generate
	git diff --exit-code -- '*_templ.go'

vendor:
	scripts/vendor.sh

# The composer island (assets/composer) is bundled into static/js/composer.js,
# which is committed so the server builds without node.
assets:
	scripts/assets.sh

# Rebuilds the bundle from the lock file and fails if the committed one differs.
# Needs node and npm; without them the check is skipped, not failed, because the
# Go build and tests do not depend on node.
check-assets:
	@if command -v npm >/dev/null 2>&1; then scripts/assets.sh --check; \
	else echo "check-assets: npm not found, skipping the composer bundle check"; fi

lint:
	@unformatted=$$(gofmt -l $$(git ls-files '*.go' | grep -v '_templ.go$$')); \
	if [ -n "$$unformatted" ]; then echo "gofmt needed:"; echo "$$unformatted"; exit 1; fi
	go vet ./...
	go vet -tags=sqlite_fts5,e2e ./e2e/...

# Ten minutes of churning connections and posts, sampling goroutines and
# memory (SOAK_DURATION=2m make soak for a shorter run).
soak:
	go test -tags=sqlite_fts5,soak -run '^TestSoak$$' -count=1 -timeout 30m -v ./handlers

# A short run of every benchmark: Go benchmarks, then load against a real
# server (docs/BENCHMARKS.md has the method and the full-size commands).
bench:
	scripts/bench.sh

clean:
	rm -rf bin
