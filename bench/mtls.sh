#!/usr/bin/env bash
# Mutual TLS between two Bowline proxies against the same path in plaintext. See BENCHMARKS.md.
#
#   bench/mtls.sh [--rounds N] [--duration S] [--help for all options]
#
# Installs wrk, nginx and openssl when missing (needs root and apt-get), builds nothing, unpacks the
# distribution tarball (default: distribution/target/bowline-*.tar.gz) into a temporary directory,
# and writes raw results to bench/results/<timestamp>-mtls.json.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
need=()
command -v wrk >/dev/null 2>&1 || need+=(wrk)
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || need+=(nginx)
command -v openssl >/dev/null 2>&1 || need+=(openssl)
command -v taskset >/dev/null 2>&1 || need+=(util-linux)
if [ ${#need[@]} -gt 0 ]; then
  echo "installing: ${need[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${need[@]}" >/dev/null
fi
export PATH="$PATH:/usr/sbin:/sbin"
exec python3 "$here/mtls.py" "$@"
