#!/usr/bin/env bash
# Makes sure MariaDB is up (as CI does) and the benchmarks' build is current: the jars the scenarios start,
# and the class paths of the bench module (which also runs kafka.Kafka and the streams scenario's JVM) and of
# the Debezium baseline (its own Kafka version, its own process). Used by bench/run.sh and
# bench/pipeline-aot.sh.
#
#   bench/prepare.sh [auto|always]
#
# The Maven build (package, without tests, of bench, bench-debezium and the modules they use) runs with
# `always`, or with `auto` (the default) when it is needed: when no build of this script is found, or when
# the root pom or any pom or file under src/ of those modules is newer than the last build it started.
set -euo pipefail
cd "$(dirname "$0")/.."

build=${1:-auto}
case "$build" in
  auto | always) ;;
  *) echo "usage: bench/prepare.sh [auto|always]" >&2; exit 2 ;;
esac

if ! mysqladmin --protocol=tcp -h127.0.0.1 -P3306 -uroot ping >/dev/null 2>&1; then
  echo "MariaDB not running: starting it"
  start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd
  for _ in $(seq 1 60); do
    mysqladmin --protocol=tcp -h127.0.0.1 -P3306 -uroot ping >/dev/null 2>&1 && break
    sleep 1
  done
  if ! mysqladmin --protocol=tcp -h127.0.0.1 -P3306 -uroot ping >/dev/null 2>&1; then
    echo "MariaDB did not answer at 127.0.0.1:3306 within 60 s" >&2
    exit 1
  fi
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
  echo "Build is current (no source or pom newer than $stamp): not building;" \
    "bench/run.sh --build, or bench/prepare.sh always, forces it"
fi
