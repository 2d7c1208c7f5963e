#!/usr/bin/env python3
"""Compile time: the same 50-route app in brisk and in axum, rebuilt after a
one-line change.

    python3 benches/rebuild.py [--routes N] [--rounds R] [--kinds brisk,axum,...] [--baseline DIR]
                                [--rebuild-only] [--units] [--link] [--phases]
                                [--optimized-macros] [--keep]

Generates two crates under target/rebuild/ (each its own workspace, sharing
one target directory so their common dependencies build once): N paths,
each with a GET (path parameter, a query parameter bounded 1..=100, a
dependency that reads a bearer token, a JSON response) and a POST (the
dependency and a JSON body validated with `validator`), 2N handlers in all.
brisk writes it the way its README teaches; axum the way its documentation
does, with the bound checked and the body validated by hand, and the
dependency as a `FromRequestParts` extractor. The axum app is built three
ways, as its own crate each: with the fewest features it compiles with
(`axum`), with the defaults its documentation's `axum = "0.8"` gives
(`axum-defaults`), and with the defaults plus what brisk serves out of the
box (`axum-matched`: HTTP/2, WebSockets, multipart). The brisk app is built
with brisk's default features (`brisk`) and with none (`brisk-lean`, which
this app, using no WebSockets, uploads, files or gzip, compiles with: the
counterpart of `axum`). `brisk-git` and `brisk-lean-git` are those two
with brisk as a git dependency on this checkout's HEAD (committed changes
only): built as a crate from a registry is, and as axum is, without
incremental compilation and so in rustc's default 16 codegen units, where a
path dependency gets one or two per module. They are how an app that takes
brisk from crates.io builds it.

It builds them all once (debug, the edit-compile loop), then times, over R
paired rounds in alternating order: the incremental rebuild after changing
one string literal in one handler, and the app crate built from scratch
after `cargo clean -p` (its dependencies' outputs are kept). Prints medians
and ranges, of the wall clock and of the CPU time cargo and its children
used (which a busy neighbour on a shared machine moves less). Nothing else
should run on the machine while it measures.

`--baseline DIR` adds the same brisk app built against another checkout's
framework (`git worktree add /tmp/base <commit>`), timed in the same paired
rounds: a before-and-after of a change to brisk, in one sitting. With
`brisk-lean` among the kinds, the lean app is built against DIR too
(`brisk-lean-baseline`).

`--rebuild-only` skips the builds from scratch: a round is then a few
seconds per app, and 30 rounds resolve differences of a few percent that
this machine's noise hides in five.

`--units` then lists, for each app, the codegen units the one-line change
made the compiler build again, with their object sizes: it rebuilds once
with `-Z human-readable-cgu-names` (through RUSTC_BOOTSTRAP, so stable
toolchains take it) and compares the incremental session's object files
before and after the edit. An object file the edit left alone keeps its
inode, since the session links it from the one before.

`--optimized-macros` adds `[profile.dev.build-override] opt-level = 3` to
every app's manifest: the proc macros (and syn, quote, proc-macro2 under
them) optimized, which costs the first build and speeds up every
expansion after it. Without it, Cargo builds them at opt-level 0.

`--phases` then times rustc's passes (`-Z time-passes`, through
RUSTC_BOOTSTRAP) over 2×R more alternating one-line rebuilds, and prints
each pass's median per app: which part of the compiler a difference is
in (the passes nest and overlap, so they do not add up to the total).

`--link` then times each app's link alone, the command rustc ran saved
with its inputs (`-C save-temps`), over 4×R alternating rounds, with the
debug info and without (`-Wl,--strip-debug`): the part of every rebuild
that does not depend on the edit, with little of a whole build's noise.
"""

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
WORK = os.path.join(ROOT, "target", "rebuild")
TARGET = os.path.join(WORK, "target")

MANIFEST = """[package]
name = "{name}"
version = "0.1.0"
edition = "2024"
publish = false

# Not a member of the brisk workspace that holds target/.
[workspace]

[dependencies]
{framework}
serde = {{ version = "1", features = ["derive"] }}
serde_json = "1"
validator = {{ version = "0.20", features = ["derive"] }}
tokio = {{ version = "1", features = ["rt-multi-thread", "net", "macros"] }}
"""

BRISK_HEAD = """use brisk::prelude::*;
use serde_json::{Value, json};
use validator::Validate;

#[derive(Clone)]
pub struct User {
    pub name: String,
}

#[depends]
async fn current_user(#[header] authorization: Option<String>) -> Result<User, HttpError> {
    match authorization.as_deref().and_then(|value| value.strip_prefix("Bearer ")) {
        Some(token) => Ok(User { name: token.to_owned() }),
        None => Err(HttpError::unauthorized("Invalid credentials")),
    }
}
"""

