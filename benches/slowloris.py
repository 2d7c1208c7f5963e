#!/usr/bin/env python3
"""Hostile load on 127.0.0.1: does a well-behaved client still get served?

    python3 benches/slowloris.py [--slow N] [--soft-limit L] [--hard-limit L] [--seconds S]
    python3 benches/slowloris.py --idle N        # N idle keep-alive connections instead
    python3 benches/slowloris.py --pipeline N [--read]   # N pipelining floods instead

Builds examples/hello in release and starts it with the descriptor limits
given (through `ulimit`, as a service manager would set them; by default
those of this shell). Then it opens N connections that each send a request
line and one more header line every 2 s without ever finishing their
headers (slowloris), reopening any the server closes, or with --idle N
connections that each complete one request and then stay open, or with
--pipeline N connections that each send GET /plaintext back to back, in
batches of 1,000 pipelined requests, as fast as the server takes them:
without --read they never read an answer (the server must stop reading
when its answers cannot leave, not buffer them), with --read they read
and discard every answer (a flood that keeps the server busy). Once they
are in place, a well-behaved client opens a new connection every 50 ms for
S seconds, sends GET /plaintext and reads the answer (a 5 s timeout counts
as a failure). Prints the client's latency percentiles and failures, the
connections the attack held, and the server's resident memory per held
connection. Nothing else should run on the machine while it measures.
"""

import argparse
import asyncio
import multiprocessing
import os
import resource
import socket
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REQUEST = b"GET /plaintext HTTP/1.1\r\nHost: bench\r\n\r\n"


