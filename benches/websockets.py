#!/usr/bin/env python3
"""Idle WebSockets held by one brisk process, and what each costs it.

    python3 benches/websockets.py [--connections N] [--binary PATH]

Starts examples/hello's release binary (build it first: cargo build
--release -p hello) with the file-descriptor limit raised to the hard
limit, opens N WebSocket connections to its `/ws/echo` route from this
process (raw sockets and a hand-written handshake: no client library to
install), holds them all open, checks that a sample of them still echoes,
and reports the server's resident memory before and after, per connection.
Everything runs on 127.0.0.1.
"""

import argparse
import asyncio
import base64
import os
import resource
import socket
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError("no VmRSS")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def masked_text(text):
    """A client's text frame: FIN, opcode 1, masked (RFC 6455, 5.2)."""
    payload = text.encode()
    mask = os.urandom(4)
    assert len(payload) < 126
    masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
    return bytes([0x81, 0x80 | len(payload)]) + mask + masked


async def open_socket(port):
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    key = base64.b64encode(os.urandom(16)).decode()
    writer.write(
        (
            "GET /ws/echo HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
            f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n"
        ).encode()
    )
    await writer.drain()
    head = await reader.readuntil(b"\r\n\r\n")
    if not head.startswith(b"HTTP/1.1 101"):
        raise RuntimeError(head.decode(errors="replace"))
    return reader, writer


async def echo(reader, writer, text):
    writer.write(masked_text(text))
    await writer.drain()
    first = await reader.readexactly(2)
    length = first[1] & 0x7F
    return (await reader.readexactly(length)).decode()


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--connections", type=int, default=10_000)
    parser.add_argument("--binary", default=os.path.join(ROOT, "target", "release", "hello"))
    args = parser.parse_args()

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    needed = args.connections + 1_000
    if hard < needed:
        sys.exit(f"the hard file-descriptor limit is {hard}; {needed} are needed")
    # Raised here, so the server started below inherits it too.
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))

    port = free_port()
    env = dict(os.environ, PORT=str(port), RUST_LOG="warn")
    server = subprocess.Popen([args.binary], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
                break
            except OSError:
                time.sleep(0.05)
        # One connection first, so the runtime and the route are warm.
        warm = await open_socket(port)
        assert await echo(*warm, "warm") == "warm"
        idle = rss_kib(server.pid)

        started = time.monotonic()
        sockets = []
        batch = 500
        for start in range(0, args.connections, batch):
            count = min(batch, args.connections - start)
            sockets += await asyncio.gather(*(open_socket(port) for _ in range(count)))
        opened = time.monotonic() - started
        await asyncio.sleep(1)
        held = rss_kib(server.pid)

        sample = sockets[:: max(1, len(sockets) // 100)]
        answers = await asyncio.gather(*(echo(r, w, f"n{i}") for i, (r, w) in enumerate(sample)))
        alive = sum(answer == f"n{i}" for i, answer in enumerate(answers))
        assert server.poll() is None, "the server exited"

        per = (held - idle) / args.connections
        print(f"connections held: {len(sockets)} (opened in {opened:.1f} s)")
        print(f"server RSS: {idle / 1024:.1f} MiB idle, {held / 1024:.1f} MiB with them open")
        print(f"per connection: {per:.1f} KiB")
        print(f"sample still echoing: {alive}/{len(sample)}")
        for _, writer in sockets:
            writer.close()
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    asyncio.run(main())
