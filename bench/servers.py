"""ASGI server comparison: uvicorn (uvloop, httptools) against granian, 1 and 2 workers,
SQLite and PostgreSQL, with ``wrk``.

For every server and worker count, the bare hello-world of ``bench/hello_app.py`` and the
petstore app are served exactly alike, then measured with the machinery of ``bench/run.py``
(warm-up, then ``wrk -t1 -c<connections> -d<duration>s --latency``)::

    hello    GET /hello                     (the framework alone: the server's own cost)
    by_id    GET /v1/pets/{id}              (~1,000 real ids, a random one per request)
    list     GET /v1/pets?limit=20
    raw_by_id, raw_list   the same two reads from ``bench/raw_app.py`` (FastAPI and the bare
             driver, the same SQL and JSON), served right after the petstore on the same
             database: the last table gives the petstore's CPU per request over it

How each server runs the petstore:

``uvicorn``  ``petstore serve --workers N`` (what production runs: uvicorn, uvloop, httptools,
             no access log, no proxy headers, 30 s worker health check);
``granian``  ``granian --interface asgi --loop uvloop --http 1 --no-ws --workers N
             petstore.asgi:app`` (no access log by default; one runtime thread per worker).

The baseline is uvicorn's hello-world with one worker, measured first and again last (their
mean cancels slow drift); every other figure is printed as a ratio of it. SQLite runs with
the read cache on (``PETSTORE_READ_CACHE=true``, the default: repeated pet reads are served
from memory while the database file is unchanged; ``--no-read-cache`` turns it off, for a fair
raw-driver ratio), PostgreSQL with it off (it is SQLite-only).

Each row also gives the server's CPU (all its processes and threads) and requests per
CPU-second: on a machine shared with other work, req/s depends on how much CPU the scheduler
hands the server, while the cost of a request does not.

Run from anywhere; ``bench/servers.sh`` starts a throwaway PostgreSQL (``scripts/postgres.sh``)
and passes its arguments on::

    bash bench/servers.sh [--duration 10] [--workers 1 2] [--json PATH]
    .venv/bin/python bench/servers.py [--postgres postgresql+asyncpg://...]   # by hand

Without ``--postgres`` only SQLite is measured. The bench creates (and drops) a database of its
own on that server, ``petstore_bench_servers``.

Exit status: 0 when every run was clean, 2 when a run had socket errors or non-2xx answers,
1 on a set-up failure.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import shutil
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

if str(Path(__file__).resolve().parent.parent) not in sys.path:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # `import bench.run`

from bench.run import (  # after the sys.path line above (ruff allows that)
    HOST,
    OTHER_CPU_WARNING,
    BenchError,
    CpuSnapshot,
    Server,
    WrkResult,
    collect_pet_ids,
    cpu_split,
    ensure_wrk,
    free_port,
    hello_command,
    log_tail,
    parse_wrk,
    run_cli,
    server_env,
    sigterm_as_interrupt,
    start_server,
    stop_server,
    venv_tool,
    wait_for_idle,
    wait_ready,
    write_lua,
    wrk,
)

SERVERS = ("uvicorn", "granian")
BENCH_DATABASE = "petstore_bench_servers"


@dataclass
class Row:
    server: str
    workers: int
    database: str  # "-" for hello
    scenario: str
    result: WrkResult


BASELINE_APPS = {"hello": "bench.hello_app:app", "raw": "bench.raw_app:app"}
SCENARIOS = (("by_id", "/v1/pets/{id}"), ("list", "/v1/pets?limit=20"))


def server_command(server: str, app: str, port: int, workers: int) -> list[str]:
    """How ``server`` runs ``app`` (``petstore``, ``hello`` or ``raw``) with ``workers``
    processes."""
    if server == "uvicorn":
        if app in BASELINE_APPS:
            return hello_command(port, workers, BASELINE_APPS[app])
        return [
            venv_tool("petstore"),
            "serve",
            "--host",
            HOST,
            "--port",
            str(port),
            "--workers",
            str(workers),
        ]
    return [
        venv_tool("granian"),
        "--interface",
        "asgi",
        "--host",
        HOST,
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--loop",
        "uvloop",
        "--http",
        "1",
        "--no-ws",
        "--log-level",
        "warning",
        BASELINE_APPS.get(app, "petstore.asgi:app"),
    ]


def run_one(
    wrk_path: str, server: Server, path: str, args: argparse.Namespace, script: Path | None
) -> WrkResult:
    """Warm-up, then the measured run; the server's CPU counts all of its worker processes."""
    wait_for_idle(args.wait_idle)
    url = server.base_url + path
    if args.warmup > 0:
        wrk(wrk_path, url, args.connections, args.warmup, script)
    before = CpuSnapshot.take(server.process.pid)
    output = wrk(wrk_path, url, args.connections, args.duration, script)
    after = CpuSnapshot.take(server.process.pid)
    result = parse_wrk(output, server.name, url)
    result.server_cpu, result.wrk_cpu, result.other_cpu = cpu_split(before, after)
    if server.process.poll() is not None:
        raise BenchError(f"{server.name} died during the run:\n{log_tail(server)}")
    return result


