#!/usr/bin/env python3
"""Cache lines one request touches: code executed and data read or written.

    python3 benches/footprint.py [--requests N] [--servers S,S] [--top N] [endpoint-or-path ...]

Endpoints are named as in benches/instructions.py. Runs each release server
under `valgrind --tool=lackey --trace-mem=yes`, sends N requests over one
keep-alive connection, and cuts the trace at each call of the libc
function that writes the responses (`writev` for the hyper-based servers,
`send` for actix-web: whichever is called once per request). For the
requests after the
first 20 it counts the distinct 64-byte lines of code and of data each one
touches, and prints the medians; with --top, also the functions of the
server's own binary whose code takes the most lines. A CPU's L1 caches hold 32 KiB (512 lines)
each, and the kernel's share of a request evicts much of them, so every
line a request touches beyond that is likely a miss, paid in user time.
Slow (lackey traces every access): a few minutes per server. Builds
nothing, like instructions.py.
"""

import argparse
import bisect
import collections
import os
import re
import statistics
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from instructions import request_for, under_valgrind  # noqa: E402

SKIPPED = 20  # warm-up requests left out of the counts


WRITERS = ("writev", "send", "write")


def load_address(pid, path_suffix):
    """(base address, path) of the file mapped at offset 0 whose path ends so."""
    with open(f"/proc/{pid}/maps") as maps:
        for line in maps:
            fields = line.split()
            if len(fields) >= 6 and fields[5].endswith(path_suffix) and int(fields[2], 16) == 0:
                return int(fields[0].split("-")[0], 16), fields[5]
    raise RuntimeError(f"{path_suffix} is not mapped")


def writer_addresses(pid):
    """{name: address} of libc's write functions in the traced process."""
    base, library = load_address(pid, "/libc.so.6")
    symbols = subprocess.run(["nm", "-D", "--defined-only", library], capture_output=True, text=True).stdout
    addresses = {}
    for name in WRITERS:
        found = re.search(rf"^([0-9a-f]+) [TW] {name}(@@\S+)?$", symbols, re.M)
        if found:
            addresses[name] = base + int(found.group(1), 16)
    return addresses


def trace(server, request, count):
    """(lackey trace file, {name: address} of libc's writers, the server's
    load address) for `count` requests."""
    out = tempfile.NamedTemporaryFile(suffix=".lackey", delete=False).name
    tool = ["--tool=lackey", "--trace-mem=yes", f"--log-file={out}"]
    writers, base = under_valgrind(
        server, tool, request, count,
        lambda process: (writer_addresses(process.pid), load_address(process.pid, f"/target/release/{server}")[0]),
    )
    return out, writers, base


class Symbols:
    """Function names of the server's binary, by address once loaded."""

    def __init__(self, server, base):
        listing = subprocess.run(
            ["nm", "-C", "--defined-only", "-S", os.path.join(ROOT, "target", "release", server)],
            capture_output=True, text=True,
        ).stdout
        entries = []
        for line in listing.splitlines():
            parts = line.split(" ", 3)
            if len(parts) == 4 and parts[2] in "tTwW":
                entries.append((base + int(parts[0], 16), int(parts[1], 16), parts[3]))
        entries.sort()
        self.starts = [start for start, _, _ in entries]
        self.entries = entries

    def name(self, address):
        index = bisect.bisect_right(self.starts, address) - 1
        if index >= 0:
            start, size, name = self.entries[index]
            if address < start + max(size, 1):
                return name
        return "(shared libraries and unnamed code)"


def response_writer(path, writers, count):
    """The address of the writer called once per request."""
    names = {address: name for name, address in writers.items()}
    calls = dict.fromkeys(writers, 0)
    with open(path) as f:
        for line in f:
            if line.startswith("I  "):
                name = names.get(int(line[3:line.index(",")], 16))
                if name:
                    calls[name] += 1
    for name in WRITERS:
        if name in calls and count <= calls[name] <= count + 2:
            return writers[name]
    raise RuntimeError(f"no libc writer called once per request: {calls}")


def lines_per_request(path, marker, symbols=None):
    """[(code lines, data lines)] for each stretch between two calls of
    `marker`, and with `symbols`, code lines per request by function."""
    requests, code, data, stretches = [], None, None, []
    with open(path) as f:
        for line in f:
            if line.startswith("I  "):
                address = int(line[3:line.index(",")], 16)
                if address == marker:
                    if code is not None:
                        requests.append((len(code), len(data)))
                        stretches.append(code)
                    code, data = set(), set()
                elif code is not None:
                    code.add(address >> 6)
            elif code is not None and line[:1] == " " and line[1:2] in ("L", "S", "M"):
                data.add(int(line[3:line.index(",")], 16) >> 6)
    # The last stretch runs into shutdown.
    requests, stretches = requests[SKIPPED:-1], stretches[SKIPPED:-1]
    by_function = collections.Counter()
    if symbols and stretches:
        for stretch in stretches:
            by_function.update(symbols.name(line << 6) for line in stretch)
        by_function = collections.Counter({k: v / len(stretches) for k, v in by_function.items()})
    return requests, by_function


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=120)
    parser.add_argument("--servers", default="hyper,brisk", help="comma-separated, e.g. hyper,brisk,axum,actix")
    parser.add_argument("--top", type=int, default=0, help="list the N functions with the most code lines")
    parser.add_argument("endpoints", nargs="*", default=["plaintext"])
    args = parser.parse_args()
    servers = args.servers.split(",")
    print("cache lines (64 bytes) touched per request, median: code / data (lackey)")
    print("| endpoint | " + " | ".join(servers) + " |")
    print("|---|" + "---:|" * len(servers))
    tops = []
    for name in args.endpoints:
        request = request_for(name)
        cells = []
        for server in servers:
            path, writers, base = trace(server, request, args.requests)
            symbols = Symbols(server, base) if args.top else None
            try:
                counts, by_function = lines_per_request(path, response_writer(path, writers, args.requests), symbols)
            finally:
                os.unlink(path)
            tops.append((server, request, by_function))
            code = statistics.median(c for c, _ in counts)
            data = statistics.median(d for _, d in counts)
            cells.append(f"{code:,.0f} / {data:,.0f}")
        print(f"| {request[0]} {request[1]} | " + " | ".join(cells) + " |", flush=True)
    for server, request, by_function in tops if args.top else []:
        print(f"\n{server}, {request[0]} {request[1]}: code lines per request by function")
        for function, lines in by_function.most_common(args.top):
            print(f"{lines:7.1f}  {function[:140]}")


if __name__ == "__main__":
    main()
