#!/usr/bin/env python3
"""Benchmark brisk against raw hyper, axum and actix-web on this machine.

    python3 benches/run.py [--rounds N] [--duration S] [--connections C] [--servers S,S] [--floor S]
                           [--server-cpus 0] [--wrk-cpus 1]

A server is a release binary (hyper, brisk, axum, actix) with an optional
flavour, as in benches/instructions.py: `brisk@current_thread`,
`brisk@workers2` (thread-per-core), `hyper@multi_thread`. With --floor,
a table of every other server's req/s and CPU per request against that
one follows the usual tables. --server-cpus 0,1 --wrk-cpus 0,1 measures
on both cores, wrk sharing them with the server.

Installs wrk if it is missing, builds the servers in release, pins each
server to CPU 0 and wrk to CPU 1, checks every server's answers, then
alternates the servers over several rounds and prints, per endpoint, the
median req/s, latency p50/p99, and server CPU time per request (from the
server's own /proc accounting), with brisk's ratios to each peer.
Nothing else should run on the machine while it measures.
"""

import argparse
import json
import os
import re
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TARGET = os.path.join(ROOT, "target")
SERVERS = ["hyper", "brisk", "axum", "actix"]
SERVER_CPU, WRK_CPU = "0", "1"
CLK_TCK = os.sysconf("SC_CLK_TCK")

ITEM = {"name": "widget", "price": 9.99, "tags": ["a", "b"]}
ORDER = {"product_id": 7, "quantity": 2}
ENDPOINTS = [
    # name, method, path, body, headers, expected status
    ("plaintext", "GET", "/plaintext", None, {}, 200),
    ("json", "GET", "/json", None, {}, 200),
    ("items_get", "GET", "/items/42?q=hello&limit=5", None, {}, 200),
    ("items_post", "POST", "/items", ITEM, {"Content-Type": "application/json"}, 201),
    (
        "orders_post",
        "POST",
        "/users/1/orders?source=mobile",
        ORDER,
        {"Content-Type": "application/json", "Authorization": "Bearer alice-token"},
        201,
    ),
]
EXPECTED = {
    "plaintext": "Hello, World!",
    "json": {"message": "Hello, World!"},
    "items_get": {"item_id": 42, "q": "hello", "limit": 5},
    "items_post": {"id": "<any>", "name": "widget", "price": 9.99, "tags": ["a", "b"]},
    "orders_post": {
        "user_id": 1,
        "order": {"product_id": 7, "quantity": 2},
        "source": "mobile",
        "user": "alice",
    },
}


def sh(*args, **kwargs):
    return subprocess.run(args, check=True, **kwargs)


def ensure_wrk():
    if shutil.which("wrk"):
        return
    print("installing wrk …", flush=True)
    sh("apt-get", "update", "-qq")
    sh("apt-get", "install", "-y", "-qq", "wrk")


def build():
    print("building the servers in release …", flush=True)
    sh(
        "cargo", "build", "--release", "--quiet",
        "--manifest-path", os.path.join(ROOT, "benches", "Cargo.toml"),
        "--target-dir", TARGET,
    )


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_command(server):
    """(binary, environment) for a server spec such as `hyper@current_thread`:
    `@current_thread` is one thread (tokio's current-thread runtime, or one
    actix-web worker), `@multi_thread` the default (tokio's multi-threaded
    runtime, an actix-web worker per core), `@workersN` brisk's
    App::workers(N) on a current-thread main runtime."""
    binary, _, flavour = server.partition("@")
    if not flavour or flavour == "multi_thread":
        return binary, {}
    if flavour == "current_thread":
        return binary, {"BENCH_RUNTIME": "current_thread"}
    if flavour.startswith("workers") and flavour[len("workers"):].isdigit():
        return binary, {"BENCH_RUNTIME": "current_thread", "BENCH_WORKERS": flavour[len("workers"):]}
    raise SystemExit(f"unknown flavour {flavour!r} in {server!r}")


