#!/usr/bin/env bash
# A/B of two Bowline builds on closed-loop throughput, alternating: A, B, A, B.
#
#   bench/ab.sh A.tar.gz B.tar.gz [--h2] [--pairs 2] [--runs 3] [--duration 15] [--warmup 30]
#
# Each build is unpacked afresh and run as `bin/bowline proxy --concurrency 1` pinned to core 1,
# with the benchmark's JAVA_OPTS, in front of a one-worker nginx upstream (256-byte body) on core 0.
# The load runs on core 0: HTTP/1.1 with `wrk -t1 -c50`, or with --h2 h2c with prior knowledge
# with `h2load -c16 -m10` (bench/run.sh's HTTP/2 phase). It warms the proxy up, then measures it
# --runs times. Needs nginx, wrk, h2load, curl and taskset (bench/run.sh installs them). Prints one
# line of req/s per build and pair. A data-path change shows here within minutes; bench/run.sh
# remains the reference against nginx and haproxy.
set -euo pipefail
[ $# -ge 2 ] || { sed -n 2,13p "$0"; exit 2; }
a=$(readlink -f "$1"); b=$(readlink -f "$2"); shift 2
pairs=2 runs=3 duration=15 warmup=30 h2=false
while [ $# -gt 0 ]; do
  case "$1" in
    --h2) h2=true; shift ;;
    --pairs) pairs=$2; shift 2 ;; --runs) runs=$2; shift 2 ;;
    --duration) duration=$2; shift 2 ;; --warmup) warmup=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
export PATH="$PATH:/usr/sbin:/sbin"
work=$(mktemp -d /tmp/bowline-ab-XXXXXX)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

up=$(free_port); listener=$(free_port); admin=$(free_port)
body=$(python3 -c 'print("0123456789abcdef"*16)')
mkdir -p "$work/tmp"
cat > "$work/upstream.conf" <<CONF
daemon off; master_process off; worker_processes 1;
pid $work/nginx.pid; error_log $work/error.log warn;
events { worker_connections 4096; }
http {
  access_log off; client_body_temp_path $work/tmp; proxy_temp_path $work/tmp;
  fastcgi_temp_path $work/tmp; uwsgi_temp_path $work/tmp; scgi_temp_path $work/tmp;
  keepalive_requests 1000000; keepalive_timeout 300s;
  server { listen 127.0.0.1:$up backlog=4096; default_type text/plain; location / { return 200 "$body"; } }
}
CONF
# The same bootstrap bench/run.sh gives Bowline (bench.py's BOOTSTRAP).
python3 -B -c 'import sys; sys.path.insert(0, sys.argv[1]); import bench
print(bench.BOOTSTRAP.format(admin=sys.argv[2], port=sys.argv[3], upstream=sys.argv[4]))' \
  "$(dirname "$0")" "$admin" "$listener" "$up" > "$work/bootstrap.yaml"
taskset -c 0 nginx -c "$work/upstream.conf" & pids+=($!)

load() { # seconds: prints req/s
  if $h2; then
    taskset -c 0 h2load -c16 -m10 -D "$1" "http://127.0.0.1:$listener/" | awk '/^finished in/{printf "%.0f", $4}'
  else
    taskset -c 0 wrk -t1 -c50 -d"$1s" "http://127.0.0.1:$listener/" | awk '/Requests\/sec/{printf "%.0f", $2}'
  fi
}
measure() { # label tarball
  rm -rf "$work/bowline" && mkdir "$work/bowline" && tar xzf "$2" -C "$work/bowline" --strip-components=1
  JAVA_OPTS="-XX:+UseSerialGC -Xms16m -Xmx64m -XX:ReservedCodeCacheSize=32m -Xss256k -XX:TrimNativeHeapInterval=10000" \
  BOWLINE_LOG_LEVEL=warn taskset -c 1 "$work/bowline/bin/bowline" proxy --bootstrap "$work/bootstrap.yaml" \
    --concurrency 1 --drain-time PT1S > "$work/bowline.log" 2>&1 &
  local pid=$!; pids+=($pid)
  for _ in $(seq 600); do curl -sf -o /dev/null "http://127.0.0.1:$admin/ready" && break; sleep 0.05; done
  load "$warmup" > /dev/null
  local line="$1"
  for _ in $(seq "$runs"); do
    line="$line $(load "$duration")"
  done
  echo "$line req/s"
  kill "$pid"; wait "$pid" 2>/dev/null || true
}
for _ in $(seq "$pairs"); do measure "A $(basename "$a")" "$a"; measure "B $(basename "$b")" "$b"; done
