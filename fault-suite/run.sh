#!/usr/bin/env bash
# The whole process-level fault suite: builds the jars, then runs every scenario (or those named)
# with the gateway and streams jars, Kafka brokers and a private MariaDB server as processes of
# their own, and prints the table of results. Exits non-zero when a scenario fails.
#
#   fault-suite/run.sh [--quick] [--no-build] [-Dname=value ...] [SCENARIO ...]
#
# --quick runs the scenarios at the size the build's *IT classes use. -D options go to the suite's
# JVM (e.g. -Dfaults.fuzz.seed=N for http-fuzz; -Dfaults.jvm.<process>="opts" adds JVM options to
# the processes of exactly that name, such as -Dfaults.jvm.streams=-Xshare:off to run the streams jar
# without the class-data archive the build writes beside it). --no-build runs the jars and archives of
# the last build as they are. Work files and every process's log: fault-suite/target/fault-suite/.
# Needs the mariadb-server package (mariadbd, mariadb-install-db); the machine's own MariaDB server is
# not touched.
set -euo pipefail
cd "$(dirname "$0")/.."

scale=full
build=true
args=()
props=()
for arg in "$@"; do
  case "$arg" in
    --quick) scale=quick ;;
    --no-build) build=false ;;
    -D*) props+=("$arg") ;;
    *) args+=("$arg") ;;
  esac
done

if [ "$build" = true ] || [ ! -f fault-suite/target/classpath.txt ]; then
  mvn -q -B package dependency:build-classpath -DskipTests -pl fault-suite -am \
    -Dmdep.outputFile=target/classpath.txt -Dmdep.includeScope=runtime
fi

exec java -Xmx1g -cp "fault-suite/target/classes:$(cat fault-suite/target/classpath.txt)" \
  -Dfaults.scale="$scale" -Dfaults.jars=. -Dfaults.workDir=fault-suite/target/fault-suite ${props[@]+"${props[@]}"} \
  com.marketplace.faults.FaultSuite ${args[@]+"${args[@]}"}
