#!/usr/bin/env python3
"""Peak memory of examples/orders while it streams a large response and
receives a large upload.

    python3 benches/memory.py [--rows N] [--upload-mib M]

Builds nothing: run `cargo build --release -p orders` first. Starts
target/release/orders on a fresh SQLite file and a fresh upload folder,
then measures two things in turn:

1. the export: fills the orders table with N rows for user 1 (100,000 by
   default) through Python's sqlite3 while the server runs, downloads
   GET /users/1/export, and reports the rows and bytes received;
2. the upload: posts a multipart body with a description and a file of M
   MiB (200 by default), generated and sent in 1 MiB pieces so the client
   holds none of it, to POST /upload, and reports the answer.

For each, the server's resident memory when idle (VmRSS) and its peak
(VmHWM, from /proc/PID/status, before and after), and the difference:
what the step cost in memory. A buffered export or upload would grow the
peak by about its size; a streamed one by a few buffers.
"""

import argparse
import http.client
import json
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


BOUNDARY = "memory-bench-boundary-0123456789"


def multipart_upload(port, mib):
    """POST /upload with an M MiB file, streamed; returns (status, reply)."""
    head = (
        f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"description\"\r\n\r\n"
        f"memory bench\r\n--{BOUNDARY}\r\n"
        f"Content-Disposition: form-data; name=\"file\"; filename=\"big.bin\"\r\n"
        f"Content-Type: application/octet-stream\r\n\r\n"
    ).encode()
    tail = f"\r\n--{BOUNDARY}--\r\n".encode()
    piece = bytes(range(256)) * 4096  # 1 MiB

    def body():
        yield head
        for _ in range(mib):
            yield piece
        yield tail

    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
    connection.putrequest("POST", "/upload")
    connection.putheader("Content-Type", f"multipart/form-data; boundary={BOUNDARY}")
    connection.putheader("Content-Length", str(len(head) + mib * len(piece) + len(tail)))
    connection.endheaders()
    for chunk in body():
        connection.send(chunk)
    response = connection.getresponse()
    return response.status, response.read()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--upload-mib", type=int, default=200)
    args = parser.parse_args()
    binary = os.path.join(ROOT, "target", "release", "orders")
    if not os.path.exists(binary):
        sys.exit("build it first: cargo build --release -p orders")

    with tempfile.TemporaryDirectory() as scratch:
        database = os.path.join(scratch, "orders.db")
        uploads = os.path.join(scratch, "uploads")
        port = free_port()
        env = dict(
            os.environ,
            DATABASE_URL=f"sqlite://{database}?mode=rwc",
            UPLOAD_DIR=uploads,
            PORT=str(port),
            RUST_LOG="warn",
        )
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

            upload_idle = status_kib(server.pid, "VmRSS")
            upload_before = status_kib(server.pid, "VmHWM")
            upload_status, reply = multipart_upload(port, args.upload_mib)
            upload_peak = status_kib(server.pid, "VmHWM")
            stored = sum(os.path.getsize(os.path.join(uploads, name)) for name in os.listdir(uploads))
        finally:
            server.terminate()
            server.wait(timeout=30)

    print(f"GET /users/1/export: {lines - 1:,} rows, {received / 2**20:.1f} MiB, status {response.status}")
    print(f"server RSS idle {idle / 1024:.1f} MiB; peak before {before / 1024:.1f} MiB, after {peak / 1024:.1f} MiB")
    print(f"peak growth during the export: {(peak - max(before, idle)) / 1024:.1f} MiB")
    size = json.loads(reply).get("size") if upload_status == 201 else reply[:200]
    print(f"POST /upload: {args.upload_mib} MiB sent, status {upload_status}, size {size}, stored {stored:,} bytes")
    print(
        f"server RSS idle {upload_idle / 1024:.1f} MiB; peak before {upload_before / 1024:.1f} MiB, "
        f"after {upload_peak / 1024:.1f} MiB"
    )
    print(f"peak growth during the upload: {(upload_peak - max(upload_before, upload_idle)) / 1024:.1f} MiB")


if __name__ == "__main__":
    main()
