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
# The settings go to every run (e.g. -Dbench.seconds=120). A deployment trains its caches on its own
# load instead (docs/operations.md, "Everything on one small machine: the JIT at start-up").
set -euo pipefail
cd "$(dirname "$0")/.."

if [ $# -lt 1 ]; then
  sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'
  exit 2
fi
java="$1/bin/java"
shift
pairs=2
if [ $# -gt 0 ] && [[ $1 =~ ^[0-9]+$ ]]; then
  pairs=$1
  shift
fi
if ! "$java" -XX:AOTMode=auto -version >/dev/null 2>&1; then
  echo "$java cannot use ahead-of-time caches: a JDK 25 or later is needed" >&2
  exit 2
fi

bench/prepare.sh auto
bench_jar=$(ls bench/target/bench-*.jar 2>/dev/null | head -1 || true)
if [ -z "$bench_jar" ]; then
  bench/prepare.sh always
  bench_jar=$(ls bench/target/bench-*.jar | head -1)
fi

out=bench/target/pipeline-aot
rm -rf "$out"
mkdir -p "$out"
out=$(cd "$out" && pwd -P)
root=$(pwd -P)
# jars only: a cache cannot be made for a class path with a directory of classes on it (the broker's is this
# JVM's class path)
classpath="$root/$bench_jar:$(cat bench/target/classpath.txt)"
# as the scenario starts them (PipelineSettings: the jars under bench.jars, "."), for the caches to match
gateway_jar="$root/./order-gateway/target/order-gateway.jar"
streams_jar="$root/./streams-app/target/streams-app.jar"
heap=(-Xms512m -Xmx1g)

run() {
  local name=$1
  shift
  echo "== $name"
  "$java" -Xmx2g -cp "$classpath" -Dbench.workDir="$out/$name" "$@" \
    com.marketplace.bench.pipeline.PipelineBenchmark > "$out/$name.log" 2>&1
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

"$java" "${heap[@]}" -XX:AOTMode=create -XX:AOTConfiguration="$out/gateway.aotconf" \
  -XX:AOTCache="$out/gateway.aot" -jar "$gateway_jar" > "$out/create-gateway.log" 2>&1
"$java" "${heap[@]}" -XX:AOTMode=create -XX:AOTConfiguration="$out/streams-app.aotconf" \
  -XX:AOTCache="$out/streams-app.aot" -jar "$streams_jar" > "$out/create-streams-app.log" 2>&1
"$java" "${heap[@]}" -XX:AOTMode=create -XX:AOTConfiguration="$out/kafka.aotconf" \
  -XX:AOTCache="$out/kafka.aot" -cp "$classpath" kafka.Kafka > "$out/create-kafka.log" 2>&1
ls -l "$out"/*.aot

for i in $(seq 1 "$pairs"); do
  run "with-caches-$i" "${with_caches[@]}" "$@"
  run "without-caches-$i" "${without_caches[@]}" "$@"
done
