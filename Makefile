# gordon's everyday commands. `make test` is what CI runs (through .ci/run).

VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
COMMIT  ?= $(shell git rev-parse --short HEAD 2>/dev/null || echo none)
LDFLAGS := -s -w -X main.version=$(VERSION) -X main.commit=$(COMMIT)
BIN     := bin/gordon

.PHONY: build tools consul test lint demo bench fuzz clean

# A static binary: the same one the Dockerfile ships.
build:
	CGO_ENABLED=0 go build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN) ./cmd/gordon

# The demo's stand-ins: a demo fleet loader, the Jenkins and GitHub simulators.
tools:
	go build -o bin/demo-fleet ./cmd/demo-fleet
	go build -o bin/jenkins-sim ./cmd/jenkins-sim
	go build -o bin/github-sim ./cmd/github-sim

# A real Consul for tests and the demo, built once from its Go module
# (about five minutes the first time, seconds after).
consul:
	scripts/build-consul.sh

# Everything CI checks: formatting, vet, the static build, and every test
# (real IRC servers included) with the race detector.
test: lint build consul
	@if readelf -d $(BIN) 2>/dev/null | grep -q NEEDED; then echo "$(BIN) is not static"; exit 1; fi
	go test -race -count=1 -timeout 20m ./...

lint:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
		if [ -n "$$out" ]; then echo "not gofmt-formatted:"; echo "$$out"; exit 1; fi
	go vet ./...

# Talk to gordon for real: see README.md.
demo: build tools consul
	./scripts/demo.sh

# Benchmarks; results and how to read them are in BENCHMARKS.md.
bench: consul
	go test -run '^$$' -bench . -benchmem ./...

fuzz:
	go test -run '^$$' -fuzz FuzzTokenize -fuzztime 60s ./commands/

clean:
	rm -rf bin
