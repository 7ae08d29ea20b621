#!/usr/bin/env bash
# Pilot scale benchmark: 1000 services, 10 000 endpoints and 200 simulated sidecars holding ADS
# streams to an in-process control plane. See BENCHMARKS.md ("Pilot at scale").
#
#   bench/pilot-scale.sh [--no-build] [--profile] [benchmark options]
#
#   --no-build   use the classes already built (kernel/target/classes and test-classes)
#   --profile    also record a JFR profile next to the results
#   benchmark options, e.g. --proxies 200 --changes 20 --full-pushes 5: run with --help for all
#
# Builds the kernel and the modules it needs (mvn install, tests skipped), then runs
# dev.bowline.kernel.bench.PilotScaleBench from the kernel's test classes in one JVM with
# JAVA_OPTS (default below). Prints the figures and writes them to
# bench/results/<timestamp>-pilot-scale.json (not committed). The run takes about 40 s on 2
# cores after the build.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")

build=1
profile=0
args=()
for a in "$@"; do
  case "$a" in
    --no-build) build=0 ;;
    --profile) profile=1 ;;
    *) args+=("$a") ;;
  esac
done

command -v java >/dev/null 2>&1 || [ -n "${JAVA_HOME:-}" ] || { echo "no java: install a JDK 17+" >&2; exit 1; }
java_cmd=java
[ -n "${JAVA_HOME:-}" ] && java_cmd="$JAVA_HOME/bin/java"

mkdir -p "$here/results"
stamp=$(date -u +%Y%m%dT%H%M%SZ)
cpfile="$here/results/.pilot-scale-classpath"

if [ "$build" = 1 ]; then
  echo "building the kernel (mvn install, tests skipped)" >&2
  (cd "$root" && mvn -B -q install -DskipTests -pl kernel -am)
fi
if [ "$build" = 1 ] || [ ! -s "$cpfile" ]; then
  (cd "$root/kernel" && mvn -B -q dependency:build-classpath -Dmdep.includeScope=test \
    -Dmdep.outputFile="$cpfile")
fi
[ -d "$root/kernel/target/test-classes/dev/bowline/kernel/bench" ] || {
  echo "kernel test classes are missing: run without --no-build" >&2; exit 1; }

opts=${JAVA_OPTS:-"-Xms256m -Xmx2g -XX:+ExitOnOutOfMemoryError"}
# shellcheck disable=SC2206
jvm=($opts -Dorg.slf4j.simpleLogger.defaultLogLevel=warn)
if [ "$profile" = 1 ]; then
  jvm+=("-XX:StartFlightRecording=filename=$here/results/$stamp-pilot-scale.jfr,settings=profile")
fi

exec "$java_cmd" "${jvm[@]}" \
  -cp "$root/kernel/target/test-classes:$root/kernel/target/classes:$(cat "$cpfile")" \
  dev.bowline.kernel.bench.PilotScaleBench \
  --json-out "$here/results/$stamp-pilot-scale.json" "${args[@]}"
