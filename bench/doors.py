"""What the door benchmarks (``bench/grpc_door.py``, ``bench/graphql_door.py``) share: their
rows, their table, their options, and running one against a petstore server and cleaning up.
Each measures a door's reads beside REST's twins in one server process, in one invocation."""

from __future__ import annotations

import argparse
import asyncio
import shutil
import sys
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

if str(Path(__file__).resolve().parent.parent) not in sys.path:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # `import bench.run`

from bench.run import BenchError, Server, sigterm_as_interrupt, stop_server  # after sys.path
from bench.servers import drop_postgres_database

Benchmark = Callable[[argparse.Namespace, Path, list[Server]], list["Row"]]


@dataclass
class Row:
    scenario: str
    requests_per_s: float
    p50_ms: float
    p99_ms: float
    errors: int
    server_cpu: float  # cores

    @property
    def cpu_ms(self) -> float:
        return 1000 * self.server_cpu / self.requests_per_s if self.requests_per_s else 0.0


def table(
    rows: list[Row],
    twins: Sequence[tuple[str, str]],
    goal: float,
    title: str,
) -> str:
    """Every row against the hello-world baseline, then each door's read against REST's."""
    baseline = sum(r.requests_per_s for r in rows if r.scenario == "hello") / 2
    header = (
        f"{'scenario':<16} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'cpu ms/req':>11} "
        f"{'vs hello':>9} errors"
    )
    lines = [header, "-" * len(header)]
    for r in rows:
        lines.append(
            f"{r.scenario:<16} {r.requests_per_s:>9,.0f} {r.p50_ms:>8.2f} {r.p99_ms:>8.2f} "
            f"{r.cpu_ms:>11.3f} {r.requests_per_s / baseline:>9.3f} {r.errors}"
        )
    by_name = {r.scenario: r for r in rows}
    lines += [
        "",
        f"{title:<16} {'req/s':>9} {'cpu/req':>8}  goal: cpu/req <= {goal:.1f}",
    ]
    for door_name, rest_name in twins:
        g, r = by_name[door_name], by_name[rest_name]
        cpu = g.cpu_ms / r.cpu_ms if r.cpu_ms else 0.0
        verdict = "PASS" if cpu <= goal else "MISS"
        lines.append(
            f"{door_name:<16} {g.requests_per_s / r.requests_per_s:>9.2f} {cpu:>8.2f}  {verdict}"
        )
    return "\n".join(lines)


def door_arguments(description: str | None) -> argparse.ArgumentParser:
    """The options every door benchmark takes; a door adds its own to the parser."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--duration", type=int, default=8, help="seconds per measured run")
    parser.add_argument("--warmup", type=int, default=2, help="seconds of warm-up per run")
    parser.add_argument("--connections", type=int, default=32, help="wrk connections")
    parser.add_argument("--pets", type=int, default=2_000, help="pets to seed")
    parser.add_argument("--postgres", default=None, help="a postgresql+asyncpg:// admin URL")
    parser.add_argument("--wait-idle", type=float, default=20.0, help="see bench/run.py")
    return parser


def run_door_bench(
    args: argparse.Namespace,
    benchmark: Benchmark,
    twins: Sequence[tuple[str, str]],
    goal: float,
    title: str,
) -> int:
    """Run ``benchmark``, stop its servers and drop its database whatever happens, print the
    table. Exit status: 0 when every run was clean, 2 when one had errors, 1 on a failed
    set-up, 130 when interrupted."""
    tmp = Path(tempfile.mkdtemp(prefix="petstore-door-bench-"))
    running: list[Server] = []
    try:
        with sigterm_as_interrupt():
            rows = benchmark(args, tmp, running)
    except BenchError as exc:
        print(f"\nbenchmark failed: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    finally:
        for server in list(running):
            stop_server(server)
        if args.postgres:
            asyncio.run(drop_postgres_database(args.postgres))
        shutil.rmtree(tmp, ignore_errors=True)
    database = "PostgreSQL" if args.postgres else "SQLite"
    print(f"\none petstore process (1 worker) serving both doors; database: {database}")
    print(table(rows, twins, goal, title))
    return 2 if any(r.errors for r in rows) else 0