BRISK_ROUTE = """
#[derive(Deserialize, Validate)]
pub struct Item{i} {{
    #[validate(length(min = 1, max = 50))]
    pub name: String,
    #[validate(range(exclusive_min = 0.0))]
    pub price: f64,
}}

#[get("/r{i}/{{id}}")]
async fn read_{i}(
    id: i64,
    #[query(default = 10, ge = 1, le = 100)] limit: u32,
    #[depends(current_user)] user: User,
) -> Json<Value> {{
    Json(json!({{ "route": "{marker}", "id": id, "limit": limit, "user": user.name }}))
}}

#[post("/r{i}", status_code = 201)]
async fn create_{i}(#[body] item: Item{i}, #[depends(current_user)] user: User) -> Json<Value> {{
    Json(json!({{ "route": {i}, "name": item.name, "price": item.price, "user": user.name }}))
}}
"""

BRISK_MAIN = """
#[tokio::main]
async fn main() -> Result<(), brisk::Error> {{
    App::new().routes(routes![{names}]).serve("127.0.0.1:8000").await
}}
"""

AXUM_HEAD = """use axum::extract::{FromRequestParts, Path, Query};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::json;
use validator::Validate;

fn detail(status: StatusCode, message: String) -> Response {
    (status, Json(json!({ "detail": message }))).into_response()
}

pub struct CurrentUser(pub String);

impl<S: Send + Sync> FromRequestParts<S> for CurrentUser {
    type Rejection = Response;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Response> {
        parts
            .headers
            .get("authorization")
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.strip_prefix("Bearer "))
            .map(|token| CurrentUser(token.to_owned()))
            .ok_or_else(|| detail(StatusCode::UNAUTHORIZED, "Invalid credentials".to_owned()))
    }
}

#[derive(Deserialize)]
pub struct Pagination {
    pub limit: Option<u32>,
}
"""

AXUM_ROUTE = """
#[derive(Deserialize, Validate)]
pub struct Item{i} {{
    #[validate(length(min = 1, max = 50))]
    pub name: String,
    #[validate(range(exclusive_min = 0.0))]
    pub price: f64,
}}

async fn read_{i}(Path(id): Path<i64>, Query(page): Query<Pagination>, CurrentUser(user): CurrentUser) -> Response {{
    let limit = page.limit.unwrap_or(10);
    if !(1..=100).contains(&limit) {{
        return detail(StatusCode::UNPROCESSABLE_ENTITY, "limit must be in 1..=100".to_owned());
    }}
    Json(json!({{ "route": "{marker}", "id": id, "limit": limit, "user": user }})).into_response()
}}

async fn create_{i}(CurrentUser(user): CurrentUser, Json(item): Json<Item{i}>) -> Response {{
    if let Err(errors) = item.validate() {{
        return detail(StatusCode::UNPROCESSABLE_ENTITY, errors.to_string());
    }}
    (StatusCode::CREATED, Json(json!({{ "route": {i}, "name": item.name, "price": item.price, "user": user }})))
        .into_response()
}}
"""

AXUM_MAIN = """
#[tokio::main]
async fn main() -> std::io::Result<()> {{
    let app = Router::new(){routes};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:8000").await?;
    axum::serve(listener, app).await
}}
"""


# The axum app's manifests: the same code, three feature sets.
AXUM_FEATURES = {
    "axum": 'axum = { version = "0.8", default-features = false, features = ["http1", "json", "query", "tokio"] }',
    "axum-defaults": 'axum = "0.8"',
    "axum-matched": 'axum = { version = "0.8", features = ["http2", "ws", "multipart"] }',
}
KINDS = ["brisk", "brisk-lean", "brisk-git", "brisk-lean-git", *AXUM_FEATURES]


def source(kind, routes, marker):
    """The app's main.rs; `marker` is the literal the one-line change edits."""
    if kind.startswith("brisk"):
        parts = [BRISK_HEAD]
        parts += [BRISK_ROUTE.format(i=i, marker=marker if i == 0 else "r") for i in range(routes)]
        names = ", ".join(f"read_{i}, create_{i}" for i in range(routes))
        parts.append(BRISK_MAIN.format(names=names))
    else:
        parts = [AXUM_HEAD]
        parts += [AXUM_ROUTE.format(i=i, marker=marker if i == 0 else "r") for i in range(routes)]
        table = "".join(
            f'\n        .route("/r{i}/{{id}}", get(read_{i}))\n        .route("/r{i}", post(create_{i}))'
            for i in range(routes)
        )
        parts.append(AXUM_MAIN.format(routes=table))
    return "".join(parts)


