#!/usr/bin/env bash
# Benchmarks of the streams app (not tests). From the repository root:
#   streams-app/bench.sh [throughput-records] [dedupe-store-records]
# 1. StreamsBenchmark: one instance, exactly_once_v2, in-process broker; full topology vs pass-through
#    over the same pre-loaded input (default 200,000 records, 10% duplicates), measured after one
#    warm-up run of the full topology (-Dbench.warmups=N).
# 2. DedupeStoreSizeBenchmark: dedupe-store size after N records (default 1,000,000) with 7-day vs
#    1-minute retention (the dedupe stage alone, exactly_once_v2, in-process broker; 100 records per
#    second of event time).
# Set SKIP_BUILD=1 to reuse an earlier build; BENCH_JAVA_OPTS passes system properties, e.g.
# BENCH_JAVA_OPTS=-Dbench.openOrders=5000 (status changes far from their creation, see StreamsBenchmark).
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
  mvn -B -q test-compile dependency:build-classpath -Dmdep.outputFile=target/test.classpath \
      -Dmdep.includeScope=test -pl streams-app -am
fi
CP="streams-app/target/test-classes:streams-app/target/classes:$(cat streams-app/target/test.classpath)"
java -Xmx2g ${BENCH_JAVA_OPTS:-} -cp "$CP" com.marketplace.streams.bench.StreamsBenchmark "${1:-200000}"
java -Xmx2g -cp "$CP" com.marketplace.streams.bench.DedupeStoreSizeBenchmark "${2:-1000000}"