def show(row: Row, baseline: float | None) -> None:
    r = row.result
    ratio = f"{r.requests_per_s / baseline:6.3f}" if baseline else "     -"
    flag = "  !!! ERRORS" if r.error_count else ""
    busy = f"  (other CPU {r.other_cpu:.2f})" if r.other_cpu > OTHER_CPU_WARNING else ""
    print(
        f"  {row.server:<8} {row.workers}w {row.database:<10} {row.scenario:<6} "
        f"{r.requests_per_s:>9,.0f} req/s  p50 {r.p50_ms:6.2f}  p99 {r.p99_ms:7.2f} ms  "
        f"ratio {ratio}  CPU server {r.server_cpu:.2f} wrk {r.wrk_cpu:.2f}  "
        f"{per_cpu_second(r):,.0f} req/CPU-s{flag}{busy}",
        flush=True,
    )


async def fresh_postgres_database(url: str) -> str:
    """Drop and create ``BENCH_DATABASE`` on the server of ``url``; its URL."""
    from sqlalchemy import text
    from sqlalchemy.ext.asyncio import create_async_engine

    admin = create_async_engine(url, isolation_level="AUTOCOMMIT")
    async with admin.connect() as conn:
        await conn.execute(text(f'DROP DATABASE IF EXISTS "{BENCH_DATABASE}" WITH (FORCE)'))
        await conn.execute(text(f'CREATE DATABASE "{BENCH_DATABASE}"'))
    await admin.dispose()
    return url.rsplit("/", 1)[0] + f"/{BENCH_DATABASE}"


async def drop_postgres_database(url: str) -> None:
    from sqlalchemy import text
    from sqlalchemy.ext.asyncio import create_async_engine

    admin = create_async_engine(url, isolation_level="AUTOCOMMIT")
    async with admin.connect() as conn:
        await conn.execute(text(f'DROP DATABASE IF EXISTS "{BENCH_DATABASE}" WITH (FORCE)'))
    await admin.dispose()


