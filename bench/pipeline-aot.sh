#!/usr/bin/env bash
# The pipeline scenario (200 orders/s for 90 s from a cold start, PipelineBenchmark) on a JDK with
# ahead-of-time caches (JDK 25 and later: JEP 483, 514, 515), with and without them. A training run of the
# scenario records what the gateway, the streams app and the broker load, link and profile; the JDK makes a
# cache of each from that; then runs with the caches and runs without them alternate on the same JDK, so
# that what differs is the caches. Everything, JVMs and load client, runs on that JDK. Each run's log,
# and the caches, go to bench/target/pipeline-aot/; the figures of each run are printed as it ends.
#
#   bench/pipeline-aot.sh JAVA_HOME [PAIRS (2)] [-Dbench.setting=value ...]
#
# PAIRS 0 makes the caches and stops. The settings go to every run (e.g. -Dbench.seconds=120); not
# -Dbench.jvm.gateway, .streams-app or .kafka, which carry the caches' options, nor -Dbench.jars (the
# caches are made for the jars under this repository). A deployment trains its caches on its own load
# instead (docs/operations.md, "Everything on one small machine: the JIT at start-up").
set -euo pipefail

if [ $# -lt 1 ]; then
  sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'
  exit 2
fi
java="$(cd "$1" && pwd -P)/bin/java"
shift
if [ ! -x "$java" ]; then
  echo "$java: not found or not executable; give the JDK's home directory" >&2
  exit 2
fi
cd "$(dirname "$0")/.."
pairs=2
if [ $# -gt 0 ] && [[ $1 =~ ^[0-9]+$ ]]; then
  pairs=$1
  shift
fi
for setting in "$@"; do
  case "$setting" in
    -Dbench.jvm.gateway=* | -Dbench.jvm.streams-app=* | -Dbench.jvm.kafka=* | -Dbench.jars=*)
      echo "${setting%%=*} is set by this script (the caches' options and jars): leave it out" >&2
      exit 2 ;;
  esac
done
# JDK 25 or later: from 25 on a cache also holds the training run's method profiles (JEP 515)
version=$("$java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
if [ -z "$version" ] || [ "${version%%.*}" -lt 25 ]; then
  echo "$java is Java ${version:-?}: ahead-of-time caches with method profiles need a JDK 25 or later" >&2
  exit 2
fi

# the bench module's own jar (not its sources or tests), made by the build
bench_jars() {
  find bench/target -maxdepth 1 -name 'bench-*.jar' ! -name '*-sources.jar' ! -name '*-tests.jar'
}
bench/prepare.sh auto
if [ -z "$(bench_jars)" ]; then
  bench/prepare.sh always
fi
if [ "$(bench_jars | wc -l)" -ne 1 ]; then
  echo "expected one bench jar in bench/target, found: $(bench_jars | tr '\n' ' ')" >&2
  exit 1
fi
bench_jar=$(bench_jars)

out=bench/target/pipeline-aot
rm -rf "$out"
mkdir -p "$out"
out=$(cd "$out" && pwd -P)
root=$(pwd -P)
# the caches' paths go into -Dbench.jvm.<name> values, which the scenario splits at white space
if [[ $root =~ [[:space:]] ]]; then
  echo "$root has white space in it, which the JVM options this script passes cannot carry" >&2
  exit 2
fi
# jars only: a cache cannot be made for a class path with a directory of classes on it (the broker's is this
# JVM's class path)
classpath="$root/$bench_jar:$(cat bench/target/classpath.txt)"
# as the scenario starts them (PipelineSettings: the jars under bench.jars, "."), for the caches to match
gateway_jar="$root/./order-gateway/target/order-gateway.jar"
streams_jar="$root/./streams-app/target/streams-app.jar"
# the heap every JVM of the scenario gets (BenchEnvironment.jvmOptions): a cache is made for the options
# it is used with
heap=(-Xms512m -Xmx1g)

run() {
  local name=$1
  shift
  echo "== $name"
  if ! "$java" -Xmx2g -cp "$classpath" -Dbench.workDir="$out/$name" "$@" \
    com.marketplace.bench.pipeline.PipelineBenchmark > "$out/$name.log" 2>&1; then
    echo "run $name failed: see $out/$name.log and the logs under $out/$name/" >&2
    exit 1
  fi
  grep -E '^Pipeline at|^orders sent|^\| (latency|201 → |[0-9]+–[0-9]+ )|^machine busy' "$out/$name.log" || true
}

# the options of each JVM: with an ahead-of-time option the harness leaves the build's class-data archive
# out, which a JVM refuses beside one; AOTMode=on makes a JVM that cannot use its cache refuse to start,
# rather than run without it
with_caches=()
without_caches=()
for jvm in gateway streams-app kafka; do
  with_caches+=("-Dbench.jvm.$jvm=-XX:AOTMode=on -XX:AOTCache=$out/$jvm.aot")
  # the JDK's own class-data archive and no cache, rather than the build's archive, which fits another JDK
  without_caches+=("-Dbench.jvm.$jvm=-XX:AOTMode=auto")
done

training=()
for jvm in gateway streams-app kafka; do
  training+=("-Dbench.jvm.$jvm=-XX:AOTMode=record -XX:AOTConfiguration=$out/$jvm.aotconf")
done
run training "${training[@]}" "$@"

# the cache of JVM $1 from its training run, for the class path or jar of the remaining arguments
create() {
  local jvm=$1
  shift
  if ! "$java" "${heap[@]}" -XX:AOTMode=create -XX:AOTConfiguration="$out/$jvm.aotconf" \
    -XX:AOTCache="$out/$jvm.aot" "$@" > "$out/create-$jvm.log" 2>&1; then
    echo "the $jvm cache was not made: see $out/create-$jvm.log" >&2
    exit 1
  fi
}
create gateway -jar "$gateway_jar"
create streams-app -jar "$streams_jar"
create kafka -cp "$classpath" kafka.Kafka
ls -l "$out"/*.aot

for i in $(seq 1 "$pairs"); do
  run "with-caches-$i" "${with_caches[@]}" "$@"
  run "without-caches-$i" "${without_caches[@]}" "$@"
done