# `--optimized-macros`: what `cargo` builds for the host (proc macros and
# their syn, quote and proc-macro2; build scripts) optimized, in every app
# alike. Cargo builds them at opt-level 0 in the dev profile.
OPTIMIZED_MACROS = """
[profile.dev.build-override]
opt-level = 3
"""


def generate(kind, routes, baseline=None, optimized_macros=False):
    crate = os.path.join(WORK, kind)
    os.makedirs(os.path.join(crate, "src"), exist_ok=True)
    if kind == "brisk":
        framework = f'brisk = {{ path = "{os.path.join(ROOT, "framework")}" }}'
    elif kind == "brisk-lean":
        # The fewest features the app compiles with, as for `axum`.
        framework = f'brisk = {{ path = "{os.path.join(ROOT, "framework")}", default-features = false }}'
    elif kind in ("brisk-git", "brisk-lean-git"):
        # As a crate from a registry is built: not incremental, so in rustc's
        # default 16 codegen units rather than one per module (axum comes
        # that way). Cargo builds a git dependency alike; this one is HEAD's
        # framework, committed changes only.
        lean = ", default-features = false" if kind == "brisk-lean-git" else ""
        framework = f'brisk = {{ git = "file://{ROOT}"{lean} }}'
    elif kind in ("brisk-baseline", "brisk-lean-baseline"):
        lean = ", default-features = false" if kind == "brisk-lean-baseline" else ""
        framework = f'brisk = {{ path = "{os.path.join(os.path.abspath(baseline), "framework")}"{lean} }}'
    else:
        framework = AXUM_FEATURES[kind]
    with open(os.path.join(crate, "Cargo.toml"), "w") as out:
        out.write(MANIFEST.format(name=f"rebuild-{kind}", framework=framework))
        if optimized_macros:
            out.write(OPTIMIZED_MACROS)
    write_main(kind, routes, "v0")
    return crate


def write_main(kind, routes, marker):
    with open(os.path.join(WORK, kind, "src", "main.rs"), "w") as out:
        out.write(source(kind, routes, marker))