def benchmark(args: argparse.Namespace, tmp: Path, running: list[Server]) -> list[Row]:
    wrk_path = ensure_wrk()
    petstore = venv_tool("petstore")
    venv_tool("granian")  # fail early when it is not installed (pip install -e '.[dev]')

    databases: dict[str, dict[str, str]] = {}
    sqlite_env = server_env(tmp, read_cache=not args.no_read_cache)
    databases["sqlite"] = sqlite_env
    if args.postgres:
        pg_url = asyncio.run(fresh_postgres_database(args.postgres))
        databases["postgresql"] = {
            **server_env(tmp, read_cache=False),
            "PETSTORE_DATABASE_URL": pg_url,
        }
    for name, env in databases.items():
        print(f"{name}: migrating and seeding {args.pets} pets ...", flush=True)
        run_cli([petstore, "migrate"], env, "migrate")
        run_cli([petstore, "seed", "--pets", str(args.pets)], env, "seed")

    def serve(server: str, app: str, workers: int, env: dict[str, str], ready: str) -> Server:
        port = free_port()
        started = start_server(
            f"{server}-{app}-{workers}w", server_command(server, app, port, workers), env, tmp, port
        )
        running.append(started)
        wait_ready(started, ready)
        return started

    def stop(server: Server) -> None:
        stop_server(server)
        running.remove(server)

    rows: list[Row] = []

    def measure_reads(server: str, workers: int, database: str, env: dict[str, str]) -> list[Row]:
        """The petstore's reads, then the raw-driver app's same reads on the same database
        (``raw_by_id``, ``raw_list``), back to back."""
        lua = tmp / f"by_id.{database}.lua"  # each database has its own ids
        measured = []
        for app, ready, prefix in (
            ("petstore", "/healthz", ""),
            ("raw", "/v1/pets?limit=1", "raw_"),
        ):
            process = serve(server, app, workers, env, ready)
            try:
                if not lua.exists():
                    write_lua(collect_pet_ids(process), lua)
                for scenario, path in SCENARIOS:
                    script = lua if scenario == "by_id" else None
                    result = run_one(wrk_path, process, path, args, script)
                    measured.append(Row(server, workers, database, prefix + scenario, result))
            finally:
                stop(process)
        return measured

    def hello(server: str, workers: int) -> Row:
        process = serve(server, "hello", workers, sqlite_env, "/hello")
        try:
            row = Row(
                server, workers, "-", "hello", run_one(wrk_path, process, "/hello", args, None)
            )
        finally:
            stop(process)
        return row

    first = hello("uvicorn", 1)
    show(first, None)
    rows.append(first)
    # The two servers are measured back to back in each configuration, so that a change in
    # the machine's load between configurations does not decide the comparison.
    for workers in args.workers:
        for server in SERVERS:
            if (server, workers) != ("uvicorn", 1):
                row = hello(server, workers)
                show(row, first.result.requests_per_s)
                rows.append(row)
        for database, env in databases.items():
            for server in SERVERS:
                for row in measure_reads(server, workers, database, env):
                    show(row, first.result.requests_per_s)
                    rows.append(row)
    last = hello("uvicorn", 1)
    show(last, first.result.requests_per_s)
    rows.append(last)
    if args.postgres:
        asyncio.run(drop_postgres_database(args.postgres))
    return rows


def per_cpu_second(result: WrkResult) -> float:
    """Requests per CPU-second of the server (all its processes and threads). On a machine
    shared with other work, req/s depends on how much CPU the scheduler hands the server
    (and a server with more threads gets more of it); this is what each request costs."""
    return result.requests_per_s / result.server_cpu if result.server_cpu else 0.0


def cpu_ms(result: WrkResult) -> float:
    """Server CPU milliseconds per request."""
    per_second = per_cpu_second(result)
    return 1000 / per_second if per_second else 0.0


def raw_ratios(rows: list[Row]) -> str:
    """For each petstore read, its cost over the raw-driver app's same read: the target of
    the performance work is a CPU ratio of 2 or less."""
    raw = {(r.server, r.workers, r.database, r.scenario): r.result for r in rows}
    lines = [
        "| server | workers | database | scenario | req/s petstore / raw | "
        "CPU ms/request petstore / raw | CPU ratio |",
        "| --- | ---: | --- | --- | ---: | ---: | ---: |",
    ]
    for row in rows:
        base = raw.get((row.server, row.workers, row.database, "raw_" + row.scenario))
        if base is None or not cpu_ms(base):
            continue
        r = row.result
        lines.append(
            f"| {row.server} | {row.workers} | {row.database} | {row.scenario} | "
            f"{r.requests_per_s:,.0f} / {base.requests_per_s:,.0f} | "
            f"{cpu_ms(r):.2f} / {cpu_ms(base):.2f} | {cpu_ms(r) / cpu_ms(base):.2f} |"
        )
    return "\n".join(lines)


