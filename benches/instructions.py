#!/usr/bin/env python3
"""Instructions per request, counted by callgrind: repeatable to about ±3 %
on a noisy machine, where req/s and CPU time drift by ±20 % or more.

    python3 benches/instructions.py [--requests N] [--servers S,S] [--floor S] [--cache-sim] [--keep DIR] [endpoint-or-path ...]

A server is a release binary's name (brisk, hyper, axum, actix), with an
optional flavour after `@`: `@current_thread` (one thread: tokio's
current-thread runtime, or one actix-web worker), `@multi_thread` (the
default: tokio's multi-threaded runtime, actix-web's worker per core), or
for brisk `@workersN` (App::workers(N), on a current-thread main runtime).
With --floor, every other server's ratio to that one is printed; without
it, brisk's ratio to each peer.

An endpoint is one of benches/run.py's names (plaintext, json, items_get,
items_post, orders_post: same method, body and headers as the load test);
anything else is a GET path. With several servers it prints a table and
brisk's ratios to each. Runs the release server under `valgrind --tool=callgrind`, sends a warm-up,
then two batches of different sizes over one keep-alive connection, and
reports the difference divided by the difference in requests, so startup
and shutdown cancel out. Builds nothing: run benches/run.py (or cargo build
--release --manifest-path benches/Cargo.toml --target-dir target) first.
"""

import argparse
import http.client
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import run  # noqa: E402  (the endpoints the load test sends)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def request_for(name):
    """(method, path, body bytes, headers) for an endpoint name or a GET path."""
    for endpoint, method, path, body, headers, _status in run.ENDPOINTS:
        if endpoint == name:
            return method, path, json.dumps(body).encode() if body is not None else None, headers
    return "GET", name, None, {}


def under_valgrind(server, tool_args, request, requests, started=lambda process: None):
    """Runs the release `server` under valgrind with `tool_args`, waits until
    it listens, calls `started` with the process, sends `requests` requests
    over one keep-alive connection and stops the server. Returns what
    `started` returned."""
    method, path, body, headers = request
    port = free_port()
    binary, env = run.server_command(server)
    env = dict(os.environ, BENCH_ADDR=f"127.0.0.1:{port}", **env)
    proc = subprocess.Popen(
        ["valgrind", *tool_args, os.path.join(ROOT, "target", "release", binary)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.time() + 120
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                if time.time() > deadline:
                    raise RuntimeError(f"{server} did not start under valgrind")
                time.sleep(0.2)
        result = started(proc)
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        for _ in range(requests):
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            response.read()
            if response.status >= 300:
                raise RuntimeError(f"{method} {path}: {response.status}")
        connection.close()
    finally:
        proc.terminate()
        proc.wait(120)
    return result


def total_events(server, request, requests, cache_sim, keep=None):
    """callgrind's totals for a run of `requests` requests: {event: count}.
    With `keep`, the profile stays at that path for callgrind_annotate."""
    out = keep or tempfile.NamedTemporaryFile(suffix=".callgrind", delete=False).name
    tool = ["--tool=callgrind", f"--callgrind-out-file={out}", f"--cache-sim={'yes' if cache_sim else 'no'}"]
    under_valgrind(server, tool, request, requests)
    with open(out) as f:
        text = f.read()
    if not keep:
        os.unlink(out)
    events = re.search(r"^events:\s+(.*)$", text, re.M).group(1).split()
    totals = re.search(r"^summary:\s+(.*)$", text, re.M).group(1).split()
    return dict(zip(events, map(int, totals)))


def per_request(server, request, small, large, cache_sim=False, keep=None):
    """{event: count per request}: the difference of two batches, so startup
    cancels out. With `keep`, the larger batch's profile stays at that path."""
    few = total_events(server, request, small, cache_sim)
    many = total_events(server, request, large, cache_sim, keep)
    return {event: (many[event] - few[event]) / (large - small) for event in many}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--servers", default="brisk", help="comma-separated, e.g. hyper,brisk,axum,actix")
    parser.add_argument("--floor", help="print every other server's ratio to this one (e.g. hyper@current_thread)")
    parser.add_argument("endpoints", nargs="*", default=["/plaintext", "/deps/none", "/deps/chain", "/deps/yield"])
    parser.add_argument("--cache-sim", action="store_true",
                        help="also simulate the caches and report L1 misses per request (slower)")
    parser.add_argument("--keep", metavar="DIR",
                        help="keep each server's profile of the larger batch in DIR, for callgrind_annotate")
    args = parser.parse_args()
    servers = args.servers.split(",")
    small, large = args.requests // 4, args.requests
    print(f"instructions per request (callgrind, {large - small} requests measured)")
    if args.floor:
        if args.floor not in servers:
            raise SystemExit(f"--floor {args.floor} is not one of --servers")
        ratios = [(s, args.floor) for s in servers if s != args.floor]
    else:
        ratios = [("brisk", s) for s in servers if s != "brisk"] if "brisk" in servers else []
    print("| endpoint | " + " | ".join(servers) + "".join(f" | {a}/{b}" for a, b in ratios) + " |")
    print("|---|" + "---:|" * (len(servers) + len(ratios)))
    misses = []
    for name in args.endpoints:
        request = request_for(name)
        counts = {}
        for server in servers:
            keep = None
            if args.keep:
                os.makedirs(args.keep, exist_ok=True)
                label = re.sub(r"[^A-Za-z0-9]+", "_", f"{request[0]} {request[1]}").strip("_")
                keep = os.path.join(args.keep, f"{server.replace('@', '-')}-{label}.callgrind")
            counts[server] = per_request(server, request, small, large, args.cache_sim, keep)
        cells = [f"{counts[s]['Ir']:,.0f}" for s in servers]
        cells += [f"{counts[a]['Ir'] / counts[b]['Ir']:.2f}" for a, b in ratios]
        print(f"| {request[0]} {request[1]} | " + " | ".join(cells) + " |")
        sys.stdout.flush()
        if args.cache_sim:
            misses.append((request, counts))
    if misses:
        # Simulated caches: the counts move with the address layout from run to run.
        print("\nL1 misses per request (simulated): instruction / data read + write")
        print("| endpoint | " + " | ".join(servers) + " |")
        print("|---|" + "---:|" * len(servers))
        for request, counts in misses:
            cells = [f"{c['I1mr']:,.0f} / {c['D1mr'] + c['D1mw']:,.0f}" for c in (counts[s] for s in servers)]
            print(f"| {request[0]} {request[1]} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
