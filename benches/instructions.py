#!/usr/bin/env python3
"""Instructions per request, counted by callgrind: repeatable to about ±3 %
on a noisy machine, where req/s and CPU time drift by ±20 % or more.

    python3 benches/instructions.py [--requests N] [server] [path ...]

Runs the release server under `valgrind --tool=callgrind`, sends a warm-up,
then two batches of different sizes over one keep-alive connection, and
reports the difference divided by the difference in requests, so startup
and shutdown cancel out. Builds nothing: run benches/run.py (or cargo build
--release --manifest-path benches/Cargo.toml --target-dir target) first.
"""

import argparse
import http.client
import os
import re
import socket
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def total_instructions(server, path, requests):
    port = free_port()
    out = tempfile.NamedTemporaryFile(suffix=".callgrind", delete=False).name
    env = dict(os.environ, BENCH_ADDR=f"127.0.0.1:{port}")
    proc = subprocess.Popen(
        ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}",
         os.path.join(ROOT, "target", "release", server)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.time() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                if time.time() > deadline:
                    raise RuntimeError(f"{server} did not start under valgrind")
                time.sleep(0.2)
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        for _ in range(requests):
            connection.request("GET", path)
            response = connection.getresponse()
            response.read()
            if response.status != 200:
                raise RuntimeError(f"{path}: {response.status}")
        connection.close()
    finally:
        proc.terminate()
        proc.wait(60)
    with open(out) as f:
        text = f.read()
    os.unlink(out)
    return int(re.search(r"^summary:\s+(\d+)", text, re.M).group(1))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("server", nargs="?", default="brisk")
    parser.add_argument("paths", nargs="*", default=["/plaintext", "/deps/none", "/deps/chain", "/deps/yield"])
    args = parser.parse_args()
    small, large = args.requests // 4, args.requests
    print(f"{args.server}: instructions per request (callgrind, {large - small} requests measured)")
    for path in args.paths:
        per_request = (total_instructions(args.server, path, large)
                       - total_instructions(args.server, path, small)) / (large - small)
        print(f"  {path:20} {per_request:10.0f}")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
