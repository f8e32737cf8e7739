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
# when it is needed: when no build of this script is found, or when the root pom or any pom or file under
# src/ of those modules is newer than the last build this script started. --build builds in any case (for
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

if ! mysqladmin --protocol=tcp -h127.0.0.1 -P3306 -uroot ping >/dev/null 2>&1; then
  echo "MariaDB not running: starting it"
  start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd
  for _ in $(seq 1 60); do
    mysqladmin --protocol=tcp -h127.0.0.1 -P3306 -uroot ping >/dev/null 2>&1 && break
    sleep 1
  done
fi

stamp=bench/target/run-sh-build.stamp
outputs=(bench/target/classpath.txt bench-debezium/target/classpath.txt
  order-gateway/target/order-gateway.jar streams-app/target/streams-app.jar)

# the class path entries of the last build that lie in this repository (the jars of its modules)
local_entries() {
  cat bench/target/classpath.txt bench-debezium/target/classpath.txt 2>/dev/null | tr ':' '\n' | grep -F "$(pwd -P)/"
}

# bench, bench-debezium and every module of this repository on their class paths
modules_used() {
  { echo bench; echo bench-debezium
    local_entries | sed "s|^$(pwd -P)/||; s|/target/.*||"
  } | sort -u
}

build_is_current() {
  [ -f "$stamp" ] || return 1
  for f in "${outputs[@]}" $(local_entries); do
    [ -e "$f" ] || return 1
  done
  local sources=(pom.xml)
  for m in $(modules_used); do
    sources+=("$m/pom.xml")
    [ -d "$m/src" ] && sources+=("$m/src")
  done
  [ -z "$(find "${sources[@]}" -newer "$stamp" -print -quit)" ]
}

if [ "$build" = always ] || ! build_is_current; then
  # the jars the scenarios start, and the class paths of the bench module (which also runs kafka.Kafka and
  # the streams scenario's JVM) and of the Debezium baseline (its own Kafka version, its own process); the
  # stamp takes the time the build started, so a file changed during the build makes the next run build again
  mkdir -p bench/target
  touch "$stamp.next"
  mvn -q -B package dependency:build-classpath -DskipTests -pl bench,bench-debezium -am \
    -Dmdep.outputFile=target/classpath.txt -Dmdep.includeScope=runtime
  mv "$stamp.next" "$stamp"
else
  echo "Build is current (no source or pom newer than $stamp): not building; --build forces it"
fi

exec java -Xmx2g -cp "bench/target/classes:$(cat bench/target/classpath.txt)" \
  -Dbench.quick="$quick" ${args[@]+"${args[@]}"} com.marketplace.bench.BenchRunner
