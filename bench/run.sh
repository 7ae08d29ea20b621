#!/usr/bin/env bash
# Bowline proxy benchmark: Bowline vs nginx vs haproxy, interleaved in one run. See BENCHMARKS.md.
#
#   bench/run.sh [--tarball PATH] [--rounds N] [--profile] [--jvm-sweep] [--help for all options]
#
# Installs wrk, nginx, haproxy and h2load (nghttp2-client) when missing (needs root and apt-get),
# builds nothing, unpacks the distribution tarball (default: distribution/target/bowline-*.tar.gz)
# into a temporary directory, and writes raw results to bench/results/<timestamp>.json.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)

need=()
command -v wrk >/dev/null 2>&1 || need+=(wrk)
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || need+=(nginx)
command -v haproxy >/dev/null 2>&1 || [ -x /usr/sbin/haproxy ] || need+=(haproxy)
command -v h2load >/dev/null 2>&1 || need+=(nghttp2-client)
command -v taskset >/dev/null 2>&1 || need+=(util-linux)
command -v curl >/dev/null 2>&1 || need+=(curl)
if [ ${#need[@]} -gt 0 ]; then
  echo "installing: ${need[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # (the packages may also start their own system services; the benchmark never uses them)
  apt-get install -y -qq "${need[@]}" >/dev/null
fi
export PATH="$PATH:/usr/sbin:/sbin"
command -v java >/dev/null 2>&1 || [ -n "${JAVA_HOME:-}" ] || { echo "no java: install a JDK 17+" >&2; exit 1; }
command -v jfr >/dev/null 2>&1 || [ -z "${JAVA_HOME:-}" ] || export PATH="$JAVA_HOME/bin:$PATH"
exec python3 "$here/bench.py" "$@"