def build():
    subprocess.run(
        ["cargo", "build", "--release", "--quiet", "-p", "hello"],
        cwd=ROOT,
        check=True,
    )
    return os.path.join(ROOT, "target", "release", "hello")


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start(executable, port, soft, hard):
    # The soft limit first: a hard limit below the current soft one is refused.
    limits = []
    if soft:
        limits.append(f"ulimit -Sn {soft}")
    if hard:
        limits.append(f"ulimit -Hn {hard}")
    script = " && ".join(limits + ['exec "$0"'])
    env = dict(os.environ, HOST="127.0.0.1", PORT=str(port), RUST_LOG="brisk::server=info")
    server = subprocess.Popen(["sh", "-c", script, executable], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return server
        except OSError:
            time.sleep(0.05)
    server.kill()
    sys.exit("hello did not start listening")


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


class Attack:
    def __init__(self):
        self.open = 0
        self.closed_by_server = 0
        self.refused = 0
        self.sent = 0
        self.answered = 0
        self.stop = False

    async def slow(self, port):
        """One slowloris connection, reopened whenever the server closes it."""
        while not self.stop:
            try:
                reader, writer = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", port), 10)
            except (OSError, asyncio.TimeoutError):
                self.refused += 1
                await asyncio.sleep(1)
                continue
            self.open += 1
            try:
                writer.write(b"GET /plaintext HTTP/1.1\r\nHost: bench\r\n")
                await writer.drain()
                while not self.stop:
                    await asyncio.sleep(2)
                    writer.write(b"X-Slow: 1\r\n")
                    await writer.drain()
                    if reader.at_eof():
                        break
            except OSError:
                pass
            finally:
                self.open -= 1
                self.closed_by_server += 0 if self.stop else 1
                writer.close()

    async def pipeline(self, port, ready, read):
        """One connection that pipelines requests as fast as it may send them."""
        try:
            reader, writer = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", port), 10)
        except (OSError, asyncio.TimeoutError):
            self.refused += 1
            ready.release()
            return
        self.open += 1
        ready.release()
        batch = REQUEST * 1000
        drained = asyncio.create_task(self.discard(reader)) if read else None
        try:
            while not self.stop:
                writer.write(batch)
                await writer.drain()
                self.sent += 1000
        except OSError:
            self.closed_by_server += 1
        finally:
            self.open -= 1
            if drained:
                drained.cancel()
            # Not close(): that would wait to flush what the server will never read.
            writer.transport.abort()

    async def discard(self, reader):
        while not self.stop:
            chunk = await reader.read(1 << 16)
            if not chunk:
                return
            self.answered += chunk.count(b"Hello, World!")

    async def idle(self, port, ready):
        """One keep-alive connection: a request, then silence."""
        try:
            reader, writer = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", port), 10)
            writer.write(REQUEST)
            await writer.drain()
            await asyncio.wait_for(reader.readuntil(b"Hello, World!"), 10)
        except (OSError, asyncio.TimeoutError, asyncio.IncompleteReadError):
            self.refused += 1
            ready.release()
            return
        self.open += 1
        ready.release()
        while not self.stop:
            await asyncio.sleep(0.5)
        self.open -= 1
        writer.close()


async def well_behaved(port, seconds):
    latencies, failures = [], 0
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        started = time.perf_counter()
        try:
            reader, writer = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", port), 5)
            writer.write(REQUEST)
            await writer.drain()
            await asyncio.wait_for(reader.readuntil(b"Hello, World!"), 5)
            writer.close()
            latencies.append((time.perf_counter() - started) * 1000)
        except (OSError, asyncio.TimeoutError, asyncio.IncompleteReadError):
            failures += 1
        await asyncio.sleep(0.05)
    return latencies, failures


def measure(port, seconds):
    return asyncio.run(well_behaved(port, seconds))


async def run(args, port, server):
    attack = Attack()
    baseline = rss_kib(server.pid)
    count = args.pipeline or args.idle or args.slow
    if args.pipeline:
        ready = asyncio.Semaphore(0)
        tasks = [asyncio.create_task(attack.pipeline(port, ready, args.read)) for _ in range(count)]
        for _ in range(count):
            await ready.acquire()
        await asyncio.sleep(3)
    elif args.idle:
        ready = asyncio.Semaphore(0)
        tasks = [asyncio.create_task(attack.idle(port, ready)) for _ in range(count)]
        for _ in range(count):
            await ready.acquire()
    else:
        tasks = []
        for _ in range(count):
            tasks.append(asyncio.create_task(attack.slow(port)))
            if len(tasks) % 200 == 0:
                await asyncio.sleep(0.05)
        await asyncio.sleep(3)
    held = attack.open
    memory = rss_kib(server.pid)
    sent_before = attack.sent
    # In a process of its own: the attack's event loop, busy with thousands
    # of sockets, must not delay the client it measures.
    with multiprocessing.Pool(1) as pool:
        pending = pool.apply_async(measure, (port, args.seconds))
        while not pending.ready():
            await asyncio.sleep(0.1)
        latencies, failures = pending.get()
    held_after = attack.open
    attack.sent_during = attack.sent - sent_before
    attack.memory_after = rss_kib(server.pid)
    attack.stop = True
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    return attack, held, held_after, baseline, memory, latencies, failures


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--slow", type=int, default=10_000, help="slowloris connections (default 10,000)")
    parser.add_argument("--idle", type=int, default=0, help="idle keep-alive connections instead")
    parser.add_argument("--pipeline", type=int, default=0, help="pipelining connections instead")
    parser.add_argument("--read", action="store_true", help="the pipelining connections read their answers")
    parser.add_argument("--soft-limit", type=int, help="the server's soft RLIMIT_NOFILE")
    parser.add_argument("--hard-limit", type=int, help="the server's hard RLIMIT_NOFILE")
    parser.add_argument("--seconds", type=float, default=10, help="how long the good client runs (default 10)")
    args = parser.parse_args()

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    count = args.pipeline or args.idle or args.slow
    if count + 200 > hard:
        sys.exit(f"this shell may open {hard} descriptors: too few for {count} connections")

    executable = build()
    port = free_port()
    server = start(executable, port, args.soft_limit, args.hard_limit)
    try:
        attack, held, held_after, baseline, memory, latencies, failures = asyncio.run(run(args, port, server))
    finally:
        server.terminate()
        output = server.communicate(timeout=30)[0].decode(errors="replace")
    limit_lines = [line for line in output.splitlines() if "file descriptor limit" in line]

    if args.pipeline:
        kind = "pipelining (answers read)" if args.read else "pipelining (answers never read)"
    else:
        kind = "idle keep-alive" if args.idle else "slowloris"
    print(f"{count} {kind} connections; server limits soft={args.soft_limit or soft} hard={args.hard_limit or hard}")
    if limit_lines:
        print("server:", limit_lines[0].split("brisk::server:")[-1].strip())
    print(f"held by the attack: {held} when the client started, {held_after} when it ended; "
          f"refused or timed out: {attack.refused}; closed by the server: {attack.closed_by_server}")
    if args.pipeline:
        print(f"requests sent by the attack: {attack.sent:,} in all, {attack.sent_during:,} while the client ran; "
              f"answers read: {attack.answered:,}; server RSS {memory} KiB when the client started, "
              f"{attack.memory_after} KiB when it ended ({baseline} KiB before the attack)")
    elif held:
        print(f"server RSS: {baseline} KiB before, {memory} KiB with them: {(memory - baseline) / held:.1f} KiB per connection")
    if latencies:
        ordered = sorted(latencies)
        p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
        print(f"well-behaved client: {len(latencies)} served, {failures} failed; "
              f"p50 {statistics.median(ordered):.2f} ms, p99 {p99:.2f} ms, max {ordered[-1]:.2f} ms")
    else:
        print(f"well-behaved client: none served, {failures} failed")


if __name__ == "__main__":
    main()
