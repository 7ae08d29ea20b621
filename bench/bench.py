#!/usr/bin/env python3
"""Bowline proxy benchmark: Bowline vs nginx vs haproxy, side by side, in one run.

Started by bench/run.sh (which installs the tools); see BENCHMARKS.md for what is measured and why.
Everything listens on 127.0.0.1 only, every load loop is bounded in time, and every process started
here is stopped by its own pid when the run ends.
"""

import argparse
import datetime
import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time

BENCH_DIR = os.path.dirname(os.path.abspath(__file__))
RESULTS_DIR = os.path.join(BENCH_DIR, "results")

# The upstream's fixed response body: 256 bytes, identical for every path through every proxy.
BODY = ("0123456789abcdef" * 16)
assert len(BODY) == 256

# JVM options chosen for Bowline (see BENCHMARKS.md, "JVM options"); override with --java-opts.
SMALL = "-XX:+UseSerialGC -Xms16m -Xmx64m -XX:ReservedCodeCacheSize=32m -Xss256k"
TRIM = "-XX:TrimNativeHeapInterval=10000"
DEFAULT_JAVA_OPTS = SMALL + " " + TRIM

# Candidate option sets compared by --jvm-sweep.
SWEEP = [
    ("jvm-defaults", ""),
    ("g1-256m", "-XX:+UseG1GC -Xms64m -Xmx256m"),
    ("serial-256m", "-XX:+UseSerialGC -Xms64m -Xmx256m"),
    ("serial-64m", SMALL),
    ("serial-64m-trim", SMALL + " " + TRIM),
    ("serial-64m-trim-c1", SMALL + " " + TRIM + " -XX:TieredStopAtLevel=1"),
    # not a JVM option but a Netty property: what Netty's default leak sampling costs
    ("serial-64m-trim-noleak", SMALL + " " + TRIM + " -Dio.netty.leakDetection.level=disabled"),
]


def usable_java_opts(opts):
    """Drops (with a warning) the options this JVM refuses, e.g. TrimNativeHeapInterval before 17.0.9."""
    kept = []
    for o in opts.split():
        r = subprocess.run(["java", o, "-version"], capture_output=True, text=True, timeout=60)
        if r.returncode == 0:
            kept.append(o)
        else:
            log(f"this JVM refuses {o}: left out ({(r.stderr.strip().splitlines() or ['?'])[0]})")
    return " ".join(kept)


CLK_TCK = os.sysconf("SC_CLK_TCK")

started = []  # every subprocess.Popen started here, stopped in reverse order at the end


def log(msg):
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run(cmd, timeout, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, **kw)


def stop(proc, grace=5.0):
    if proc is None or proc.poll() is not None:
        return
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(grace)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(5)


def stop_all():
    while started:
        stop(started.pop())


def pin(cpus):
    return ["taskset", "-c", cpus] if cpus else []


# ---------------------------------------------------------------------------------------------
# /proc sampling


def children(pid):
    out = []
    try:
        for tid in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{tid}/children") as f:
                out += [int(x) for x in f.read().split()]
    except OSError:
        pass
    return out


def tree(pid):
    """pid and all its descendants (nginx: master + worker)."""
    pids, todo = [], [pid]
    while todo:
        p = todo.pop()
        pids.append(p)
        todo += children(p)
    return pids


def cpu_ticks_split(pids):
    """(user, system) clock ticks of the processes: utime and stime, fields 14 and 15 of /proc/<pid>/stat."""
    user = system = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            user += int(fields[11])
            system += int(fields[12])
        except OSError:
            pass
    return user, system


def cpu_ticks(pids):
    return sum(cpu_ticks_split(pids))


def memory(pids):
    """VmRSS, VmHWM and Pss in MiB, summed over the processes."""
    rss = hwm = pss = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/status") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        rss += int(line.split()[1])
                    elif line.startswith("VmHWM:"):
                        hwm += int(line.split()[1])
            with open(f"/proc/{pid}/smaps_rollup") as f:
                for line in f:
                    if line.startswith("Pss:"):
                        pss += int(line.split()[1])
        except OSError:
            pass
    return {"rss_mib": rss / 1024, "hwm_mib": hwm / 1024, "pss_mib": pss / 1024}


def threads(pids):
    n = 0
    for pid in pids:
        try:
            n += len(os.listdir(f"/proc/{pid}/task"))
        except OSError:
            pass
    return n


# ---------------------------------------------------------------------------------------------
# tiny HTTP/1.1 client over raw sockets, for readiness polling (no keep-alive, no dependencies)


def http_status(port, path="/", timeout=0.5):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
            s.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode())
            data = b""
            while b"\r\n" not in data:
                chunk = s.recv(4096)
                if not chunk:
                    break
                data += chunk
            m = re.match(rb"HTTP/1\.[01] (\d{3})", data)
            return int(m.group(1)) if m else None
    except OSError:
        return None


def wait_for(port, path="/", timeout=30.0, poll=0.002):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if http_status(port, path) == 200:
            return time.monotonic()
        time.sleep(poll)
    return None


def h2_supported(port):
    """True when the listener answers an h2c prior-knowledge request over HTTP/2 with a 200."""
    try:
        r = run(["curl", "-s", "-o", "/dev/null", "-w", "%{http_code} %{http_version}", "--max-time", "3",
                 "--http2-prior-knowledge", f"http://127.0.0.1:{port}/"], timeout=10)
        return r.stdout.strip() == "200 2"
    except subprocess.TimeoutExpired:
        return False


# ---------------------------------------------------------------------------------------------
# the processes under test


NGINX_COMMON = """daemon off;
master_process on;
worker_processes 1;
pid {dir}/nginx.pid;
error_log {dir}/error.log warn;
events {{ worker_connections 4096; }}
"""

NGINX_HTTP_COMMON = """  access_log off;
  server_tokens off;
  client_body_temp_path {dir}/tmp/body;
  proxy_temp_path {dir}/tmp/proxy;
  fastcgi_temp_path {dir}/tmp/fastcgi;
  uwsgi_temp_path {dir}/tmp/uwsgi;
  scgi_temp_path {dir}/tmp/scgi;
  keepalive_requests 1000000;
  keepalive_timeout 300s;
"""


class Target:
    name = "?"
    h1_port = None
    h2_port = None
    proc = None

    def pids(self):
        return tree(self.proc.pid) if self.proc and self.proc.poll() is None else []


class Direct(Target):
    """No proxy: the load generator talks to the upstream itself (the latency baseline)."""

    name = "direct"

    def __init__(self, upstream):
        self.h1_port = upstream.h1_port

    def pids(self):
        return []


class Nginx(Target):
    def __init__(self, workdir, name, cpus, upstream_port=None):
        self.name = name
        self.dir = os.path.join(workdir, name)
        os.makedirs(os.path.join(self.dir, "tmp"), exist_ok=True)
        self.h1_port = free_port()
        common = NGINX_COMMON.format(dir=self.dir) + "http {\n" + NGINX_HTTP_COMMON.format(dir=self.dir)
        if upstream_port is None:  # the upstream: a fixed 256-byte body
            conf = common + f"""  server {{
    listen 127.0.0.1:{self.h1_port} backlog=4096;
    default_type text/plain;
    location / {{ return 200 "{BODY}"; }}
  }}
}}
"""
        else:  # nginx as a reverse proxy, keep-alive to the upstream
            self.h2_port = free_port()
            conf = common + f"""  upstream backend {{
    server 127.0.0.1:{upstream_port};
    keepalive 128;
    keepalive_requests 1000000;
    keepalive_timeout 300s;
  }}
  server {{
    listen 127.0.0.1:{self.h1_port} backlog=4096;
    listen 127.0.0.1:{self.h2_port} http2 backlog=4096;
    location / {{
      proxy_pass http://backend;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
    }}
  }}
}}
"""
        self.conf = os.path.join(self.dir, "nginx.conf")
        with open(self.conf, "w") as f:
            f.write(conf)
        self.cpus = cpus

    def start(self):
        self.proc = subprocess.Popen(pin(self.cpus) + ["nginx", "-p", self.dir, "-e", os.path.join(self.dir, "error.log"),
                                                        "-c", self.conf],
                                     stdout=subprocess.DEVNULL, stderr=open(os.path.join(self.dir, "stderr.log"), "w"))
        started.append(self.proc)
        if wait_for(self.h1_port, timeout=10) is None:
            raise RuntimeError(f"{self.name} did not start; see {self.dir}/error.log")