def cpu_seconds():
    """User and system time of every finished child process so far."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def cargo(kind, *args):
    """Runs cargo in the app's crate; returns the wall-clock seconds and the
    CPU seconds of cargo and everything it ran (rustc, the linker), which
    another tenant of the machine moves less than the wall clock."""
    env = dict(os.environ, CARGO_TARGET_DIR=TARGET)
    started = time.perf_counter()
    cpu = cpu_seconds()
    done = subprocess.run(
        ["cargo", *args, "--quiet"],
        cwd=os.path.join(WORK, kind),
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    elapsed = time.perf_counter() - started, cpu_seconds() - cpu
    if done.returncode != 0:
        sys.exit(f"cargo {' '.join(args)} failed for {kind}:\n{done.stderr}")
    return elapsed


def rustc(kind, *flags):
    """Builds the app with `flags` given to rustc for its crate alone
    (`cargo rustc`); RUSTC_BOOTSTRAP lets a stable toolchain take `-Z`
    flags. Returns rustc's (stdout, stderr)."""
    done = subprocess.run(
        ["cargo", "rustc", "--quiet", "--", *flags],
        cwd=os.path.join(WORK, kind),
        env=dict(os.environ, CARGO_TARGET_DIR=TARGET, RUSTC_BOOTSTRAP="1"),
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout, done.stderr


def units(kind, routes):
    """The codegen units the one-line change rebuilds: [(name, bytes)]."""

    def build():
        rustc(kind, "-Zhuman-readable-cgu-names")

    def objects():
        prefix = "rebuild_" + kind.replace("-", "_") + "-"
        incremental = os.path.join(TARGET, "debug", "incremental")
        sessions = [
            os.path.join(incremental, crate_dir, session)
            for crate_dir in os.listdir(incremental)
            if crate_dir.startswith(prefix)
            for session in os.listdir(os.path.join(incremental, crate_dir))
            if session.startswith("s-") and not session.endswith(".lock")
        ]
        newest = max(sessions, key=os.path.getmtime)
        found = {}
        for name in os.listdir(newest):
            if name.endswith(".o"):
                info = os.stat(os.path.join(newest, name))
                found[name] = (info.st_ino, info.st_size)
        return found

    # Twice: the first build after a change of flags ignores the cache.
    write_main(kind, routes, "u0")
    build()
    write_main(kind, routes, "u1")
    build()
    before = objects()
    write_main(kind, routes, "u2")
    build()
    after = objects()
    return sorted(
        ((name, size) for name, (inode, size) in after.items() if before.get(name, (None,))[0] != inode),
        key=lambda unit: -unit[1],
    ), len(after)


def link_command(kind):
    """The app's link, as the shell command rustc ran, with its inputs kept.

    `-C save-temps` keeps the object files rustc otherwise deletes once the
    binary is written (and `symbols.o`), so the command can be run again.
    """
    stdout, _ = rustc(kind, "-C", "save-temps", "--print", "link-args")
    return stdout.strip().splitlines()[-1]


# `--phases`: the passes of `-Z time-passes` worth comparing, as rustc
# names them, and what each is.
PHASES = [
    ("parse_crate", "parsing"),
    ("expand_crate", "expansion, the macros' runs included"),
    ("resolve_crate", "name resolution"),
    ("misc_checking_1", "early checks"),
    ("coherence_checking", "coherence"),
    ("type_check_crate", "type checking"),
    ("MIR_borrow_checking", "borrow checking"),
    ("misc_checking_3", "module lints, privacy and later checks"),
    ("serialize_dep_graph", "saving the incremental state"),
    ("codegen_crate", "codegen to LLVM IR"),
    ("LLVM_passes", "LLVM on the rebuilt units"),
    ("link", "the link"),
    ("total", "rustc in all"),
]


def phases(kinds, routes, rounds):
    """rustc's passes (`-Z time-passes`, through RUSTC_BOOTSTRAP so stable
    toolchains take it) over `rounds` alternating one-line rebuilds: which
    part of the compiler a difference between the apps is in."""
    seconds = {kind: {name: [] for name, _ in PHASES} for kind in kinds}
    # The first round builds with the new flag, and is not counted.
    for round_ in range(rounds + 1):
        order = kinds if round_ % 2 == 0 else kinds[::-1]
        for kind in order:
            write_main(kind, routes, f"p{round_}")
            _, stderr = rustc(kind, "-Z", "time-passes")
            passes = {}
            for line in stderr.splitlines():
                # time:   0.046; rss:   37MB ->   63MB (  +26MB)\tparse_crate
                if line.startswith("time:") and "\t" in line:
                    name = line.rsplit("\t", 1)[1].strip()
                    passes[name] = passes.get(name, 0.0) + float(line.split()[1].rstrip(";"))
            if round_ > 0:
                for name, _ in PHASES:
                    seconds[kind][name].append(passes.get(name, 0.0))
    return seconds


def links(kinds, rounds):
    """Each app's link alone, run `rounds` times in alternating order, with
    the debug info linked and without (`-Wl,--strip-debug`): the fixed part
    of every rebuild, measured with far less noise than a whole build."""
    commands = {}
    for kind in kinds:
        command = link_command(kind)
        commands[kind] = command
        commands[kind + " (no debug info)"] = command.replace('"cc" ', '"cc" "-Wl,--strip-debug" ', 1)
    times = {name: [] for name in commands}
    for round_ in range(rounds):
        order = list(commands) if round_ % 2 == 0 else list(commands)[::-1]
        for name in order:
            started = time.perf_counter()
            subprocess.run(["sh", "-c", commands[name]], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
            times[name].append(time.perf_counter() - started)
    return times


def summary(values):
    return f"{statistics.median(values):.2f} s ({min(values):.2f}–{max(values):.2f})"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--routes", type=int, default=50, help="paths, each with a GET and a POST (default 50)")
    parser.add_argument("--rounds", type=int, default=5, help="paired rounds (default 5)")
    parser.add_argument("--keep", action="store_true", help="keep target/rebuild afterwards")
    parser.add_argument("--units", action="store_true", help="then list the codegen units the change rebuilds")
    parser.add_argument(
        "--kinds", default=",".join(KINDS), help=f"comma-separated, brisk first (default {','.join(KINDS)})"
    )
    parser.add_argument("--baseline", metavar="DIR", help="also time the brisk app against DIR's framework")
    parser.add_argument(
        "--rebuild-only",
        action="store_true",
        help="time only the one-line rebuild, so that many rounds fit in a few minutes",
    )
    parser.add_argument("--link", action="store_true", help="then time each app's link alone, in 4×R rounds")
    parser.add_argument(
        "--phases", action="store_true", help="then time rustc's passes over 2×R more one-line rebuilds"
    )
    parser.add_argument(
        "--optimized-macros",
        action="store_true",
        help="build every app's proc macros and build scripts at opt-level 3 ([profile.dev.build-override])",
    )
    args = parser.parse_args()

    kinds = args.kinds.split(",")
    if kinds[0] != "brisk" or any(kind not in KINDS for kind in kinds):
        parser.error(f"--kinds: brisk first, then any of {', '.join(KINDS[1:])}")
    if args.baseline:
        if not os.path.isdir(os.path.join(args.baseline, "framework")):
            parser.error(f"--baseline: {args.baseline} holds no framework/")
        kinds.insert(1, "brisk-baseline")
        if "brisk-lean" in kinds:
            kinds.insert(kinds.index("brisk-lean") + 1, "brisk-lean-baseline")
    for kind in kinds:
        generate(kind, args.routes, args.baseline, args.optimized_macros)
        # Dependencies, then the app once, so every timed build is the app's.
        cargo(kind, "build")

    incremental = {kind: [] for kind in kinds}
    clean = {kind: [] for kind in kinds}
    for round_ in range(args.rounds):
        order = kinds if round_ % 2 == 0 else kinds[::-1]
        for kind in order:
            write_main(kind, args.routes, f"v{round_ + 1}")
            incremental[kind].append(cargo(kind, "build"))
        if args.rebuild_only:
            continue
        for kind in order:
            cargo(kind, "clean", "-p", f"rebuild-{kind}")
            clean[kind].append(cargo(kind, "build"))

    macros = ", proc macros at opt-level 3" if args.optimized_macros else ""
    print(f"{2 * args.routes} handlers on {args.routes} paths, debug build{macros}, {args.rounds} paired rounds")
    headers = [*kinds, *(f"brisk/{kind}" for kind in kinds[1:])]
    for other in ("brisk-lean", "brisk-lean-baseline", "brisk-git", "brisk-lean-git"):
        if other in kinds:
            headers += [f"{other}/{kind}" for kind in kinds if not kind.startswith("brisk")]
    for clock, which in [("wall clock", 0), ("CPU time", 1)]:
        print(f"{clock}:")
        print("| build | " + " | ".join(headers) + " |")
        print("|---|" + "---:|" * len(headers))
        rows = [("one-line change (incremental)", incremental), ("app crate from scratch", clean)]
        for label, runs in rows[: 1 if args.rebuild_only else 2]:
            times = {kind: [run[which] for run in runs[kind]] for kind in kinds}
            medians = {kind: statistics.median(values) for kind, values in times.items()}
            cells = [summary(times[kind]) for kind in kinds]
            cells += [f"{medians['brisk'] / medians[kind]:.2f}×" for kind in kinds[1:]]
            for other in ("brisk-lean", "brisk-lean-baseline", "brisk-git", "brisk-lean-git"):
                if other in kinds:
                    cells += [f"{medians[other] / medians[kind]:.2f}×" for kind in kinds if not kind.startswith("brisk")]
            print(f"| {label} | " + " | ".join(cells) + " |")
    if args.units:
        for kind in kinds:
            rebuilt, total = units(kind, args.routes)
            size = sum(bytes_ for _, bytes_ in rebuilt)
            print(f"{kind}: the change rebuilds {len(rebuilt)} of {total} codegen units, {size / 1e6:.2f} MB of objects")
            for name, bytes_ in rebuilt:
                print(f"  {bytes_ / 1e6:8.2f} MB  {name}")
    if args.link:
        times = links(kinds, 4 * args.rounds)
        print(f"the link alone, {4 * args.rounds} alternating rounds")
        print("| link | median | range |")
        print("|---|---:|---:|")
        for name, values in times.items():
            print(f"| {name} | {statistics.median(values):.3f} s | {min(values):.3f}–{max(values):.3f} s |")
    if args.phases:
        seconds = phases(kinds, args.routes, 2 * args.rounds)
        print(f"rustc's passes (-Z time-passes), medians of {2 * args.rounds} alternating one-line rebuilds")
        print("| pass | " + " | ".join(kinds) + " |")
        print("|---|" + "---:|" * len(kinds))
        for name, meaning in PHASES:
            cells = [f"{statistics.median(seconds[kind][name]):.3f} s" for kind in kinds]
            print(f"| {meaning} (`{name}`) | " + " | ".join(cells) + " |")
    if not args.keep:
        shutil.rmtree(WORK, ignore_errors=True)


if __name__ == "__main__":
    main()
