# netstack4j — the two commands that matter: `make run` and `make test`.
SHELL := /bin/bash
JAVA_HOME ?= $(shell if [ -x /usr/lib/jvm/temurin-25-jdk-amd64/bin/java ]; then echo /usr/lib/jvm/temurin-25-jdk-amd64; fi)
export JAVA_HOME
MVN := ./mvnw -B -q
JAR := tap-driver/target/.built

# Where `make run` puts the stack; override on the command line, e.g. `make run TAP=tap9`.
TAP ?= ns4j0
ADDRESS ?= 10.77.0.2/24
PEER_ADDRESS ?= 10.77.0.1/24
RUN_ARGS ?=

.PHONY: build run test bench clean

build: $(JAR)

$(JAR): pom.xml $(shell find stack/src/main tap-driver/src/main conformance-tests/src/main stack/pom.xml tap-driver/pom.xml conformance-tests/pom.xml -type f 2>/dev/null)
	$(MVN) -DskipTests install
	touch $(JAR)

run: build
	bin/netstack4j run --tap $(TAP) --address $(ADDRESS) --peer-address $(PEER_ADDRESS) $(RUN_ARGS)

test:
	./mvnw -B verify

bench: build
	$(MVN) -DskipTests -pl bench -am package
	bench/run-bench.sh

clean:
	./mvnw -B -q clean
