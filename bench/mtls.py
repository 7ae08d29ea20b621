"""Mutual TLS between two Bowline proxies against the same two proxies in plaintext, in one run.

Started by bench/mtls.sh (which installs the tools); see BENCHMARKS.md. Each chain is a client-side
proxy A (plaintext listener, as an application's sidecar takes requests) forwarding to a server-side
proxy B in front of an nginx upstream: in the mTLS chain A originates TLS with its SPIFFE workload
certificate and checks B's SPIFFE ID, and B requires and verifies A's certificate; in the plaintext
chain the hop between A and B is plaintext. Both chains run at once on the same cores and are
measured interleaved, so the ratio compares like with like. Everything listens on 127.0.0.1.
"""

import argparse
import json
import os
import shutil
import sys
import tarfile
import tempfile
import time

BENCH_DIR = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, BENCH_DIR)
import bench as b  # noqa: E402  (the proxy benchmark's process, sampling and load helpers)

CHAIN = """admin:
  address:
    socket_address: {{ address: 127.0.0.1, port_value: {admin} }}
static_resources:
  listeners:
  - name: in
    address:
      socket_address: {{ address: 127.0.0.1, port_value: {port} }}
    filter_chains:
    - {server_tls}filters:
      - name: envoy.filters.network.http_connection_manager
        typed_config:
          "@type": type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager
          stat_prefix: in
          http_filters:
          - name: envoy.filters.http.router
            typed_config:
              "@type": type.googleapis.com/envoy.extensions.filters.http.router.v3.Router
          route_config:
            name: in
            virtual_hosts:
            - name: all
              domains: ["*"]
              routes:
              - match: {{ prefix: "/" }}
                route: {{ cluster: next }}
  clusters:
  - name: next
    type: STATIC
    connect_timeout: 1s
    load_assignment:
      cluster_name: next
      endpoints:
      - lb_endpoints:
        - endpoint:
            address:
              socket_address: {{ address: 127.0.0.1, port_value: {upstream} }}
{client_tls}"""

SERVER_TLS = """transport_socket:
        name: envoy.transport_sockets.tls
        typed_config:
          "@type": type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext
          require_client_certificate: true
          common_tls_context:
            tls_certificates:
            - certificate_chain: {{ filename: {dir}/b.pem }}
              private_key: {{ filename: {dir}/b.key }}
            validation_context:
              trusted_ca: {{ filename: {dir}/ca.pem }}
              match_typed_subject_alt_names:
              - san_type: URI
                matcher: {{ exact: "spiffe://cluster.local/ns/default/sa/a" }}
      """

CLIENT_TLS = """    transport_socket:
      name: envoy.transport_sockets.tls
      typed_config:
        "@type": type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext
        common_tls_context:
          tls_certificates:
          - certificate_chain: {{ filename: {dir}/a.pem }}
            private_key: {{ filename: {dir}/a.key }}
          validation_context:
            trusted_ca: {{ filename: {dir}/ca.pem }}
            match_typed_subject_alt_names:
            - san_type: URI
              matcher: {{ exact: "spiffe://cluster.local/ns/default/sa/b" }}
"""

OPENSSL_CNF = """[req]
distinguished_name = dn
[dn]
[ca]
basicConstraints = critical, CA:true
keyUsage = critical, keyCertSign, cRLSign
[leaf_a]
basicConstraints = critical, CA:false
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth, clientAuth
subjectAltName = critical, URI:spiffe://cluster.local/ns/default/sa/a
[leaf_b]
basicConstraints = critical, CA:false
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth, clientAuth
subjectAltName = critical, URI:spiffe://cluster.local/ns/default/sa/b
"""


def certificates(d):
    """A CA and two X.509-SVIDs (EC P-256, as Citadel issues them), made with openssl."""
    with open(os.path.join(d, "openssl.cnf"), "w") as f:
        f.write(OPENSSL_CNF)
    def ossl(*a):
        b.run(["openssl", *a], timeout=30, cwd=d, check=True)
    ossl("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", "ca.key")
    ossl("req", "-x509", "-new", "-key", "ca.key", "-subj", "/O=bench", "-days", "2", "-config",
         "openssl.cnf", "-extensions", "ca", "-out", "ca.pem")
    for leaf in ("a", "b"):
        ossl("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", f"{leaf}.ec")
        ossl("pkcs8", "-topk8", "-nocrypt", "-in", f"{leaf}.ec", "-out", f"{leaf}.key")
        ossl("req", "-new", "-key", f"{leaf}.key", "-subj", "/O=bench", "-config", "openssl.cnf",
             "-out", f"{leaf}.csr")
        ossl("x509", "-req", "-in", f"{leaf}.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
             "-CAcreateserial", "-days", "2", "-extfile", "openssl.cnf", "-extensions",
             f"leaf_{leaf}", "-out", f"{leaf}.pem")


class Proxy(b.Bowline):
    """A Bowline proxy with one of this benchmark's bootstraps."""

    def __init__(self, workdir, home, cpus, upstream_port, java_opts, tag, server_tls, client_tls):
        super().__init__(workdir, home, cpus, upstream_port, java_opts, tag=tag)
        self.name = tag
        self.mutual = bool(server_tls)
        with open(self.bootstrap, "w") as f:
            f.write(CHAIN.format(admin=self.admin_port, port=self.h1_port, upstream=upstream_port,
                                 server_tls=server_tls, client_tls=client_tls))


    def start(self, extra_opts=""):
        # A proxy that requires client certificates refuses the plaintext probe (the point): it is
        # started on /ready alone, and the chain in front of it proves that it proxies.
        return super().start(extra_opts, probe=not self.mutual)