class Haproxy(Target):
    name = "haproxy"

    def __init__(self, workdir, cpus, upstream_port):
        self.dir = os.path.join(workdir, "haproxy")
        os.makedirs(self.dir, exist_ok=True)
        self.h1_port = free_port()
        self.h2_port = self.h1_port  # haproxy recognises the HTTP/2 preface on a clear-text bind
        self.conf = os.path.join(self.dir, "haproxy.cfg")
        with open(self.conf, "w") as f:
            f.write(f"""global
  nbthread 1
  maxconn 4096

defaults
  mode http
  option http-keep-alive
  http-reuse always
  timeout connect 5s
  timeout client 60s
  timeout server 60s
  timeout http-keep-alive 300s

frontend fe
  bind 127.0.0.1:{self.h1_port}
  default_backend be

backend be
  server s1 127.0.0.1:{upstream_port}
""")
        self.cpus = cpus

    def start(self):
        self.proc = subprocess.Popen(pin(self.cpus) + ["haproxy", "-db", "-f", self.conf],
                                     stdout=subprocess.DEVNULL, stderr=open(os.path.join(self.dir, "stderr.log"), "w"))
        started.append(self.proc)
        if wait_for(self.h1_port, timeout=10) is None:
            raise RuntimeError(f"haproxy did not start; see {self.dir}/stderr.log")


BOOTSTRAP = """admin:
  address:
    socket_address: {{ address: 127.0.0.1, port_value: {admin} }}
static_resources:
  listeners:
  - name: bench
    address:
      socket_address: {{ address: 127.0.0.1, port_value: {port} }}
    filter_chains:
    - filters:
      - name: envoy.filters.network.http_connection_manager
        typed_config:
          "@type": type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager
          stat_prefix: bench
          codec_type: AUTO
          http_filters:
          - name: envoy.filters.http.router
            typed_config:
              "@type": type.googleapis.com/envoy.extensions.filters.http.router.v3.Router
          route_config:
            name: bench
            virtual_hosts:
            - name: bench
              domains: ["*"]
              routes:
              - match: {{ prefix: "/" }}
                route: {{ cluster: upstream }}
  clusters:
  - name: upstream
    type: STATIC
    connect_timeout: 1s
    load_assignment:
      cluster_name: upstream
      endpoints:
      - lb_endpoints:
        - endpoint:
            address:
              socket_address: {{ address: 127.0.0.1, port_value: {upstream} }}
"""


class Bowline(Target):
    name = "bowline"

    def __init__(self, workdir, home, cpus, upstream_port, java_opts, tag="bowline"):
        self.home = home
        self.dir = os.path.join(workdir, tag)
        os.makedirs(self.dir, exist_ok=True)
        self.h1_port = free_port()
        self.h2_port = None  # set once h2c prior knowledge is seen to work
        self.admin_port = free_port()
        self.bootstrap = os.path.join(self.dir, "bootstrap.yaml")
        with open(self.bootstrap, "w") as f:
            f.write(BOOTSTRAP.format(admin=self.admin_port, port=self.h1_port, upstream=upstream_port))
        self.cpus = cpus
        self.java_opts = java_opts
        self.starts = 0

    def start(self, extra_opts="", probe=True):
        """Starts the proxy and returns (seconds to /ready 200, seconds to the first proxied 200);
        with probe False it does not send a plaintext request through (a proxy that requires client
        certificates refuses it) and the second figure is None."""
        env = dict(os.environ)
        env["JAVA_OPTS"] = (self.java_opts + " " + extra_opts).strip()
        env["BOWLINE_LOG_LEVEL"] = "info"
        self.starts += 1
        self.log = os.path.join(self.dir, f"proxy-{self.starts}.log")
        t0 = time.monotonic()
        self.proc = subprocess.Popen(pin(self.cpus) + [os.path.join(self.home, "bin", "bowline"), "proxy",
                                                        "--bootstrap", self.bootstrap, "--concurrency", "1",
                                                        "--drain-time", "PT1S"],
                                     cwd=self.dir, env=env, stdout=open(self.log, "w"), stderr=subprocess.STDOUT)
        started.append(self.proc)
        t_ready = wait_for(self.admin_port, "/ready", timeout=60)
        if t_ready is None:
            raise RuntimeError(f"bowline did not become ready; see {self.log}")
        t_first = wait_for(self.h1_port, "/", timeout=30) if probe else None
        if probe and t_first is None:
            raise RuntimeError(f"bowline did not proxy a request; see {self.log}")
        self_reported = None
        with open(self.log) as f:
            m = re.search(r"proxy ready in (\d+) ms", f.read())
            if m:
                self_reported = int(m.group(1)) / 1000
        return {"ready_s": t_ready - t0, "first_request_s": None if t_first is None else t_first - t0,
                "self_reported_s": self_reported}

    def stop(self):
        stop(self.proc)
        if self.proc in started:
            started.remove(self.proc)


# ---------------------------------------------------------------------------------------------
# load generators


