#!/usr/bin/env python3
"""Clients that leave mid-request, N times in a row: does brisk lose anything?

    python3 benches/faults.py [--faults N] [--rounds R] [--concurrency C]
    python3 benches/faults.py --warmup-faults 10000  # faults in the warm-up too
    python3 benches/faults.py --shapes mid-upload    # one shape only
    python3 benches/faults.py --help                 # tolerances, idle time, --trim

Builds the fault server (benches/src/bin/faults.rs) in release and starts it
on 127.0.0.1, spooling uploads into a fresh temporary directory. It warms up
with 3,000 complete requests of each kind (a JSON body, a multipart upload
large enough to be spooled, a short streaming response), so that malloc's
arenas, brisk's per-thread block lists and the runtime's threads have seen
the load (and, with --warmup-faults F, F faults as well), then takes the
baseline. Then, R times (2 by default), it makes N faults in a row (100,000
by default) from C concurrent sockets (64), cycling through three shapes:

- mid-body: POST /orders with `Expect: 100-continue`; once the server asks
  for the body, part of the JSON is sent (never all of it), then the socket
  closes;
- mid-upload: the same for a multipart POST /upload whose file part is 8
  times the spool threshold, cut off after twice the threshold or more;
- mid-response: GET /stream (64 MiB, 32 KiB every 2 ms); after the head
  and up to 512 KiB of the body, the socket closes.

Every fourth fault of each shape closes with SO_LINGER 0, so the server gets
an RST instead of a FIN. Waiting for `100 Continue` (or the response head)
before cutting makes every fault reach its route: the route's yield
dependency has started before the client leaves, and the check below fails
if a route saw fewer starts than faults were made.

The server's /stats route reports the teardowns started and finished (with
the outcome each saw), the files open in the spool directory and the
entries in it, its RSS, its threads, and malloc's bytes in use and held.
After each round the driver waits until every started teardown has finished
and the spool is empty, lets the server sit idle for 12 s (the runtime's
idle blocking threads exit after 10 s; the baseline is taken the same way),
and reads them again.

Prints, per round: the faults made by shape and close, the teardowns started
and finished and their outcomes, the peaks sampled while the round ran, the
spool, and the memory after it against the baseline and against round 1,
then the total time. Exits non-zero if a fault could not be made or did not
reach its route, a teardown is missing, a spool file or entry remains, the
RSS after a round exceeds the baseline by more than --rss-tolerance-kib
(6 MiB), or a later round's RSS exceeds round 1's by more than
--round-tolerance-kib (2 MiB) or its bytes in use by more than
--heap-tolerance-kib (256 KiB). The RSS checks allow for malloc keeping
the pages of each round's peak; the bytes in use are what a leak moves (at
100,000 faults a round, 3 bytes per fault fail the check). Everything connects to
127.0.0.1 only. Nothing else should run on the machine while it measures.
"""

import argparse
import asyncio
import json
import os
import random
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HOST = "127.0.0.1"

# Must match benches/src/bin/faults.rs.
SPOOL_THRESHOLD = 16 * 1024
FILE_SIZE = 8 * SPOOL_THRESHOLD
STREAM_READ_MAX = 512 * 1024
# How long one request or fault may take before it counts as failed.
STEP_TIMEOUT = 10

SHAPES = ("mid-body", "mid-upload", "mid-response")
ROUTE_OF = {"mid-body": "json_body", "mid-upload": "upload", "mid-response": "stream"}

ORDER = json.dumps({"customer": "faults", "quantity": 3, "notes": "n" * 4000}).encode()
BOUNDARY = "faultsboundary7MA4YWxkTrZu0gW"


def multipart_body():
    """A description field and a file part; returns the body and where the file's bytes start."""
    head = (
        f"--{BOUNDARY}\r\ncontent-disposition: form-data; name=\"description\"\r\n\r\n"
        "a file cut off part-way\r\n"
        f"--{BOUNDARY}\r\ncontent-disposition: form-data; name=\"file\"; filename=\"data.bin\"\r\n"
        "content-type: application/octet-stream\r\n\r\n"
    ).encode()
    content = bytes(i % 251 for i in range(FILE_SIZE))
    return head + content + f"\r\n--{BOUNDARY}--\r\n".encode(), len(head)


UPLOAD, FILE_START = multipart_body()


