# The two commands the README promises:
#   make demo   the main job, against a local AWS emulator (moto)
#   make test   every test suite
SWIFT ?= swift
MOTO_PORT ?= 4599

.PHONY: test build demo bench bench-sign bench-engine install-deps clean

build:
	$(SWIFT) build

test:
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

install-deps:
	@command -v moto_server >/dev/null || python3 -m pip install --quiet 'moto[server]' boto3 botocore

demo: install-deps build
	./scripts/demo.sh $(MOTO_PORT)

bench: bench-sign bench-engine

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
