#!/usr/bin/env python3
"""Peak memory of examples/orders while it streams a large response.

    python3 benches/memory.py [--rows N]

Builds nothing: run `cargo build --release -p orders` first. Starts
target/release/orders on a fresh SQLite file, fills the orders table with
N rows for user 1 (100,000 by default) through Python's sqlite3 while the
server runs, then downloads GET /users/1/export and reports:

- the rows received (the CSV's lines, header left out) and the bytes;
- the server's resident memory when idle (VmRSS) and its peak during the
  export (VmHWM, read from /proc/PID/status before and after), and the
  difference: what streaming the export cost in memory.

A buffered export would grow the peak by about the size of the CSV; a
streamed one by a few rows and the driver's buffers.
"""

import argparse
import http.client
import os
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def status_kib(pid, field):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise KeyError(field)


def wait_until_up(port, server):
    deadline = time.time() + 30
    while time.time() < deadline:
        if server.poll() is not None:
            sys.exit(f"orders exited with {server.returncode} before answering")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/")
            connection.getresponse().read()
            return
        except OSError:
            time.sleep(0.1)
    sys.exit("orders did not answer within 30 s")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()
    binary = os.path.join(ROOT, "target", "release", "orders")
    if not os.path.exists(binary):
        sys.exit("build it first: cargo build --release -p orders")

    with tempfile.TemporaryDirectory() as scratch:
        database = os.path.join(scratch, "orders.db")
        port = free_port()
        env = dict(os.environ, DATABASE_URL=f"sqlite://{database}?mode=rwc", PORT=str(port), RUST_LOG="warn")
        server = subprocess.Popen([binary], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            wait_until_up(port, server)
            with sqlite3.connect(database, timeout=30) as db:
                db.executemany(
                    "INSERT INTO orders (user_id, product_id, quantity, source) VALUES (1, ?, ?, 'bench')",
                    ((n % 1000, 1 + n % 100) for n in range(args.rows)),
                )
            idle = status_kib(server.pid, "VmRSS")
            before = status_kib(server.pid, "VmHWM")
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
            connection.request("GET", "/users/1/export")
            response = connection.getresponse()
            received = lines = 0
            while chunk := response.read(64 * 1024):
                received += len(chunk)
                lines += chunk.count(b"\n")
            peak = status_kib(server.pid, "VmHWM")
        finally:
            server.terminate()
            server.wait(timeout=30)

    print(f"GET /users/1/export: {lines - 1:,} rows, {received / 2**20:.1f} MiB, status {response.status}")
    print(f"server RSS idle {idle / 1024:.1f} MiB; peak before {before / 1024:.1f} MiB, after {peak / 1024:.1f} MiB")
    print(f"peak growth during the export: {(peak - max(before, idle)) / 1024:.1f} MiB")


if __name__ == "__main__":
    main()
