#!/usr/bin/env bash
# The one benchmark command. Builds the jars when they are out of date, makes sure MariaDB is up (as CI
# does), and runs every benchmark scenario with its baseline, the project's jars, Kafka brokers, Debezium and
# a second MariaDB (binlog on) as processes of their own. Writes docs/benchmarks/<date>.md with its plots and
# copies it to docs/benchmarks/latest.md; a quick run (short phases, small backlogs) writes
# docs/benchmarks/<date>-quick.md. A run of named scenarios (-Dbench.only) appends their names to the file
# name (<date>-gateway.md) and leaves latest.md alone. The rate sweep (pipeline-sweep) runs in a quick run
# only when -Dbench.only names it. -Dbench.jfr=true records a JFR profile (settings=profile) in every JVM
# a scenario starts: the files (<name>.jfr) stay in the scenario's work directory under
# bench/target/bench-run/<scenario>, and the scenario's section of the report ends with a summary of each:
# execution samples by thread group, the top methods by self samples and the project's own methods by
# inclusive samples; the streams scenario's first gives its measured stream threads' CPU per input by part
# of the work, under each guarantee. In the streams scenario, -Dbench.streams.rounds=N sets its rounds (3), and
# -Dbench.jvm.streams-throughput=-Dbench.streams.variant.<setting>=<value> runs the full topology with that
# Kafka Streams setting changed in every round too, beside the app's own settings (an empty value removes it).
#
#   bench/run.sh [--quick] [--build]
#                [-Dbench.only=gateway,relay-drain,commit-to-ack,pipeline,pipeline-sweep,streams]
#                [-Dbench.jfr=true] [-Dbench.setting=value ...]
#
# The Maven build (package, without tests, of bench, bench-debezium and the modules they use) runs only
# when it is needed (bench/prepare.sh): when no build of it is found, or when the root pom or any pom or file
# under src/ of those modules is newer than the last build it started. --build builds in any case (for
# example after changing a file that the check does not look at, such as one in ~/.m2).
set -euo pipefail
cd "$(dirname "$0")/.."

quick=false
build=auto
args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) quick=true ;;
    --build) build=always ;;
    *) args+=("$1") ;;
  esac
  shift
done

bench/prepare.sh "$build"

exec java -Xmx2g -cp "bench/target/classes:$(cat bench/target/classpath.txt)" \
  -Dbench.quick="$quick" ${args[@]+"${args[@]}"} com.marketplace.bench.BenchRunner