def table(rows: list[Row], baseline: float) -> str:
    header = (
        "| server | workers | database | scenario | req/s | p50 ms | p99 ms | ratio | "
        "server CPU |\n| --- | ---: | --- | --- | ---: | ---: | ---: | ---: | ---: |"
    )
    lines = [header]
    for row in rows:
        r = row.result
        mark = " (errors)" if r.error_count else ""
        lines.append(
            f"| {row.server} | {row.workers} | {row.database} | {row.scenario}{mark} | "
            f"{r.requests_per_s:,.0f} | {r.p50_ms:.2f} | {r.p99_ms:.2f} | "
            f"{r.requests_per_s / baseline:.3f} | {r.server_cpu:.2f} | "
            f"{per_cpu_second(r):,.0f} |"
        )
    return "\n".join(lines)


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--duration", type=int, default=10, help="seconds per measured run")
    parser.add_argument("--warmup", type=int, default=2, help="seconds of warm-up per run")
    parser.add_argument("--connections", type=int, default=32, help="wrk connections")
    parser.add_argument("--pets", type=int, default=10_000, help="pets to seed")
    parser.add_argument(
        "--workers", type=int, nargs="+", default=[1, 2], help="worker counts to measure"
    )
    parser.add_argument(
        "--postgres",
        default=None,
        help="a postgresql+asyncpg:// URL of a server where the bench may create a database",
    )
    parser.add_argument(
        "--no-read-cache",
        action="store_true",
        help="SQLite without the read cache too (for the raw-driver ratios of issue-style runs)",
    )
    parser.add_argument("--wait-idle", type=float, default=20.0, help="see bench/run.py")
    parser.add_argument("--json", type=Path, default=None, help="also write the results here")
    args = parser.parse_args(argv)
    if args.duration < 1 or args.connections < 1 or args.pets < 1 or args.warmup < 0:
        parser.error("--duration, --connections and --pets must be >= 1, --warmup >= 0")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    tmp = Path(tempfile.mkdtemp(prefix="petstore-servers-"))
    running: list[Server] = []
    try:
        with sigterm_as_interrupt():
            rows = benchmark(args, tmp, running)
    except BenchError as exc:
        print(f"\nbenchmark failed: {exc}", file=sys.stderr)
        for server in running:
            print(f"--- last lines of {server.name}:\n{log_tail(server)}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\ninterrupted; stopping the servers", file=sys.stderr)
        return 130
    finally:
        for server in list(running):
            stop_server(server)
        shutil.rmtree(tmp, ignore_errors=True)

    hellos = [row.result.requests_per_s for row in (rows[0], rows[-1])]
    baseline = sum(hellos) / 2
    drift = abs(hellos[0] - hellos[1]) / baseline
    text = table(rows, baseline)
    print(f"\nbaseline: uvicorn hello-world, 1 worker, mean of two runs: {baseline:,.0f} req/s")
    print(text)
    print("\npetstore against the raw-driver app, same server, workers, database and reads:")
    print(raw_ratios(rows))
    if drift > 0.10:
        print(f"WARNING: the two baseline runs differ by {drift:.0%}: the machine was not steady")
    summary: dict[str, Any] = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform()},
        "versions": {
            name: metadata.version(name) for name in ("uvicorn", "granian", "uvloop", "httptools")
        },
        "settings": {k: str(v) for k, v in vars(args).items() if k != "postgres"},
        "baseline_rps": baseline,
        "baseline_drift": drift,
        "rows": [
            {
                "server": r.server,
                "workers": r.workers,
                "database": r.database,
                "scenario": r.scenario,
                **asdict(r.result),
                "ratio": r.result.requests_per_s / baseline,
            }
            for r in rows
        ],
        "table": text,
    }
    if args.json is not None:
        args.json.write_text(json.dumps(summary, indent=2) + "\n")
        print(f"results written to {args.json}")
    return 2 if any(r.result.error_count for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