class Server:
    def __init__(self, name):
        self.name = name
        self.port = free_port()
        binary, extra = server_command(name)
        env = dict(os.environ, BENCH_ADDR=f"127.0.0.1:{self.port}", **extra)
        binary = os.path.join(TARGET, "release", binary)
        self.proc = subprocess.Popen(
            ["taskset", "-c", SERVER_CPU, binary], env=env,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        deadline = time.time() + 10
        while time.time() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"{name} did not start")

    def url(self, path):
        return f"http://127.0.0.1:{self.port}{path}"

    def cpu_seconds(self):
        """(user, system) CPU seconds the server has used so far."""
        with open(f"/proc/{self.proc.pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return int(fields[11]) / CLK_TCK, int(fields[12]) / CLK_TCK

    def peak_rss_kib(self):
        with open(f"/proc/{self.proc.pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
        return 0

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(5)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def matches(expected, actual):
    if expected == "<any>":
        return True
    if isinstance(expected, dict):
        return isinstance(actual, dict) and expected.keys() == actual.keys() and all(
            matches(expected[k], actual[k]) for k in expected
        )
    return expected == actual


def check(server, endpoints):
    """Every server must give the same answers before it is measured.

    Returns the endpoints the server does not serve yet (404), which are
    reported as n/a rather than measured."""
    missing = set()
    for name, method, path, body, headers, status in endpoints:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(server.url(path), data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=5) as response:
                got_status, text = response.status, response.read().decode()
                got_headers = response.headers
        except urllib.error.HTTPError as err:
            if err.code == 404:
                missing.add(name)
                continue
            raise RuntimeError(f"{server.name} {name}: {err.code} {err.read()!r}")
        expected = EXPECTED[name]
        actual = text if isinstance(expected, str) else json.loads(text)
        if got_status != status or not matches(expected, actual):
            raise RuntimeError(f"{server.name} {name}: {got_status} {text!r}")
        if "x-process-time" not in got_headers:
            raise RuntimeError(f"{server.name} {name}: no x-process-time header (every server times every route)")
    return missing


def lua_script(directory, name, method, body, headers):
    path = os.path.join(directory, f"{name}.lua")
    with open(path, "w") as f:
        f.write(f'wrk.method = "{method}"\n')
        if body is not None:
            f.write(f"wrk.body = {json.dumps(json.dumps(body))}\n")
        for key, value in headers.items():
            f.write(f'wrk.headers["{key}"] = "{value}"\n')
    return path


UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3}


def parse_latency(text, percentile):
    m = re.search(rf"^\s+{percentile}%\s+([\d.]+)(us|ms|s)\s*$", text, re.M)
    return float(m.group(1)) * UNITS[m.group(2)] if m else float("nan")


def wrk(url, script, duration, connections):
    out = subprocess.run(
        ["taskset", "-c", WRK_CPU, "wrk", "-t1", f"-c{connections}", f"-d{duration}s",
         "--latency", "-s", script, url],
        check=True, capture_output=True, text=True,
    ).stdout
    if "Non-2xx" in out or "Socket errors" in out and "read 0, write 0, timeout 0" not in out:
        errors = [l for l in out.splitlines() if "Non-2xx" in l or "Socket errors" in l]
        if any("Non-2xx" in l for l in errors):
            raise RuntimeError(f"wrk saw errors on {url}: {errors}")
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    return requests, rps, parse_latency(out, 50), parse_latency(out, 99)


def server_core_ticks():
    """(softirq, total) clock ticks of the server's CPU so far, from /proc/stat.

    The kernel handles loopback packets (wrk's as well as the server's) in
    softirq context, partly on the server's core, and charges that time to
    the task it interrupted, mostly the server: it is part of the server's
    CPU per request, and how much of it lands there moves from one
    measurement to the next."""
    softirq = total = 0
    with open("/proc/stat") as stat:
        for line in stat:
            fields = line.split()
            if fields[0] in {f"cpu{cpu}" for cpu in SERVER_CPU.split(",")}:
                ticks = [int(v) for v in fields[1:]]
                softirq += ticks[6]
                total += sum(ticks[:8])
    return softirq, total


def measure(args, endpoints, scripts):
    """All servers stay up (idle ones cost nothing on CPU 0); each round
    takes the endpoints in turn and, per endpoint, the servers back to back
    in a rotating order, so that drift in the machine's speed over the run
    reaches every server alike."""
    results = {(e[0], s): [] for e in endpoints for s in SERVERS}
    servers = {}
    try:
        for name in SERVERS:
            servers[name] = Server(name)
        missing = {name: check(server, endpoints) for name, server in servers.items()}
        for round_index in range(args.rounds):
            for endpoint_index, (endpoint, _method, path, *_rest) in enumerate(endpoints):
                turn = (round_index + endpoint_index) % len(SERVERS)
                for name in SERVERS[turn:] + SERVERS[:turn]:
                    if endpoint in missing[name]:
                        continue
                    server = servers[name]
                    url = server.url(path)
                    if round_index == 0:
                        wrk(url, scripts[endpoint], 1, args.connections)  # warm-up
                    before, core_before = server.cpu_seconds(), server_core_ticks()
                    requests, rps, p50, p99 = wrk(url, scripts[endpoint], args.duration, args.connections)
                    after, core_after = server.cpu_seconds(), server_core_ticks()
                    user_us = (after[0] - before[0]) / requests * 1e6
                    cpu_us = user_us + (after[1] - before[1]) / requests * 1e6
                    softirq = (core_after[0] - core_before[0]) / max(core_after[1] - core_before[1], 1)
                    results[(endpoint, name)].append((rps, p50, p99, cpu_us, user_us))
                    print(f"round {round_index + 1} {name:6} {endpoint:12} {rps:10.0f} req/s "
                          f"p50 {p50:.3f} ms p99 {p99:.3f} ms cpu {cpu_us:.2f} us/req "
                          f"(user {user_us:.2f}) softirq on the server's core {softirq:.0%}", flush=True)
    finally:
        for server in servers.values():
            server.stop()
    return results


def peak_rss(connections):
    rss = {}
    for name in SERVERS:
        server = Server(name)
        try:
            subprocess.run(
                ["taskset", "-c", WRK_CPU, "wrk", "-t1", f"-c{connections}", "-d3s", server.url("/plaintext")],
                check=True, capture_output=True,
            )
            rss[name] = server.peak_rss_kib()
        finally:
            server.stop()
    return rss


def fmt(value, spec):
    return "n/a" if value != value else format(value, spec)


def table(results, endpoints, rss, floor=None):
    lines = []
    header = "| endpoint | server | req/s (median) | p50 ms | p99 ms | CPU µs/req | of which user |"
    lines += [header, "|---|---|---:|---:|---:|---:|---:|"]
    medians = {}
    for endpoint, *_ in endpoints:
        for name in SERVERS:
            runs = results[(endpoint, name)]
            nan = float("nan")
            m = tuple(statistics.median(r[i] for r in runs) if runs else nan for i in range(5))
            medians[(endpoint, name)] = m
            lines.append(f"| {endpoint} | {name} | {fmt(m[0], '.0f')} | {fmt(m[1], '.3f')} | "
                         f"{fmt(m[2], '.3f')} | {fmt(m[3], '.2f')} | {fmt(m[4], '.2f')} |")
    lines += ["", "| endpoint | brisk/hyper req/s | brisk/hyper CPU | brisk/axum req/s | brisk/axum CPU | "
              "brisk/axum p99 | brisk/actix req/s | brisk/actix CPU |", "|---|---:|---:|---:|---:|---:|---:|---:|"]
    missing = (float("nan"),) * 5  # a server left out with --servers
    for endpoint, *_ in endpoints:
        b, h, a, x = (medians.get((endpoint, s), missing) for s in ("brisk", "hyper", "axum", "actix"))
        ratios = [b[0] / h[0], b[3] / h[3], b[0] / a[0], b[3] / a[3], b[2] / a[2], b[0] / x[0], b[3] / x[3]]
        lines.append(f"| {endpoint} | " + " | ".join(fmt(r, ".2f") for r in ratios) + " |")
    # Servers are measured back to back within a round, so the ratio taken
    # round by round cancels most of the machine's drift; its median is the
    # steadier figure on a noisy machine.
    lines += ["", "Median of the per-round ratios (each round measures the servers back to back):", "",
              "| endpoint | brisk/hyper req/s | brisk/hyper CPU | brisk/axum req/s | brisk/axum CPU | "
              "brisk/actix req/s | brisk/actix CPU |", "|---|---:|---:|---:|---:|---:|---:|"]
    for endpoint, *_ in endpoints:
        cells = []
        for peer in ("hyper", "axum", "actix"):
            pairs = list(zip(results.get((endpoint, "brisk"), []), results.get((endpoint, peer), [])))
            for i in (0, 3):
                cells.append(statistics.median(b[i] / p[i] for b, p in pairs) if pairs else float("nan"))
        lines.append(f"| {endpoint} | " + " | ".join(fmt(c, ".2f") for c in cells) + " |")
    if floor:
        lines += ["", f"Against {floor} (medians of the per-round ratios):", "",
                  "| endpoint | server | req/s ratio | CPU/req ratio |", "|---|---|---:|---:|"]
        for endpoint, *_ in endpoints:
            for name in SERVERS:
                pairs = list(zip(results.get((endpoint, name), []), results.get((endpoint, floor), [])))
                if name == floor or not pairs:
                    continue
                rps = statistics.median(b[0] / p[0] for b, p in pairs)
                cpu = statistics.median(b[3] / p[3] for b, p in pairs)
                lines.append(f"| {endpoint} | {name} | {rps:.2f} | {cpu:.2f} |")
    if rss:
        lines += ["", "| server | peak RSS with 1,000 keep-alive connections |", "|---|---:|"]
        lines += [f"| {name} | {kib / 1024:.1f} MiB |" for name, kib in rss.items()]
    return "\n".join(lines)


def main():
    global SERVER_CPU, WRK_CPU
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--duration", type=int, default=2)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--endpoints", default=",".join(e[0] for e in ENDPOINTS))
    parser.add_argument("--servers", default=",".join(SERVERS), help="servers, with flavours (see above)")
    parser.add_argument("--floor", help="also print every server's ratios to this one")
    parser.add_argument("--server-cpus", default=SERVER_CPU, help="CPUs the servers are pinned to (default 0)")
    parser.add_argument("--wrk-cpus", default=WRK_CPU, help="CPUs wrk is pinned to (default 1)")
    parser.add_argument("--no-build", action="store_true")
    parser.add_argument("--no-rss", action="store_true")
    args = parser.parse_args()

    if os.cpu_count() < 2:
        sys.exit("the harness needs two CPUs: one for the server, one for wrk")
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 65536), hard))
    ensure_wrk()
    if not args.no_build:
        build()
    SERVERS[:] = args.servers.split(",")
    SERVER_CPU, WRK_CPU = args.server_cpus, args.wrk_cpus
    wanted = args.endpoints.split(",")
    endpoints = [e for e in ENDPOINTS if e[0] in wanted]
    with tempfile.TemporaryDirectory() as tmp:
        scripts = {e[0]: lua_script(tmp, e[0], e[1], e[3], e[4]) for e in endpoints}
        results = measure(args, endpoints, scripts)
    rss = {} if args.no_rss else peak_rss(1000)
    print()
    print(f"{time.strftime('%Y-%m-%d')}, {args.rounds} rounds × {args.duration} s, "
          f"wrk -t1 -c{args.connections}, server on CPU {SERVER_CPU}, wrk on CPU {WRK_CPU}")
    print(table(results, endpoints, rss, args.floor))


if __name__ == "__main__":
    main()
