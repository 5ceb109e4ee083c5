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

.PHONY: build run test bench conformance clean

build: $(JAR)

$(JAR): pom.xml $(shell find stack/src/main tap-driver/src/main conformance-tests/src/main stack/pom.xml tap-driver/pom.xml conformance-tests/pom.xml -type f 2>/dev/null)
	$(MVN) -DskipTests package
	touch $(JAR)

run: build
	bin/netstack4j run --tap $(TAP) --address $(ADDRESS) --peer-address $(PEER_ADDRESS) $(RUN_ARGS)

test:
	./mvnw -B verify

bench: build
	$(MVN) -DskipTests -pl bench -am package
	set -o pipefail; bench/run-bench.sh | tee bench/target/bench-results.txt
	if command -v python3 >/dev/null; then python3 bench/plot.py bench/target/bench-results.txt bench/target; fi

# docs/conformance.md: every RFC 9293 requirement, the tests (@Checks) and scripts (checks:) that claim it, and
# whether they passed in the runs made here (the stack's tests, then every packetdrill script).
conformance: build
	./mvnw -B -q -pl stack surefire:test -Dnetstack4j.transferBytes=1048576 -Dsurefire.failIfNoSpecifiedTests=false || true
	bin/netstack4j packetdrill conformance-tests/scripts > conformance-tests/target/script-results.txt || true
	tail -n 1 conformance-tests/target/script-results.txt
	"$(JAVA_HOME)/bin/java" -cp "$$(ls conformance-tests/target/netstack4j-conformance-tests-*.jar | grep -v -e sources -e tests | head -n 1)" \
	  org.netstack4j.conformance.ConformanceReport . conformance-tests/target/script-results.txt docs/conformance.md

clean:
	./mvnw -B -q clean