class Chain(b.Target):
    """Proxy A in front of proxy B; the load generator talks to A, the CPU is both proxies'."""

    def __init__(self, name, a, bproxy):
        self.name = name
        self.a = a
        self.b = bproxy
        self.h1_port = a.h1_port

    def pids(self):
        return self.a.pids() + self.b.pids()


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--tarball", help="distribution tarball (default: distribution/target/bowline-*.tar.gz)")
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--duration", type=int, default=15, help="seconds per closed-loop measurement")
    p.add_argument("--connections", type=int, default=50)
    p.add_argument("--wrk-threads", type=int, default=2)
    p.add_argument("--rate", type=float, default=1000.0)
    p.add_argument("--rate-connections", type=int, default=16)
    p.add_argument("--rate-duration", type=int, default=20)
    p.add_argument("--rate-warmup", type=int, default=5)
    p.add_argument("--proxy-cpus", default="0", help="cores for the four proxies (taskset)")
    p.add_argument("--load-cpus", default="1", help="cores for wrk, the rate generator and nginx")
    p.add_argument("--java-opts", default=b.DEFAULT_JAVA_OPTS)
    args = p.parse_args()
    root = os.path.dirname(BENCH_DIR)
    tarball = args.tarball or next(
        (os.path.join(root, "distribution", "target", f) for f in sorted(os.listdir(os.path.join(root, "distribution", "target")))
         if f.startswith("bowline-") and f.endswith(".tar.gz")), None)
    if not tarball:
        sys.exit("no distribution tarball: build with mvn -B install first")
    workdir = tempfile.mkdtemp(prefix="bowline-mtls-bench-")
    try:
        with tarfile.open(tarball) as t:
            t.extractall(workdir)
        home = next(os.path.join(workdir, d) for d in os.listdir(workdir) if d.startswith("bowline-"))
        certs = os.path.join(workdir, "certs")
        os.makedirs(certs)
        certificates(certs)
        upstream = b.Nginx(workdir, "upstream", args.load_cpus)
        upstream.start()
        chains = []
        for name, tls in (("plaintext", False), ("mtls", True)):
            server = Proxy(workdir, home, args.proxy_cpus, upstream.h1_port, args.java_opts, f"{name}-b",
                           SERVER_TLS.format(dir=certs) if tls else "", "")
            server.start()
            client = Proxy(workdir, home, args.proxy_cpus, server.h1_port, args.java_opts, f"{name}-a",
                           "", CLIENT_TLS.format(dir=certs) if tls else "")
            client.start()
            chains.append(Chain(name, client, server))
        b.log("warming up both chains")
        for c in chains:
            b.run(b.pin(args.load_cpus) + ["wrk", "-t1", "-c16", "-d10s", f"http://127.0.0.1:{c.h1_port}/"], timeout=60)
        rounds = []
        for r in range(args.rounds):
            res = {}
            for c in (chains if r % 2 == 0 else list(reversed(chains))):
                b.log(f"round {r + 1}: {c.name} closed loop")
                closed = b.closed_loop_h1(args, c)
                b.log(f"round {r + 1}: {c.name} at {args.rate:g} req/s")
                fixed = b.fixed_rate_h1(args, c, workdir, c.name)
                res[c.name] = {"closed_loop": closed, "fixed_rate": fixed}
            rounds.append(res)
        summary = {}
        for name in ("plaintext", "mtls"):
            summary[name] = {
                "rps": b.med([x[name]["closed_loop"].get("rps") for x in rounds]),
                "p50_ms": b.med([x[name]["fixed_rate"].get("p50_ms") for x in rounds]),
                "p99_ms": b.med([x[name]["fixed_rate"].get("p99_ms") for x in rounds]),
                "cpu_s_per_1000": b.med([x[name]["fixed_rate"].get("cpu_s_per_1000_req") for x in rounds]),
                "failures": sum((x[name]["closed_loop"].get("non_2xx") or 0)
                                + (x[name]["closed_loop"].get("socket_errors") or 0)
                                + (x[name]["fixed_rate"].get("window_non_200") or 0) for x in rounds),
            }
        plain, mtls = summary["plaintext"], summary["mtls"]
        summary["throughput_ratio"] = mtls["rps"] / plain["rps"] if plain["rps"] else None
        summary["added_p99_ms"] = mtls["p99_ms"] - plain["p99_ms"] if None not in (mtls["p99_ms"], plain["p99_ms"]) else None
        os.makedirs(b.RESULTS_DIR, exist_ok=True)
        path = os.path.join(b.RESULTS_DIR, time.strftime("%Y%m%d-%H%M%S") + "-mtls.json")
        with open(path, "w") as f:
            json.dump({"rounds": rounds, "summary": summary, "tarball": os.path.basename(tarball)}, f, indent=1)
        print(json.dumps(summary, indent=1))
        b.log(f"raw results: {path}")
    finally:
        b.stop_all()
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