def post_head(path, content_type, length, expect):
    head = (
        f"POST {path} HTTP/1.1\r\nhost: faults\r\ncontent-type: {content_type}\r\n"
        f"content-length: {length}\r\nconnection: close\r\n"
    )
    if expect:
        head += "expect: 100-continue\r\n"
    return (head + "\r\n").encode()


def order_head(expect):
    return post_head("/orders", "application/json", len(ORDER), expect)


def upload_head(expect):
    return post_head("/upload", f"multipart/form-data; boundary={BOUNDARY}", len(UPLOAD), expect)


def get_head(path):
    return f"GET {path} HTTP/1.1\r\nhost: faults\r\nconnection: close\r\n\r\n".encode()


def build():
    subprocess.run(
        [
            "cargo", "build", "--release", "--quiet", "--manifest-path", "benches/Cargo.toml",
            "--target-dir", "target", "--bin", "faults",
        ],
        cwd=ROOT,
        check=True,
    )
    return os.path.join(ROOT, "target", "release", "faults")


def free_port():
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def start(executable, port, spool):
    env = dict(os.environ, BENCH_ADDR=f"{HOST}:{port}", FAULTS_SPOOL_DIR=spool)
    server = subprocess.Popen([executable], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            socket.create_connection((HOST, port), timeout=1).close()
            return server
        except OSError:
            time.sleep(0.05)
    server.kill()
    sys.exit("the fault server did not start listening")


async def exchange(port, request):
    """Sends a whole request, reads the whole answer (the server closes); returns status and body."""
    reader, writer = await asyncio.open_connection(HOST, port)
    try:
        writer.write(request)
        await writer.drain()
        answer = await reader.read()
    finally:
        writer.close()
    head, _, body = answer.partition(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1]) if head.startswith(b"HTTP/1.1 ") else 0
    return status, body


async def stats(port, trim=False):
    status, body = await exchange(port, get_head("/stats?trim=true" if trim else "/stats"))
    if status != 200:
        raise RuntimeError(f"/stats answered {status}")
    return json.loads(body)


def close(writer, rst):
    """Closes the client's socket: a FIN, or with SO_LINGER 0 an RST."""
    if rst:
        writer.get_extra_info("socket").setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    writer.close()


async def fault(port, shape, rst, rng):
    """One client that leaves mid-request. Returns None once it left as planned, or what went wrong."""
    reader, writer = await asyncio.open_connection(HOST, port)
    try:
        if shape == "mid-response":
            writer.write(get_head("/stream"))
            await writer.drain()
            head = await reader.readuntil(b"\r\n\r\n")
            if not head.startswith(b"HTTP/1.1 200"):
                return f"/stream answered {head[:40]!r}"
            wanted, received = rng.randint(1, STREAM_READ_MAX), 0
            while received < wanted:
                chunk = await reader.read(64 * 1024)
                if not chunk:
                    return "/stream ended before the client left"
                received += len(chunk)
            return None
        if shape == "mid-body":
            head, body = order_head(True), ORDER
            cut = rng.randrange(0, len(body))
        else:
            head, body = upload_head(True), UPLOAD
            # Past the threshold, so the part is being spooled, and short of its end.
            cut = rng.randrange(FILE_START + 2 * SPOOL_THRESHOLD, FILE_START + FILE_SIZE)
        writer.write(head)
        await writer.drain()
        interim = await reader.readuntil(b"\r\n\r\n")
        if not interim.startswith(b"HTTP/1.1 100"):
            return f"{shape}: answered {interim[:40]!r} instead of 100 Continue"
        writer.write(body[:cut])
        await writer.drain()
        return None
    finally:
        close(writer, rst)


async def complete(port, kind):
    """One whole request of `kind`; returns None when it was answered as expected."""
    if kind == "json_body":
        status, body = await exchange(port, order_head(False) + ORDER)
        return None if status == 201 else f"/orders answered {status}"
    if kind == "upload":
        status, body = await exchange(port, upload_head(False) + UPLOAD)
        if status != 200:
            return f"/upload answered {status}"
        answer = json.loads(body)
        # The file must have been spooled, or the faults would not test the spool.
        return None if answer == {"size": FILE_SIZE, "in_memory": False, "description": 23} else f"/upload: {answer}"
    status, body = await exchange(port, get_head("/stream?chunks=4"))
    return None if status == 200 and body.endswith(b"0\r\n\r\n") else f"/stream answered {status}"