def parse_wrk(out):
    r = {}
    m = re.search(r"Requests/sec:\s*([\d.]+)", out)
    r["rps"] = float(m.group(1)) if m else None
    m = re.search(r"(\d+) requests in ([\d.]+)(\w+)", out)
    r["requests"] = int(m.group(1)) if m else None
    m = re.search(r"Non-2xx or 3xx responses:\s*(\d+)", out)
    r["non_2xx"] = int(m.group(1)) if m else 0
    m = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    r["socket_errors"] = sum(int(x) for x in m.groups()) if m else 0
    for pct in ("50", "90", "99"):
        m = re.search(rf"^\s*{pct}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        if m:
            r[f"p{pct}_ms"] = float(m.group(1)) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[m.group(2)]
    return r


def parse_h2load(out):
    r = {}
    m = re.search(r"finished in ([\d.]+)s, ([\d.]+) req/s", out)
    r["rps"] = float(m.group(2)) if m else None
    m = re.search(r"requests: (\d+) total, (\d+) started, (\d+) done, (\d+) succeeded, (\d+) failed, "
                  r"(\d+) errored, (\d+) timeout", out)
    if m:
        r.update(requests=int(m.group(3)), succeeded=int(m.group(4)), failed=int(m.group(5)),
                 errored=int(m.group(6)), timeout=int(m.group(7)))
    m = re.search(r"status codes: (\d+) 2xx, (\d+) 3xx, (\d+) 4xx, (\d+) 5xx", out)
    if m:
        r["non_2xx"] = sum(int(x) for x in m.groups()[1:])
    return r


def system_busy_ticks():
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    return v[0] + v[1] + v[2] + v[5] + v[6] + v[7]  # user nice system irq softirq steal


def own_ticks():
    """CPU ticks of this script and everything it started (reaped children count through cutime)."""
    with open("/proc/self/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    total = sum(int(x) for x in fields[11:15])  # utime stime cutime cstime
    return total + cpu_ticks(tree(os.getpid())[1:])


class Sampler:
    """CPU ticks of a target's processes over a load run, its memory at the end, and the CPU that
    processes not started by this benchmark used meanwhile (other work on the machine)."""

    def __init__(self, target):
        self.pids = target.pids()
        self.jvm = self.pids[0] if isinstance(target, Bowline) and self.pids else None

    def __enter__(self):
        self.th0 = thread_ticks(self.jvm) if self.jvm else {}
        self.t0 = time.monotonic()
        self.u0, self.k0 = cpu_ticks_split(self.pids)
        self.s0, self.o0 = system_busy_ticks(), own_ticks()
        return self

    def __exit__(self, *exc):
        self.wall = time.monotonic() - self.t0
        u1, k1 = cpu_ticks_split(self.pids)
        self.user_s, self.system_s = (u1 - self.u0) / CLK_TCK, (k1 - self.k0) / CLK_TCK
        self.cpu_s = self.user_s + self.system_s
        other = (system_busy_ticks() - self.s0) - (own_ticks() - self.o0)
        self.foreign_cores = max(0.0, other / CLK_TCK / self.wall)
        self.mem = memory(self.pids) if self.pids else {}
        self.threads = threads(self.pids) if self.pids else 0
        self.thread_cores = {}
        if self.jvm:  # the JVM's threads: event loop, JIT compilers, GC
            th1 = thread_ticks(self.jvm)
            self.thread_cores = {k: round((th1[k] - self.th0.get(k, 0)) / CLK_TCK / self.wall, 3)
                                 for k in sorted(th1, key=lambda k: -(th1[k] - self.th0.get(k, 0)))
                                 if th1[k] - self.th0.get(k, 0) > 0}


def cpu_us_per_request(sampler, rps):
    """The proxy's CPU per request in a closed-loop run, split into user and kernel time: the kernel
    part (system calls, loopback TCP) is a floor every proxy pays; the user part is its own code."""
    if not rps:
        return {}
    requests = rps * sampler.wall
    return {"user_us_per_req": sampler.user_s / requests * 1e6, "system_us_per_req": sampler.system_s / requests * 1e6}


def per_req(r):
    """The user/kernel split of cpu_us_per_request for a log line, or nothing for the direct run."""
    if r.get("user_us_per_req") is None:
        return ""
    return f" ({r['user_us_per_req']:.1f} us user + {r['system_us_per_req']:.1f} us kernel per request)"


def closed_loop_h1(args, target):
    cmd = pin(args.load_cpus) + ["wrk", f"-t{args.wrk_threads}", f"-c{args.connections}", f"-d{args.duration}s",
                                 "--latency", f"http://127.0.0.1:{target.h1_port}/"]
    with Sampler(target) as s:
        out = run(cmd, timeout=args.duration + 60).stdout
    r = parse_wrk(out)
    r["foreign_cores"] = s.foreign_cores
    if s.thread_cores:
        r["jvm_thread_cores"] = s.thread_cores
    if s.pids:
        r["proxy_cpu_cores"] = s.cpu_s / s.wall
        r.update(cpu_us_per_request(s, r.get("rps")))
    if not r.get("rps"):
        r["raw"] = out[-2000:]
    return r


def closed_loop_h2(args, target):
    cmd = pin(args.load_cpus) + ["h2load", f"-c{args.h2_clients}", f"-m{args.h2_streams}", "-t1",
                                 "-D", str(args.duration), f"http://127.0.0.1:{target.h2_port}/"]
    with Sampler(target) as s:
        out = run(cmd, timeout=args.duration + 60).stdout
    r = parse_h2load(out)
    r["foreign_cores"] = s.foreign_cores
    if s.thread_cores:
        r["jvm_thread_cores"] = s.thread_cores
    if s.pids:
        r["proxy_cpu_cores"] = s.cpu_s / s.wall
        r.update(cpu_us_per_request(s, r.get("rps")))
    if not r.get("rps") or r.get("failed") or r.get("errored"):
        r["raw"] = out[-2000:]
    return r


def fixed_rate_h1(args, target, workdir, tag):
    """bench/fixedrate.py: --rate requests/s evenly spaced over --rate-connections keep-alive
    connections (see that file for why not h2load --rps), with the proxy's CPU and memory."""
    cmd = pin(args.load_cpus) + [sys.executable, os.path.join(BENCH_DIR, "fixedrate.py"), "--port", str(target.h1_port),
                                 "--rate", f"{args.rate:g}", "--connections", str(args.rate_connections),
                                 "--duration", str(args.rate_duration), "--warmup", str(args.rate_warmup)]
    with Sampler(target) as s:
        p = run(cmd, timeout=args.rate_duration + 60)
    try:
        r = json.loads(p.stdout)
    except ValueError:
        return {"error": (p.stdout + p.stderr)[-2000:], "foreign_cores": s.foreign_cores}
    r["window_non_200"] = r.get("non_200", 0) + r.get("errors", 0)
    r["foreign_cores"] = s.foreign_cores
    if s.pids:
        total = r.get("requests") or 0
        r["cpu_s"] = s.cpu_s
        r["cpu_s_per_1000_req"] = s.cpu_s / (total / 1000) if total else None
        r["cores_at_rate"] = s.cpu_s / s.wall
        r.update(s.mem)
        r["threads"] = s.threads
        if s.thread_cores:
            r["jvm_thread_cores"] = s.thread_cores
    return r


# ---------------------------------------------------------------------------------------------
# summaries


def jit(r):
    th = r.get("jvm_thread_cores") or {}
    c = sum(v for k, v in th.items() if "Compiler" in k)
    return f"  (event loop {th.get('bowline-worker', 0):.2f}, JIT {c:.2f}, GC {th.get('VM Thread', 0):.2f} core)" if th else ""


def busy(r):
    f = r.get("foreign_cores") or 0
    return f"  [other processes used {f:.2f} core meanwhile]" if f > 0.1 else ""


def med(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def fmt(v, spec=".0f", unit=""):
    return "n/a" if v is None else f"{v:{spec}}{unit}"


def ratio(a, b):
    return a / b if a is not None and b not in (None, 0) else None


def versions():
    def first_line(cmd):
        try:
            r = run(cmd, timeout=20)
            return (r.stdout + r.stderr).strip().splitlines()[0]
        except Exception as e:  # noqa: BLE001 - informational only
            return f"unavailable ({e})"
    java = run(["java", "-version"], timeout=20).stderr.strip().splitlines()
    cpu = ""
    try:
        for line in run(["lscpu"], timeout=10).stdout.splitlines():
            if line.startswith("Model name:"):
                cpu = line.split(":", 1)[1].strip()
    except Exception:  # noqa: BLE001
        pass
    return {
        "nginx": first_line(["nginx", "-v"]),
        "haproxy": first_line(["haproxy", "-v"]),
        "wrk": first_line(["wrk", "-v"]).split(" Copyright")[0],
        "h2load": first_line(["h2load", "--version"]),
        "java": " / ".join(java[:2]),
        "kernel": platform.release(),
        "cpus": os.cpu_count(),
        "cpu_model": cpu,
        "python": platform.python_version(),
    }


# ---------------------------------------------------------------------------------------------
# phases


def ready_times(args, bowline, n, extra_opts="", label=""):
    out = []
    for i in range(n):
        if args.quiet_wait:
            wait_quiet(args.quiet_wait, verbose=False, window=1.5)
        r = bowline.start(extra_opts)
        r["rss_idle_mib"] = memory(bowline.pids()).get("rss_mib")
        out.append(r)
        log(f"  ready{label}: /ready {r['ready_s']:.3f}s, first proxied request {r['first_request_s']:.3f}s "
            f"(self-reported {r['self_reported_s']}s), idle RSS {r['rss_idle_mib']:.1f} MiB")
        bowline.stop()
    return out


def appcds(args, bowline, workdir):
    """Ready time once `bowline cds` has written its class-data-sharing archive, which the launcher
    then maps on every start. The archive stays: the later phases measure Bowline as the README
    tells operators to run it."""
    env = dict(os.environ)
    env["JAVA_OPTS"] = bowline.java_opts
    cds = subprocess.run(pin(bowline.cpus) + [os.path.join(bowline.home, "bin", "bowline"), "cds"],
                         env=env, capture_output=True, text=True, timeout=300)
    if cds.returncode != 0:
        log(f"  bowline cds failed (exit {cds.returncode}); skipped: {cds.stderr.strip()[:400]}")
        return None
    log(f"  {cds.stdout.strip()}")
    return ready_times(args, bowline, args.ready_runs, "", " (after bowline cds)")


def measure(args, fn, *a):
    """Runs one measurement once the machine is quiet (other processes below 0.1 core for 3 s, waiting
    at most --quiet-wait seconds); when other processes still used more than --retry-above cores
    meanwhile, runs it once more (within a budget of --retries for the whole run), keeping the
    disturbed result beside the new one."""
    if args.quiet_wait:
        wait_quiet(args.quiet_wait, verbose=False, window=1.5)
    r = fn(*a)
    if (r.get("foreign_cores") or 0) > args.retry_above and args.retries > 0:
        args.retries -= 1
        log(f"  other processes used {r['foreign_cores']:.2f} core during that run: measuring it again")
        wait_quiet(max(args.quiet_wait, 30), verbose=False)
        r2 = fn(*a)
        r2["disturbed_first_try"] = {k: v for k, v in r.items() if k != "raw"}
        return r2
    return r


def warmup(args, proxies, h2_targets, max_s=None):
    """Load in --warmup-second steps until the proxy is steady (at most --warmup-max seconds each for
    HTTP/1.1 and HTTP/2). For nginx and haproxy one step. For Bowline steady means the JIT compilers
    used less than 0.05 core during a step (they share the proxy's core with the event loop, so
    reaching peak takes tens of seconds) and throughput changed less than 5% from the step before."""
    warm = argparse.Namespace(**{**vars(args), "duration": args.warmup})
    max_s = max_s or args.warmup_max
    out = {}
    for proto, targets, fn in (("HTTP/1.1", proxies, closed_loop_h1), ("HTTP/2", h2_targets, closed_loop_h2)):
        for t in targets:
            series, jit_cores = [], []
            steady = False
            while True:
                if args.quiet_wait:
                    wait_quiet(min(args.quiet_wait, 30), verbose=False, window=1.5)
                r = fn(warm, t)
                series.append(r.get("rps") or 0)
                th = r.get("jvm_thread_cores")
                if th is None:
                    steady = True
                else:
                    jit_cores.append(round(sum(v for k, v in th.items() if "Compiler" in k), 3))
                    steady = (len(series) >= 2 and jit_cores[-1] < 0.05
                              and abs(series[-1] - series[-2]) <= 0.05 * max(series[-1], 1))
                if steady or len(series) * args.warmup >= max_s:
                    break
            out.setdefault(t.name, {})[proto] = {"rps_steps": series, "jit_cores_steps": jit_cores,
                                                 "step_s": args.warmup, "steady": steady}
            log(f"warm-up {t.name:8s} {proto:8s} req/s per {args.warmup}s step: {', '.join(f'{x:.0f}' for x in series)}"
                + (f"; JIT cores per step: {', '.join(f'{x:.2f}' for x in jit_cores)}" if jit_cores else "")
                + ("" if steady else "  (not steady yet)"))
    return out


def main_run(args, home, workdir):
    res = {"rounds": [], "ready": {}, "notes": []}
    upstream = Nginx(workdir, "upstream", args.upstream_cpus)
    upstream.start()
    direct = Direct(upstream)
    bowline = Bowline(workdir, home, args.proxy_cpus, upstream.h1_port, args.java_opts)
    nginx = Nginx(workdir, "nginx", args.proxy_cpus, upstream.h1_port)
    haproxy = Haproxy(workdir, args.proxy_cpus, upstream.h1_port)

    log(f"ready time of Bowline, {args.ready_runs} fresh starts (JAVA_OPTS={args.java_opts!r})")
    res["ready"]["default"] = ready_times(args, bowline, args.ready_runs)
    if args.appcds:
        res["ready"]["appcds"] = appcds(args, bowline, workdir)
    if args.proxy_cpus:
        pinned, bowline.cpus = bowline.cpus, ""
        res["ready"]["unpinned"] = ready_times(args, bowline, args.ready_runs, label=" (not pinned: both cores)"
                                               + (", after bowline cds" if res["ready"].get("appcds") else ""))
    if res["ready"].get("appcds"):
        res["notes"].append("every phase after the first ready times runs with the archive `bowline cds` wrote")
        bowline.cpus = pinned

    bowline.start()
    nginx.start()
    haproxy.start()
    proxies = [bowline, nginx, haproxy]

    h2 = {}
    for t in proxies:
        h2[t.name] = h2_supported(t.h2_port) if t.h2_port else False
    if not h2["bowline"] and h2_supported(bowline.h1_port):
        bowline.h2_port = bowline.h1_port
        h2["bowline"] = True
    res["h2_supported"] = h2
    log(f"h2c prior knowledge: {h2}")
    h2_targets = [t for t in proxies if h2[t.name]]

    res["warmup"] = warmup(args, proxies, h2_targets)

    h1_targets = [direct] + proxies
    rate_targets = [direct] + proxies
    for rnd in range(args.rounds):
        k = rnd % len(proxies)
        rot = proxies[k:] + proxies[:k]  # rotate the order each round
        rd = {"h1": {}, "h2": {}, "rate": {}}
        for t in ([direct] + rot) if args.direct_throughput else rot:
            rd["h1"][t.name] = r = measure(args, closed_loop_h1, args, t)
            log(f"round {rnd + 1} h1  {t.name:8s} {fmt(r.get('rps'))} req/s  proxy cpu {fmt(r.get('proxy_cpu_cores'), '.2f')}{per_req(r)}"
                f"  errors {r.get('non_2xx', 0) + r.get('socket_errors', 0)}{jit(r)}{busy(r)}")
        for t in [x for x in rot if x in h2_targets]:
            rd["h2"][t.name] = r = measure(args, closed_loop_h2, args, t)
            log(f"round {rnd + 1} h2  {t.name:8s} {fmt(r.get('rps'))} req/s  proxy cpu {fmt(r.get('proxy_cpu_cores'), '.2f')}{per_req(r)}"
                f"  failed {r.get('failed')} errored {r.get('errored')}{busy(r)}")
        for t in [direct] + rot:
            rd["rate"][t.name] = r = measure(args, fixed_rate_h1, args, t, workdir, f"{rnd}-{t.name}")
            log(f"round {rnd + 1} 1k  {t.name:8s} achieved {fmt(r.get('achieved_rps'))} req/s  p50 {fmt(r.get('p50_ms'), '.3f')}"
                f"  p90 {fmt(r.get('p90_ms'), '.3f')}  p99 {fmt(r.get('p99_ms'), '.3f')} ms  late {r.get('late_requests')}"
                + (f"  cpu {fmt(r.get('cpu_s_per_1000_req'), '.3f')} s/1000req  rss {fmt(r.get('rss_mib'), '.1f')} MiB"
                   if t is not direct else "") + busy(r))
        res["rounds"].append(rd)

    res["final_memory"] = {t.name: memory(t.pids()) for t in proxies}
    res["bowline_threads"] = threads(bowline.pids())
    if args.profile:
        res["profile"] = profile(args, bowline, workdir)
    for t in proxies:
        if t is bowline:
            bowline.stop()
        else:
            stop(t.proc)
    if args.profile:
        log("memory and start-up profile: a Bowline with Native Memory Tracking and a class-loading log")
        res["profile"]["memory_startup"] = mp = memory_and_startup_profile(args, home, workdir, upstream.h1_port)
        log(f"    RSS {fmt(mp['rss_mib'], '.1f')} MiB at 1000 req/s; NMT committed {mp['nmt_total_committed_mib']} MiB: "
            f"{dict(sorted(mp['nmt_committed_mib'].items(), key=lambda x: -x[1])[:8])}")
        log(f"    {mp['classes_total']} classes: {dict(list(mp['classes_loaded'].items())[:8])}")
        log(f"    first class of each library loaded at (s): {mp['first_class_load_s']}")
    stop(upstream.proc)
    return res


def summarize(res, args):
    names = ["direct", "bowline", "nginx", "haproxy"]
    s = {"h1_rps": {}, "h2_rps": {}, "rate": {}, "h1_proxy_cores": {}, "h2_proxy_cores": {}}
    for n in names:
        s["h1_rps"][n] = med([r["h1"].get(n, {}).get("rps") for r in res["rounds"]])
        s["h1_proxy_cores"][n] = med([r["h1"].get(n, {}).get("proxy_cpu_cores") for r in res["rounds"]])
        s["h2_rps"][n] = med([r["h2"].get(n, {}).get("rps") for r in res["rounds"]]) if n in res["rounds"][0]["h2"] else None
        s["h2_proxy_cores"][n] = med([r["h2"].get(n, {}).get("proxy_cpu_cores") for r in res["rounds"]])
        for proto in ("h1", "h2"):
            for key in ("user_us_per_req", "system_us_per_req"):
                s.setdefault(f"{proto}_{key}", {})[n] = med([r[proto].get(n, {}).get(key) for r in res["rounds"]])
        rate = {}
        for key in ("achieved_rps", "p50_ms", "p90_ms", "p99_ms", "p999_ms", "cpu_s_per_1000_req", "rss_mib", "hwm_mib", "pss_mib"):
            rate[key] = med([r["rate"].get(n, {}).get(key) for r in res["rounds"]])
        if n != "direct":
            for p in ("p50", "p90", "p99", "p999"):
                rate[f"added_{p}_ms"] = med([r["rate"][n][f"{p}_ms"] - r["rate"]["direct"][f"{p}_ms"]
                                             for r in res["rounds"] if r["rate"].get(n, {}).get(f"{p}_ms") is not None])
            rate["rss_max_mib"] = max((r["rate"].get(n, {}).get("rss_mib") or 0) for r in res["rounds"])
        s["rate"][n] = rate
    s["h1_rps_per_core"] = {n: med([ratio(r["h1"].get(n, {}).get("rps"), r["h1"].get(n, {}).get("proxy_cpu_cores"))
                                    for r in res["rounds"]]) for n in names}
    s["errors"] = {n: sum((r["h1"].get(n, {}).get("non_2xx", 0) + r["h1"].get(n, {}).get("socket_errors", 0)
                           + (r["h2"].get(n, {}).get("failed") or 0) + (r["h2"].get(n, {}).get("errored") or 0)
                           + (r["rate"].get(n, {}).get("window_non_200") or 0))
                          for r in res["rounds"]) for n in names}
    s["foreign_cores_max"] = max((x.get("foreign_cores") or 0) for r in res["rounds"] for kind in r.values() for x in kind.values())
    s["foreign_cores_median"] = med([x.get("foreign_cores") for r in res["rounds"] for kind in r.values() for x in kind.values()])
    ready = res["ready"]["default"]
    s["ready_s"] = med([r["ready_s"] for r in ready])
    s["first_request_s"] = med([r["first_request_s"] for r in ready])
    if res["ready"].get("appcds"):
        s["appcds_ready_s"] = med([r["ready_s"] for r in res["ready"]["appcds"]])
        s["appcds_first_request_s"] = med([r["first_request_s"] for r in res["ready"]["appcds"]])
    if res["ready"].get("unpinned"):
        s["unpinned_ready_s"] = med([r["ready_s"] for r in res["ready"]["unpinned"]])
        s["unpinned_first_request_s"] = med([r["first_request_s"] for r in res["ready"]["unpinned"]])

    b, n_, h = s["rate"]["bowline"], s["rate"]["nginx"], s["rate"]["haproxy"]
    targets = []

    def target(name, value, goal, met, miss, unit="", detail=None):
        targets.append({"target": name, "bowline": value, "goal": goal, "met": met, "miss": miss, "unit": unit,
                        "detail": detail})

    r1 = ratio(s["h1_rps"]["bowline"], s["h1_rps"]["nginx"])
    target("HTTP/1.1 throughput >= nginx", s["h1_rps"]["bowline"], s["h1_rps"]["nginx"],
           None if r1 is None else r1 >= 1.0, None if r1 is None or r1 >= 1 else f"{(1 - r1) * 100:.0f}% below nginx", "req/s")
    if not res["h2_supported"].get("bowline"):
        target("HTTP/2 throughput >= haproxy", None, s["h2_rps"]["haproxy"], None, "not supported by this build", "req/s")
    else:
        r2 = ratio(s["h2_rps"]["bowline"], s["h2_rps"]["haproxy"])
        target("HTTP/2 throughput >= haproxy", s["h2_rps"]["bowline"], s["h2_rps"]["haproxy"],
               None if r2 is None else r2 >= 1.0, None if r2 is None or r2 >= 1 else f"{(1 - r2) * 100:.0f}% below haproxy", "req/s")
    bp, np_ = b.get("added_p99_ms"), n_.get("added_p99_ms")
    # The tail at this rate moves between rounds by as much as the proxies differ: say how often
    # Bowline's was the lower one, round by round, next to the verdict on the medians.
    pairs = [(r["rate"]["bowline"]["p99_ms"], r["rate"]["nginx"]["p99_ms"]) for r in res["rounds"]
             if r["rate"].get("bowline", {}).get("p99_ms") is not None and r["rate"].get("nginx", {}).get("p99_ms") is not None]
    below = sum(1 for bow, ngx in pairs if bow <= ngx)
    target("added p99 at 1000 req/s <= nginx's", bp, np_, None if bp is None or np_ is None else bp <= np_,
           None if bp is None or np_ is None or bp <= np_ else f"+{(bp - np_) * 1000:.0f} µs over nginx's ({bp / np_:.1f}x)" if np_ > 0
           else f"+{(bp - np_) * 1000:.0f} µs over nginx's", "ms",
           f"at or below nginx's in {below} of {len(pairs)} rounds" if pairs else None)
    cpu = b.get("cpu_s_per_1000_req")
    target("<= 0.15 core per 1000 req/s", cpu, 0.15, None if cpu is None else cpu <= 0.15,
           None if cpu is None or cpu <= 0.15 else f"{cpu / 0.15:.1f}x the budget (+{cpu - 0.15:.3f} core)", "core")
    rss = b.get("rss_mib")
    target("RSS <= 64 MB at 1000 req/s", rss, 64, None if rss is None else rss <= 64,
           None if rss is None or rss <= 64 else f"+{rss - 64:.0f} MiB ({rss / 64:.2f}x)", "MiB")
    # With the class-data archive `bowline cds` writes, as the README tells operators to run it.
    rt = s.get("appcds_ready_s") or s["ready_s"]
    target("ready within 1 s of start", rt, 1.0, None if rt is None else rt <= 1.0,
           None if rt is None or rt <= 1 else f"+{(rt - 1) * 1000:.0f} ms", "s")
    s["targets"] = targets
    return s


def report(res, s):
    lines = []
    p = lines.append
    names = ["direct", "bowline", "nginx", "haproxy"]
    p("")
    p(f"{'':34s}" + "".join(f"{n:>12s}" for n in names) + f"{'B/nginx':>10s}{'B/haproxy':>10s}")

    def row(label, vals, spec=".0f", ratios=True):
        cells = "".join(f"{fmt(vals.get(n), spec):>12s}" for n in names)
        rn = ratio(vals.get("bowline"), vals.get("nginx")) if ratios else None
        rh = ratio(vals.get("bowline"), vals.get("haproxy")) if ratios else None
        p(f"{label:34s}{cells}{fmt(rn, '.2f'):>10s}{fmt(rh, '.2f'):>10s}")

    row("HTTP/1.1 req/s (wrk, 50 conns)", s["h1_rps"])
    row("  proxy CPU during it (cores)", s["h1_proxy_cores"], ".2f")
    row("  req/s per proxy core", s["h1_rps_per_core"])
    row("  proxy user CPU per request (us)", s["h1_user_us_per_req"], ".2f")
    row("  proxy kernel CPU per request (us)", s["h1_system_us_per_req"], ".2f")
    h2 = dict(s["h2_rps"])
    if not res["h2_supported"].get("bowline"):
        p(f"{'HTTP/2 req/s (h2load 16x10)':34s}" + f"{'':>12s}{'not supp.':>12s}" +
          "".join(f"{fmt(h2.get(n)):>12s}" for n in names[2:]) + f"{'n/a':>10s}{'n/a':>10s}")
        p("  (HTTP/2: not supported by this build of Bowline)")
    else:
        row("HTTP/2 req/s (h2load 16x10)", h2)
        row("  proxy CPU during it (cores)", s["h2_proxy_cores"], ".2f")
        row("  proxy user CPU per request (us)", s["h2_user_us_per_req"], ".2f")
        row("  proxy kernel CPU per request (us)", s["h2_system_us_per_req"], ".2f")
    rate = s["rate"]
    row("achieved req/s at fixed 1000", {n: rate[n]["achieved_rps"] for n in names}, ".0f", False)
    for q in ("p50", "p90", "p99"):
        row(f"{q} at 1000 req/s (ms)", {n: rate[n][f"{q}_ms"] for n in names}, ".3f", False)
    for q in ("p50", "p90", "p99"):
        row(f"added {q} over direct (ms)", {n: rate[n].get(f"added_{q}_ms") for n in names}, ".3f")
    row("CPU s per 1000 requests", {n: rate[n].get("cpu_s_per_1000_req") for n in names}, ".3f")
    row("VmRSS at 1000 req/s (MiB)", {n: rate[n].get("rss_mib") for n in names}, ".1f")
    row("Pss at 1000 req/s (MiB)", {n: rate[n].get("pss_mib") for n in names}, ".1f")
    row("VmHWM, peak (MiB)", {n: rate[n].get("hwm_mib") for n in names}, ".1f")
    p(f"errors (non-2xx, socket, h2 failed): {s['errors']}")
    for note in res.get("notes", []):
        p(f"note: {note}")
    p(f"CPU used by processes outside the benchmark during the load runs: median {fmt(s['foreign_cores_median'], '.2f')}, "
      f"max {fmt(s['foreign_cores_max'], '.2f')} core" + ("  <- the machine was not quiet: rerun" if s["foreign_cores_max"] > 0.25 else ""))
    p("")
    p(f"Bowline ready: /ready 200 after {fmt(s['ready_s'], '.3f')} s, first proxied 200 after "
      f"{fmt(s['first_request_s'], '.3f')} s (median of fresh starts)")
    if "appcds_ready_s" in s:
        p(f"  after `bowline cds` (class-data archive): /ready {fmt(s['appcds_ready_s'], '.3f')} s, first proxied 200 "
          f"{fmt(s['appcds_first_request_s'], '.3f')} s")
    if "unpinned_ready_s" in s:
        p(f"  not pinned (both cores{', with the archive' if 'appcds_ready_s' in s else ''}): /ready {fmt(s['unpinned_ready_s'], '.3f')} s, first proxied 200 "
          f"{fmt(s['unpinned_first_request_s'], '.3f')} s")
    p("")
    p("Targets (issue 3):")
    for t in s["targets"]:
        state = "MET" if t["met"] else ("not supported by this build" if t["miss"] == "not supported by this build"
                                       else ("MISSED" if t["met"] is False else "n/a"))
        val = "n/a" if t["bowline"] is None else f"{t['bowline']:.3f}" if t["unit"] in ("ms", "core", "s") else f"{t['bowline']:.0f}"
        goal = "n/a" if t["goal"] is None else f"{t['goal']:.3f}" if t["unit"] in ("ms", "core", "s") else f"{t['goal']:.0f}"
        p(f"  {t['target']:38s} bowline {val:>9s} {t['unit']:6s} goal {goal:>9s}  {state}"
          + (f" ({t['miss']})" if t["met"] is False and t["miss"] else "")
          + (f"; {t['detail']}" if t.get("detail") else ""))
    text = "\n".join(lines)
    print(text, flush=True)
    return text


# ---------------------------------------------------------------------------------------------
# profiling (JFR) and the JVM option sweep


LAYERS = [
    ("dev.bowline.", "Bowline code"),
    ("io.netty.handler.codec.", "Netty HTTP codec and headers"),
    ("io.netty.channel.", "Netty pipeline and transport"),
    ("io.netty.buffer.", "Netty buffers"),
    ("io.netty.", "Netty other"),
    ("java.", "JDK"),
    ("jdk.", "JDK"),
    ("sun.", "JDK"),
]


def layer(frame):
    return next((name for prefix, name in LAYERS if frame.startswith(prefix)), "other")


def jfr_summary(path, top=15, loop_prefix="bowline-worker"):
    """What the event-loop thread did: Java samples by layer and frame, native samples (system
    calls), allocation per thread; exceptions thrown; GC."""
    events = ("jdk.ExecutionSample,jdk.NativeMethodSample,jdk.ObjectAllocationSample,jdk.GarbageCollection,"
              "jdk.JavaExceptionThrow,jdk.ExceptionStatistics,jdk.ThreadAllocationStatistics")
    r = run(["jfr", "print", "--json", "--events", events, path], timeout=300)
    try:
        events = json.loads(r.stdout)["recording"]["events"]
    except (ValueError, KeyError):
        return {"error": r.stderr[-500:]}

    def fname(fr):
        m = fr.get("method") or {}
        t = (m.get("type") or {}).get("name", "?").replace("/", ".")
        return f"{t}.{m.get('name', '?')}"

    def add(d, k, w=1):
        d[k] = d.get(k, 0) + w

    def thread(v, key):
        return ((v.get(key) or {}).get("javaName") or "")

    self_c, incl_c, bowline_c, layers, native_c, alloc_site, alloc_cls, exc = {}, {}, {}, {}, {}, {}, {}, {}
    n = nn = 0
    gc = {"count": 0, "pause_ms": 0.0}
    throwables, allocated = [], {}
    for e in events:
        typ = e.get("type")
        v = e.get("values", {})
        if typ == "jdk.GarbageCollection":
            gc["count"] += 1
            gc["pause_ms"] += iso_ms(v.get("sumOfPauses") or v.get("duration") or "PT0S")
            continue
        if typ == "jdk.ExceptionStatistics":
            throwables.append(v.get("throwables", 0))
            continue
        if typ == "jdk.ThreadAllocationStatistics":
            name = thread(v, "thread")
            if name.startswith(loop_prefix):
                allocated.setdefault(name, []).append(v.get("allocated", 0))
            continue
        frames = [fname(f) for f in ((v.get("stackTrace") or {}).get("frames") or [])]
        if typ == "jdk.ExecutionSample":
            if not frames or not thread(v, "sampledThread").startswith(loop_prefix):
                continue
            n += 1
            add(self_c, frames[0])
            add(layers, layer(frames[0]))
            for f in set(frames):
                add(incl_c, f)
            bl = next((f for f in frames if f.startswith("dev.bowline.")), None)
            if bl:
                add(bowline_c, bl)
        elif typ == "jdk.NativeMethodSample":
            if frames and thread(v, "sampledThread").startswith(loop_prefix):
                nn += 1
                add(native_c, frames[0])
        elif typ == "jdk.ObjectAllocationSample":
            if not thread(v, "eventThread").startswith(loop_prefix):
                continue
            add(alloc_cls, (v.get("objectClass") or {}).get("name", "?").replace("/", "."))
            site = next((f for f in frames if not f.startswith(("java.", "jdk.", "sun."))), frames[0] if frames else "?")
            add(alloc_site, site)
        elif typ == "jdk.JavaExceptionThrow":
            cls = (v.get("thrownClass") or {}).get("name", "?").replace("/", ".")
            site = next((f for f in frames if f.startswith("dev.bowline.")), None) or \
                next((f for f in frames if not f.startswith(("java.", "jdk.")) and "Exception" not in f
                      and "TraceRecord" not in f and "Throwable" not in f), "?")
            add(exc, f"{cls} at {site}")

    def topn(d, total, k=top):
        return [{"frame": f, "pct": round(100 * c / total, 1) if total else 0}
                for f, c in sorted(d.items(), key=lambda x: -x[1])[:k]]

    asamples = sum(alloc_cls.values())
    return {
        "java_samples": n,
        "native_samples": nn,
        "self_by_layer": topn(layers, n),
        "top_self": topn(self_c, n),
        "top_inclusive": topn(incl_c, n, 40),
        "top_bowline_leaf": topn(bowline_c, n),
        "top_native": topn(native_c, nn),
        "loop_allocated_bytes": sum(max(v) - min(v) for v in allocated.values()),
        "top_alloc_classes_by_samples": topn(alloc_cls, asamples),
        "top_alloc_sites_by_samples": topn(alloc_site, asamples),
        "throwables": (max(throwables) - min(throwables)) if throwables else None,
        "exception_events": dict(sorted(exc.items(), key=lambda x: -x[1])[:top]),
        "gc": gc,
    }


def iso_ms(d):
    if isinstance(d, (int, float)):
        return d / 1e6
    m = re.match(r"PT(?:([\d.]+)M)?(?:([\d.]+)S)?", d)
    if not m:
        return 0.0
    return (float(m.group(1) or 0) * 60 + float(m.group(2) or 0)) * 1000


def thread_ticks(pid):
    out = {}
    try:
        for tid in os.listdir(f"/proc/{pid}/task"):
            try:
                with open(f"/proc/{pid}/task/{tid}/comm") as f:
                    name = re.sub(r"[-#\d ]+$", "", f.read().strip()) or "?"
                with open(f"/proc/{pid}/task/{tid}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
                out[name] = out.get(name, 0) + int(fields[11]) + int(fields[12])
            except OSError:
                pass
    except OSError:
        pass
    return out


def downstream_requests(bowline):
    try:
        with socket.create_connection(("127.0.0.1", bowline.admin_port), timeout=5) as s:
            s.sendall(b"GET /stats HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
            data = b""
            while chunk := s.recv(65536):
                data += chunk
        m = re.search(rb"envoy_http_downstream_rq_total\{[^}]*\}:? (\d+)", data)
        return int(m.group(1)) if m else None
    except OSError:
        return None


def profiling_jfc(workdir):
    """JDK's profile.jfc (10 ms Java sampling, allocation samples) with exception events on."""
    java = os.path.realpath(shutil.which("java"))
    src = os.path.join(os.path.dirname(os.path.dirname(java)), "lib", "jfr", "profile.jfc")
    if not os.path.exists(src):
        return "profile"
    with open(src) as f:
        text = f.read()
    text = re.sub(r'(<event name="jdk.JavaExceptionThrow">\s*<setting name="enabled"[^>]*>)false', r"\1true", text)
    dst = os.path.join(workdir, "profile-exceptions.jfc")
    with open(dst, "w") as f:
        f.write(text)
    return dst


def syscalls_per_request(args, bowline, fixed_rate=False):
    """strace -c on the event-loop thread for a few seconds, under closed-loop load or at the fixed rate."""
    if not shutil.which("strace"):
        return {"error": "strace not installed"}
    pid = bowline.proc.pid
    tid = None
    for t in os.listdir(f"/proc/{pid}/task"):
        with open(f"/proc/{pid}/task/{t}/comm") as f:
            if f.read().startswith("bowline-worker"):
                tid = t
    if tid is None:
        return {"error": "no bowline-worker thread found"}
    url = f"http://127.0.0.1:{bowline.h1_port}/"
    if fixed_rate:
        cmd = [sys.executable, os.path.join(BENCH_DIR, "fixedrate.py"), "--port", str(bowline.h1_port),
               "--rate", f"{args.rate:g}", "--connections", str(args.rate_connections), "--duration", "6"]
    else:
        cmd = ["wrk", "-t2", f"-c{args.connections}", "-d6s", url]
    load = subprocess.Popen(pin(args.load_cpus) + cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    started.append(load)
    time.sleep(1.5)
    r0 = downstream_requests(bowline)
    tr = run(["timeout", "-s", "INT", "3", "strace", "-c", "-p", tid], timeout=30)
    r1 = downstream_requests(bowline)
    load.wait(30)
    started.remove(load)
    reqs = (r1 - r0) if r0 is not None and r1 is not None else None
    calls = {}
    for line in tr.stderr.splitlines():
        m = re.match(r"\s*[\d.]+\s+[\d.]+\s+\d+\s+(\d+)\s+(?:\d+\s+)?(\w+)\s*$", line)
        if m and m.group(2) != "total":
            calls[m.group(2)] = int(m.group(1))
    per = {k: round(v / reqs, 2) for k, v in sorted(calls.items(), key=lambda x: -x[1])} if reqs else {}
    return {"requests": reqs, "calls": calls, "per_request": per}


LIB_GROUPS = [
    ("io.envoyproxy.", "Envoy API protos (java-control-plane api)"),
    ("com.github.xds.", "Envoy API protos (java-control-plane api)"),
    ("xds.", "Envoy API protos (java-control-plane api)"),
    ("udpa.", "Envoy API protos (java-control-plane api)"),
    ("com.google.protobuf.", "protobuf runtime"),
    ("com.google.gson.", "gson (protobuf JsonFormat)"),
    ("com.fasterxml.jackson.", "Jackson"),
    ("org.yaml.snakeyaml.", "SnakeYAML"),
    ("io.netty.", "Netty"),
    ("dev.bowline.", "Bowline"),
    ("org.pf4j.", "PF4J"),
    ("picocli.", "picocli"),
    ("io.grpc.", "gRPC"),
    ("com.google.common.", "Guava"),
    ("java.", "JDK"),
    ("jdk.", "JDK"),
    ("sun.", "JDK"),
]


def lib_group(cls):
    return next((g for prefix, g in LIB_GROUPS if cls.startswith(prefix)), "other")


def memory_and_startup_profile(args, home, workdir, upstream_port):
    """A separate Bowline with Native Memory Tracking and a class-loading log: where its resident
    memory goes at 1000 req/s, and what its start-up spends its time loading."""
    cl = os.path.join(workdir, "classload.log")
    b = Bowline(workdir, home, args.proxy_cpus, upstream_port,
                args.java_opts + f" -XX:NativeMemoryTracking=summary -Xlog:class+load:file={cl}:uptime", tag="bowline-nmt")
    ready = b.start()
    warmup(args, [b], [], max_s=60)
    rate = fixed_rate_h1(args, b, workdir, "nmt")
    nmt = run(["jcmd", str(b.proc.pid), "VM.native_memory", "summary"], timeout=60).stdout
    heap = run(["jcmd", str(b.proc.pid), "GC.heap_info"], timeout=60).stdout
    b.stop()
    committed = {}
    for m in re.finditer(r"^-\s+(.+?) \(reserved=\d+KB, committed=(\d+)KB\)", nmt, re.M):
        committed[m.group(1).strip()] = round(int(m.group(2)) / 1024, 1)
    m = re.search(r"Total: reserved=\d+KB, committed=(\d+)KB", nmt)
    classes, timeline, first = {}, {}, {}
    last = 0.0
    with open(cl) as f:
        for line in f:
            m2 = re.match(r"\[([\d.]+)s\] (\S+) source:", line)
            if not m2:
                continue
            t, c = float(m2.group(1)), m2.group(2)
            g = lib_group(c)
            classes[g] = classes.get(g, 0) + 1
            if t <= ready["ready_s"] + 0.05:
                first.setdefault(g, t)
                last = max(last, t)
            bucket = f"{int(t * 2) / 2:.1f}s"
            timeline.setdefault(bucket, {})
            timeline[bucket][g] = timeline[bucket].get(g, 0) + 1
    return {
        "ready": ready,
        "rss_mib": rate.get("rss_mib"), "hwm_mib": rate.get("hwm_mib"), "pss_mib": rate.get("pss_mib"),
        "nmt_committed_mib": committed,
        "nmt_total_committed_mib": round(int(m.group(1)) / 1024, 1) if m else None,
        "heap_info": heap.strip().splitlines()[1:],
        "classes_loaded": dict(sorted(classes.items(), key=lambda x: -x[1])),
        "classes_total": sum(classes.values()),
        "first_class_load_s": dict(sorted(first.items(), key=lambda x: x[1])),
        "class_load_timeline": {k: dict(sorted(v.items(), key=lambda x: -x[1])[:4]) for k, v in sorted(timeline.items(), key=lambda x: float(x[0][:-1]))},
    }


def profile(args, bowline, workdir):
    """JFR recordings of the running Bowline under closed-loop HTTP/1.1 load and at 1000 req/s, the
    CPU of each of its threads, and the system calls of its event loop per request."""
    out = {}
    pid = bowline.proc.pid
    jfc = profiling_jfc(workdir)
    for phase in ("saturated", "rate1000"):
        jfr = os.path.join(workdir, f"{phase}.jfr")
        # exception events instrument Throwable's constructors (deoptimising code): only at 1000 req/s
        settings = "profile" if phase == "saturated" else jfc
        run(["jcmd", str(pid), "JFR.start", f"name={phase}", f"settings={settings}"], timeout=60)
        th0, rq0, t0 = thread_ticks(pid), downstream_requests(bowline), time.monotonic()
        if phase == "saturated":
            load = closed_loop_h1(argparse.Namespace(**{**vars(args), "duration": 2 * args.duration}), bowline)
        else:
            load = fixed_rate_h1(args, bowline, workdir, "profile")
        th1, rq1, wall = thread_ticks(pid), downstream_requests(bowline), time.monotonic() - t0
        run(["jcmd", str(pid), "JFR.stop", f"name={phase}", f"filename={jfr}"], timeout=60)
        summary = jfr_summary(jfr)
        summary["load"] = {k: v for k, v in load.items() if k != "raw"}
        summary["requests"] = (rq1 - rq0) if rq0 is not None and rq1 is not None else None
        summary["thread_cores"] = {k: round((th1.get(k, 0) - th0.get(k, 0)) / CLK_TCK / wall, 3)
                                   for k in sorted(th1, key=lambda k: -(th1[k] - th0.get(k, 0)))
                                   if th1.get(k, 0) - th0.get(k, 0) > 0}
        if summary.get("requests"):
            if summary.get("throwables") is not None:
                summary["throwables_per_1000_req"] = round(1000 * summary["throwables"] / summary["requests"], 1)
            summary["loop_alloc_kib_per_req"] = round(summary.get("loop_allocated_bytes", 0) / 1024 / summary["requests"], 2)
        kept = os.path.join(RESULTS_DIR, f"{args.stamp}-{phase}.jfr")
        shutil.copy(jfr, kept)
        summary["file"] = os.path.relpath(kept, os.path.dirname(BENCH_DIR))
        out[phase] = summary
        log(f"profile {phase}: {summary.get('requests')} requests; event loop: {summary.get('java_samples')} Java samples, "
            f"{summary.get('native_samples')} native samples; threads (cores): {summary['thread_cores']}")
        for item in summary.get("self_by_layer", []):
            log(f"    {item['pct']:5.1f}%  {item['frame']}")
        for item in summary.get("top_self", [])[:10]:
            log(f"    self {item['pct']:5.1f}%  {item['frame']}")
        for item in summary.get("top_native", [])[:4]:
            log(f"    native {item['pct']:5.1f}%  {item['frame']}")
        for item in summary.get("top_alloc_sites_by_samples", [])[:6]:
            log(f"    alloc  {item['pct']:5.1f}%  {item['frame']}")
        log(f"    event loop allocates {summary.get('loop_alloc_kib_per_req')} KiB/request; "
            f"{summary.get('throwables_per_1000_req')} throwables per 1000 requests {summary.get('exception_events') or ''}")
    out["syscalls"] = sc = syscalls_per_request(args, bowline)
    log(f"event-loop system calls per request, closed loop: {sc.get('per_request') or sc}")
    out["syscalls_rate1000"] = sc = syscalls_per_request(args, bowline, fixed_rate=True)
    log(f"event-loop system calls per request, at {args.rate:.0f} req/s: {sc.get('per_request') or sc}")
    return out


def jvm_sweep(args, home, workdir):
    upstream = Nginx(workdir, "upstream", args.upstream_cpus)
    upstream.start()
    direct = Direct(upstream)
    out = {"sets": []}
    for label, opts in SWEEP:
        opts = usable_java_opts(opts)
        b = Bowline(workdir, home, args.proxy_cpus, upstream.h1_port, opts, tag=f"sweep-{label}")
        ready = b.start()
        warm = warmup(args, [b], [])
        h1 = measure(args, closed_loop_h1, args, b)
        base = measure(args, fixed_rate_h1, args, direct, workdir, f"sweep-direct-{label}")
        rate = measure(args, fixed_rate_h1, args, b, workdir, f"sweep-{label}")
        mem_after = memory(b.pids())
        b.stop()
        added = rate["p99_ms"] - base["p99_ms"] if rate.get("p99_ms") is not None and base.get("p99_ms") is not None else None
        row = {"label": label, "java_opts": opts, "ready": ready, "warmup": warm, "h1": h1, "direct_rate": base,
               "rate": rate, "added_p99_ms": added, "memory_end": mem_after}
        out["sets"].append(row)
        log(f"sweep {label:22s} ready {ready['ready_s']:.2f}s  h1 {fmt(h1.get('rps'))} req/s  "
            f"added p99@1k {fmt(added, '.3f')} ms  cpu {fmt(rate.get('cpu_s_per_1000_req'), '.3f')} s/1000  "
            f"rss@1k {fmt(rate.get('rss_mib'), '.1f')} MiB  hwm {fmt(mem_after.get('hwm_mib'), '.1f')} MiB"
            f"{busy(h1)}{busy(rate)}")
    stop(upstream.proc)
    return out


def wait_quiet(max_s, threshold=0.1, verbose=True, window=3.0):
    """Waits (at most max_s seconds) until the machine's CPU use, without this benchmark, stays below
    threshold cores for a window of seconds; returns the last reading."""
    t0 = time.monotonic()
    deadline = t0 + max_s
    while True:
        s0, o0 = system_busy_ticks(), own_ticks()
        time.sleep(window)
        other = ((system_busy_ticks() - s0) - (own_ticks() - o0)) / CLK_TCK / window
        if other < threshold or time.monotonic() >= deadline:
            waited = time.monotonic() - t0
            if waited > window + 1 and not verbose:
                log(f"  waited {waited:.0f} s for other processes to quiet down (now {other:.2f} core)")
            return other
        if verbose:
            log(f"other processes use {other:.2f} core; waiting for a quiet machine (up to {deadline - time.monotonic():.0f} s more)")


def find_tarball(arg):
    if arg:
        return os.path.abspath(arg)
    dist = os.path.join(os.path.dirname(BENCH_DIR), "distribution", "target")
    found = sorted(f for f in os.listdir(dist) if re.match(r"bowline-.*\.tar\.gz$", f)) if os.path.isdir(dist) else []
    if not found:
        sys.exit("no distribution/target/bowline-*.tar.gz: build it first or pass --tarball")
    return os.path.join(dist, found[-1])


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--tarball", help="the Bowline distribution (default: distribution/target/bowline-*.tar.gz)")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--duration", type=int, default=10, help="seconds per closed-loop run")
    ap.add_argument("--warmup", type=int, default=5, help="seconds per warm-up step (wrk) before measuring")
    ap.add_argument("--warmup-max", type=int, default=90, help="most seconds of warm-up per proxy")
    ap.add_argument("--connections", type=int, default=50)
    ap.add_argument("--wrk-threads", type=int, default=2)
    ap.add_argument("--h2-clients", type=int, default=16)
    ap.add_argument("--h2-streams", type=int, default=10)
    ap.add_argument("--rate", type=float, default=1000)
    ap.add_argument("--rate-connections", type=int, default=16)
    ap.add_argument("--rate-duration", type=int, default=10, help="seconds per fixed-rate run")
    ap.add_argument("--rate-warmup", type=float, default=2, help="seconds at the start of a fixed-rate run left out of percentiles")
    ap.add_argument("--ready-runs", type=int, default=3)
    ap.add_argument("--no-appcds", dest="appcds", action="store_false", help="skip the ready time after `bowline cds` (class-data archive)")
    ap.add_argument("--no-direct-throughput", dest="direct_throughput", action="store_false",
                    help="skip wrk against the upstream directly (the load generator's ceiling)")
    ap.add_argument("--java-opts", default=os.environ.get("BENCH_JAVA_OPTS", DEFAULT_JAVA_OPTS))
    ap.add_argument("--proxy-cpus", default="1", help="taskset CPU list for the proxies ('' = no pinning)")
    ap.add_argument("--load-cpus", default="0", help="taskset CPU list for wrk/h2load ('' = no pinning)")
    ap.add_argument("--upstream-cpus", default="0", help="taskset CPU list for the upstream nginx ('' = no pinning)")
    ap.add_argument("--profile", action="store_true", help="after measuring, record JFR profiles of Bowline")
    ap.add_argument("--jvm-sweep", action="store_true", help="compare JVM option sets for Bowline instead of the main run")
    ap.add_argument("--retry-above", type=float, default=0.2, metavar="CORES",
                    help="measure a run again when other processes used more than this many cores during it")
    ap.add_argument("--retries", type=int, default=12, help="budget of such repeats for the whole run")
    ap.add_argument("--quiet-wait", type=int, default=60, metavar="SECONDS",
                    help="before each measurement wait up to this long for other processes to leave the CPUs idle (0: never)")
    ap.add_argument("--wait-quiet", type=int, default=0, metavar="SECONDS",
                    help="first wait up to this long for other processes to leave the CPUs idle")
    ap.add_argument("--keep-workdir", action="store_true")
    args = ap.parse_args()
    if os.cpu_count() < 2 and (args.proxy_cpus or args.load_cpus):
        log("fewer than 2 CPUs: pinning disabled")
        args.proxy_cpus = args.load_cpus = args.upstream_cpus = ""

    os.makedirs(RESULTS_DIR, exist_ok=True)
    args.stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    tarball = find_tarball(args.tarball)
    workdir = tempfile.mkdtemp(prefix="bowline-bench-")
    t_start = time.monotonic()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: (stop_all(), sys.exit(130)))
    try:
        with tarfile.open(tarball) as tf:
            tf.extractall(workdir)
        homes = [os.path.join(workdir, d) for d in os.listdir(workdir) if d.startswith("bowline-")]
        if len(homes) != 1:
            sys.exit(f"unexpected tarball layout: {os.listdir(workdir)}")
        home = homes[0]
        meta = {
            "timestamp": args.stamp,
            "command": "bench/run.sh " + " ".join(sys.argv[1:]),
            "tarball": tarball,
            "tarball_mtime": datetime.datetime.fromtimestamp(os.path.getmtime(tarball), datetime.timezone.utc).isoformat(),
            "git_head": run(["git", "-C", os.path.dirname(BENCH_DIR), "rev-parse", "--short", "HEAD"], timeout=10).stdout.strip(),
            "java_opts": args.java_opts,
            "pinning": {"proxy": args.proxy_cpus, "load": args.load_cpus, "upstream": args.upstream_cpus},
            "settings": {k: v for k, v in vars(args).items() if k not in ("stamp",)},
            "body_bytes": len(BODY),
            "versions": versions(),
        }
        if args.wait_quiet:
            meta["other_cores_at_start"] = round(wait_quiet(args.wait_quiet), 2)
        log(f"Bowline from {tarball}; work dir {workdir}; proxies on CPU '{args.proxy_cpus}', "
            f"load generators on '{args.load_cpus}', upstream on '{args.upstream_cpus}'")
        args.java_opts = usable_java_opts(args.java_opts)
        if args.jvm_sweep:
            res = {"meta": meta, "sweep": jvm_sweep(args, home, workdir)}
            path = os.path.join(RESULTS_DIR, f"{args.stamp}-jvm-sweep.json")
        else:
            res = main_run(args, home, workdir)
            res["meta"] = meta
            meta["repeats_used"] = meta["settings"]["retries"] - args.retries
            res["summary"] = summarize(res, args)
            res["report"] = report(res, res["summary"])
            path = os.path.join(RESULTS_DIR, f"{args.stamp}.json")
        res["meta"]["wall_s"] = round(time.monotonic() - t_start, 1)
        with open(path, "w") as f:
            json.dump(res, f, indent=1)
        log(f"raw results: {path} (wall time {res['meta']['wall_s']} s)")
    finally:
        stop_all()
        if not args.keep_workdir:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
