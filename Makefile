# The two commands the README promises:
#   make demo   the main job, against a local AWS emulator (moto)
#   make test   every test suite
SWIFT ?= swift
MOTO_PORT ?= 4599

.PHONY: test test-long build demo bench bench-sign bench-engine install-deps clean

build:
	$(SWIFT) build

test:
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

# The reliability tests with the full 20 random SIGKILL points (CI runs 2).
test-long:
	$(SWIFT) build --build-tests
	INFRA_CRASH_POINTS=20 $(SWIFT) test --skip-build --filter ReliabilityTests

install-deps:
	@command -v moto_server >/dev/null || python3 -m pip install --quiet 'moto[server]==5.2.1' boto3 botocore

demo: install-deps build
	./scripts/demo.sh $(MOTO_PORT)

# One table: the prod and scale platforms against moto with 0 and 50 ms of latency per request,
# apply against the critical path, process start; then the engine and signing benchmarks.
bench: install-deps
	$(SWIFT) build -c release
	./.build/release/infra-bench

# Signatures per second next to botocore's, and against the machine's SHA-256 throughput.
bench-sign:
	$(SWIFT) build -c release --product infra-bench-sign
	./.build/release/infra-bench-sign

# Plan of 1,000 / 10,000 / 100,000 generated resources with refresh off: time and peak memory.
bench-engine:
	$(SWIFT) build -c release --product infra-bench-engine
	./.build/release/infra-bench-engine

clean:
	rm -rf .build