async def in_parallel(count, concurrency, job):
    """Runs job(i) for i in range(count), `concurrency` at a time; returns the failures by message."""
    failures = {}
    next_index = 0

    async def worker():
        nonlocal next_index
        while next_index < count:
            index = next_index
            next_index += 1
            try:
                failure = await asyncio.wait_for(job(index), STEP_TIMEOUT)
            except (OSError, asyncio.TimeoutError, asyncio.IncompleteReadError) as err:
                failure = f"{type(err).__name__}: {err}"
            if failure:
                failures[failure] = failures.get(failure, 0) + 1

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return failures


async def settle(port, timeout):
    """Waits until every teardown has run and the spool is empty; returns the stats and the wait."""
    started = time.perf_counter()
    while True:
        current = await stats(port)
        done = (
            current["finished"] == current["started"]
            and current["open_spool_files"] == 0
            and current["spool_entries"] == 0
        )
        waited = time.perf_counter() - started
        if done or waited > timeout:
            return current, waited, done
        await asyncio.sleep(0.05)


def shape_of(index, shapes=SHAPES):
    """The i-th fault's shape, and whether it closes with an RST: every fourth of each shape does."""
    return shapes[index % len(shapes)], (index // len(shapes)) % 4 == 3


def describe_routes(before, after):
    """Per route: teardowns started and finished between two readings, and what they saw."""
    lines = []
    for route in ("json_body", "upload", "stream"):
        b, a = before["routes"][route], after["routes"][route]
        failures = {kind: count - b["failures"].get(kind, 0) for kind, count in a["failures"].items()}
        failures = {kind: count for kind, count in failures.items() if count}
        finished = a["finished"] - b["finished"]
        seen = [f"ok {finished - sum(failures.values()):,}"] + [f"{kind} {count:,}" for kind, count in failures.items()]
        lines.append(f"  {route:9}: started {a['started'] - b['started']:,}, finished {finished:,} "
                     f"(outcome {', '.join(seen)})")
    return lines


class Sampler:
    """Reads /stats every 0.2 s while a round runs: the most spool files open
    at once and the most requests between setup and teardown, so the report
    shows that the faults did reach the spool and the teardowns."""

    def __init__(self, port):
        self.port = port
        self.open_spool_files = 0
        self.in_flight = 0
        self.rss_kib = 0
        self.heap_in_use_kib = 0
        self.threads = 0
        self.task = asyncio.create_task(self.sample())

    async def sample(self):
        while True:
            current = await stats(self.port)
            self.open_spool_files = max(self.open_spool_files, current["open_spool_files"])
            self.in_flight = max(self.in_flight, current["started"] - current["finished"])
            self.rss_kib = max(self.rss_kib, current["rss_kib"])
            self.heap_in_use_kib = max(self.heap_in_use_kib, current["heap_in_use_kib"] or 0)
            self.threads = max(self.threads, current["threads"])
            await asyncio.sleep(0.2)

    def peaks(self):
        heap = f", malloc {self.heap_in_use_kib:,} KiB in use" if self.heap_in_use_kib else ""
        return f"RSS {self.rss_kib:,} KiB{heap}, {self.threads} threads"

    async def stop(self):
        self.task.cancel()
        await asyncio.gather(self.task, return_exceptions=True)


def memory(reading):
    heap = ""
    if reading["heap_in_use_kib"] is not None:
        heap = f", malloc: {reading['heap_in_use_kib']:,} KiB in use, {reading['heap_held_kib']:,} KiB held"
    return f"RSS {reading['rss_kib']:,} KiB{heap}, {reading['threads']} threads"


async def run(args, port):
    problems = []
    rng = random.Random(args.seed)
    began = time.perf_counter()

    kinds = ("json_body", "upload", "stream")
    sampler = Sampler(port)
    failures = await in_parallel(
        args.warmup * len(kinds), args.concurrency, lambda i: complete(port, kinds[i % len(kinds)])
    )
    if args.warmup_faults:
        # The faults reach a higher peak than complete requests do (clients
        # leave at once, so more requests are being torn down at a time), and
        # malloc keeps the pages of a peak: the first round lifts RSS once,
        # by about that difference. Faults here move that step before the
        # baseline, as far as their own peak reaches.
        more = await in_parallel(
            args.warmup_faults, args.concurrency, lambda i: fault(port, *shape_of(i, args.shapes), rng)
        )
        for message, count in more.items():
            failures[message] = failures.get(message, 0) + count
    await sampler.stop()
    if failures:
        problems.append(f"warm-up: {failures}")
    warm, _, settled = await settle(port, args.settle_timeout)
    if not settled:
        problems.append(f"after the warm-up, the server did not settle: {warm}")
    await asyncio.sleep(args.idle)
    baseline = await stats(port, args.trim)
    print(f"warm-up: {args.warmup:,} complete requests of each kind and {args.warmup_faults:,} faults "
          f"in {time.perf_counter() - began:.1f} s; "
          f"peaks: {sampler.peaks()}", flush=True)
    print(f"baseline{' (after malloc_trim)' if args.trim else ''}: {memory(baseline)}", flush=True)

    previous, first = baseline, None
    for round_number in range(1, args.rounds + 1):
        made = {(shape, rst): 0 for shape in SHAPES for rst in (False, True)}

        async def one(index):
            shape, rst = shape_of(index, args.shapes)
            failure = await fault(port, shape, rst, rng)
            if failure is None:
                made[(shape, rst)] += 1
            return failure

        started = time.perf_counter()
        sampler = Sampler(port)
        failures = await in_parallel(args.faults, args.concurrency, one)
        elapsed = time.perf_counter() - started
        await sampler.stop()
        after, waited, settled = await settle(port, args.settle_timeout)
        await asyncio.sleep(args.idle)
        idle = await stats(port, args.trim)
        first = first or idle
        total = sum(made.values())

        print(f"round {round_number}: {total:,} faults in {elapsed:.1f} s ({total / elapsed:,.0f}/s), "
              f"{args.concurrency} at a time")
        for shape in args.shapes:
            print(f"  {shape:12}: {made[(shape, False)] + made[(shape, True)]:,} "
                  f"({made[(shape, True)]:,} of them closed with an RST)")
        if failures:
            print(f"  not made as planned: {failures}")
            problems.append(f"round {round_number}: {sum(failures.values())} faults not made: {failures}")
        print(f"  teardowns: started {after['started'] - previous['started']:,}, "
              f"finished {after['finished'] - previous['finished']:,} "
              f"(since start {after['started']:,} / {after['finished']:,}); at most {sampler.in_flight} "
              f"in flight; {'all finished' if settled else 'NOT settled'} {waited:.2f} s after the last fault")
        for line in describe_routes(previous, after):
            print(line)
        print(f"  peaks during the round: {sampler.peaks()}")
        print(f"  spool: at most {sampler.open_spool_files} files open during the round; "
              f"after it {after['open_spool_files']} open, {after['spool_entries']} entries")
        growth = idle["rss_kib"] - baseline["rss_kib"]
        trimmed = " and malloc_trim" if args.trim else ""
        print(f"  after {args.idle:g} s idle{trimmed}: {memory(idle)}; RSS {growth:+,} KiB over the baseline", end="")
        if idle is first:
            print(flush=True)
        else:
            heap = "" if idle["heap_in_use_kib"] is None else (
                f", in use {idle['heap_in_use_kib'] - first['heap_in_use_kib']:+,} KiB")
            print(f"; over round 1: RSS {idle['rss_kib'] - first['rss_kib']:+,} KiB{heap}", flush=True)

        if after["started"] != after["finished"]:
            problems.append(f"round {round_number}: {after['started'] - after['finished']} teardowns missing")
        if after["open_spool_files"] or after["spool_entries"]:
            problems.append(f"round {round_number}: {after['open_spool_files']} spool files open, "
                            f"{after['spool_entries']} entries left")
        for shape in args.shapes:
            route = ROUTE_OF[shape]
            reached = after["routes"][route]["started"] - previous["routes"][route]["started"]
            shaped = made[(shape, False)] + made[(shape, True)]
            if reached < shaped:
                problems.append(f"round {round_number}: {shaped - reached} {shape} faults never reached the route")
        if growth > args.rss_tolerance_kib:
            problems.append(f"round {round_number}: RSS {growth:,} KiB over the baseline "
                            f"(tolerance {args.rss_tolerance_kib:,} KiB)")
        if idle is not first and idle["rss_kib"] - first["rss_kib"] > args.round_tolerance_kib:
            problems.append(f"round {round_number}: RSS {idle['rss_kib'] - first['rss_kib']:,} KiB over round 1 "
                            f"(tolerance {args.round_tolerance_kib:,} KiB)")
        heap_growth = (idle["heap_in_use_kib"] or 0) - (first["heap_in_use_kib"] or 0)
        if idle is not first and heap_growth > args.heap_tolerance_kib:
            problems.append(f"round {round_number}: malloc's bytes in use {heap_growth:,} KiB over round 1 "
                            f"(tolerance {args.heap_tolerance_kib:,} KiB)")
        previous = idle

    print(f"total time: {time.perf_counter() - began:.1f} s")
    return problems


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--faults", type=int, default=100_000, help="faults per round (default 100,000)")
    parser.add_argument("--rounds", type=int, default=2, help="rounds of faults (default 2)")
    parser.add_argument("--concurrency", type=int, default=64, help="sockets at a time (default 64)")
    parser.add_argument("--warmup", type=int, default=3000, help="complete requests of each kind first (default 3,000)")
    parser.add_argument("--warmup-faults", type=int, default=0,
                        help="faults after the complete requests, before the baseline (default none)")
    parser.add_argument("--idle", type=float, default=12, help="seconds the server sits idle before each RSS "
                        "reading (default 12: the runtime's idle blocking threads exit after 10)")
    parser.add_argument("--settle-timeout", type=float, default=60,
                        help="seconds to wait for the teardowns and the spool (default 60)")
    parser.add_argument("--rss-tolerance-kib", type=int, default=6144,
                        help="allowed RSS growth over the baseline after a round (default 6,144 KiB: malloc "
                        "keeps the pages of the faults' peak, which was up to 4.5 MiB above the baseline here)")
    parser.add_argument("--round-tolerance-kib", type=int, default=2048,
                        help="allowed RSS growth of a later round over round 1 (default 2,048 KiB: RSS after a "
                        "round follows that round's peak, which moved it by up to 1.3 MiB over ten rounds here)")
    parser.add_argument("--heap-tolerance-kib", type=int, default=256,
                        help="allowed growth of malloc's bytes in use, a later round over round 1 (default 256 KiB)")
    parser.add_argument("--trim", action="store_true", help="have malloc give its free pages back "
                        "(malloc_trim) before each RSS reading, the baseline's included")
    parser.add_argument("--shapes", type=lambda text: tuple(text.split(",")), default=SHAPES,
                        help="the fault shapes to cycle through, comma-separated (default: all three)")
    parser.add_argument("--seed", type=int, default=1, help="where each body is cut (default 1)")
    parser.add_argument("--no-build", action="store_true", help="use the binary already built")
    parser.add_argument("--server", help="run this executable instead of building one (a wrapper that runs "
                        "target/release/faults under strace, say)")
    args = parser.parse_args()
    unknown = set(args.shapes) - set(SHAPES)
    if unknown:
        parser.error(f"unknown shapes {sorted(unknown)}: choose from {', '.join(SHAPES)}")

    if args.server:
        executable = args.server
    elif args.no_build:
        executable = os.path.join(ROOT, "target", "release", "faults")
    else:
        executable = build()
    spool = tempfile.mkdtemp(prefix="brisk-faults-")
    port = free_port()
    server = start(executable, port, spool)
    try:
        problems = asyncio.run(run(args, port))
    finally:
        server.terminate()
        errors = server.communicate(timeout=30)[1].decode(errors="replace")
        shutil.rmtree(spool, ignore_errors=True)
    if errors.strip():
        print("server stderr:", errors.strip()[-2000:])
    if problems:
        print("FAILED:")
        for problem in problems:
            print(" ", problem)
        sys.exit(1)
    print(f"OK: every teardown ran, no spool file remains; RSS within {args.rss_tolerance_kib:,} KiB of the "
          f"baseline after every round, and later rounds within {args.round_tolerance_kib:,} KiB of round 1's RSS "
          f"and {args.heap_tolerance_kib:,} KiB of its bytes in use")


if __name__ == "__main__":
    main()
