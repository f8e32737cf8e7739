#!/usr/bin/env bash
# The one benchmark command. Builds the jars, makes sure MariaDB is up (as CI does), and runs every
# benchmark scenario with its baseline, the project's jars, Kafka brokers, Debezium and a second MariaDB
# (binlog on) as processes of their own. Writes docs/benchmarks/<date>.md with its plots and copies it to
# docs/benchmarks/latest.md; a quick run (short phases, small backlogs) writes docs/benchmarks/<date>-quick.md.
#
#   bench/run.sh [--quick] [-Dbench.only=gateway,relay-drain,commit-to-ack,pipeline,streams] [-Dbench.jfr=true]
#                [-Dbench.setting=value ...]
set -euo pipefail
cd "$(dirname "$0")/.."

quick=false
args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) quick=true ;;
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

# the jars the scenarios start, and the class paths of the bench module (which also runs kafka.Kafka and
# the streams scenario's JVM) and of the Debezium baseline (its own Kafka version, its own process)
mvn -q -B package dependency:build-classpath -DskipTests -Dmdep.outputFile=target/classpath.txt \
  -Dmdep.includeScope=runtime

exec java -Xmx2g -cp "bench/target/classes:$(cat bench/target/classpath.txt)" \
  -Dbench.quick="$quick" ${args[@]+"${args[@]}"} com.marketplace.bench.BenchRunner
