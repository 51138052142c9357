"""gRPC door against REST, in one server process, in one invocation.

One ``petstore serve`` (1 worker) answers both doors on one database; each read is measured
through REST (``wrk``) and through gRPC (a grpc.aio client in a separate process, ``--streams``
calls in flight on one HTTP/2 connection), warm-up first::

    hello           GET /hello of bench/hello_app.py (the framework alone), first and last
    rest_by_id      GET /v1/pets/{id}             grpc_get_pet     PetService/GetPet
    rest_list       GET /v1/pets?limit=20         grpc_list_pets   PetService/ListPets (20)

Every row gives req/s, latency and the server's CPU per request (all its threads): the figure
that does not depend on how much CPU the load generator took from the server on a small machine.
The last table divides gRPC's CPU per request by REST's for the same read (goal: gRPC no dearer
than REST). The read cache is off (it serves REST only): both doors then do the same work.

    .venv/bin/python bench/grpc_door.py [--duration 8] [--streams 32] [--postgres URL]

Exit status: 0 when every run was clean, 2 when a run had errors, 1 on a set-up failure.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

if str(Path(__file__).resolve().parent.parent) not in sys.path:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # `import bench.run`

from bench.doors import Row, door_arguments, run_door_bench
from bench.run import (  # after the sys.path line above (ruff allows that)
    HOST,
    BenchError,
    CpuSnapshot,
    Server,
    collect_pet_ids,
    cpu_split,
    ensure_wrk,
    free_port,
    hello_command,
    log_tail,
    measure,
    run_cli,
    server_env,
    start_server,
    venv_tool,
    wait_for_idle,
    wait_ready,
    write_lua,
)
from bench.servers import fresh_postgres_database

GRPC_METHODS = {"grpc_get_pet": "GetPet", "grpc_list_pets": "ListPets"}
TWINS = (("grpc_get_pet", "rest_by_id"), ("grpc_list_pets", "rest_list"))
GOAL_CPU_RATIO = 1.0


# ----------------------------------------------------------------- the gRPC load generator


async def _drive(
    target: str, method: str, ids: list[str], streams: int, seconds: float
) -> dict[str, Any]:
    import grpc

    from petstore.grpc.v1 import petstore_pb2 as pb
    from petstore.grpc.v1 import petstore_pb2_grpc as rpc

    latencies: list[float] = []
    errors = 0
    async with grpc.aio.insecure_channel(target) as channel:
        stub = rpc.PetServiceStub(channel)
        await channel.channel_ready()
        deadline = time.monotonic() + seconds

        async def one_stream(seed: int) -> None:
            nonlocal errors
            pick = random.Random(seed)
            while time.monotonic() < deadline:
                started = time.perf_counter()
                try:
                    if method == "GetPet":
                        await stub.GetPet(pb.GetPetRequest(id=pick.choice(ids)), timeout=10)
                    else:
                        await stub.ListPets(pb.ListPetsRequest(limit=20), timeout=10)
                except grpc.aio.AioRpcError:
                    errors += 1
                latencies.append(time.perf_counter() - started)

        began = time.monotonic()
        await asyncio.gather(*(one_stream(n) for n in range(streams)))
        elapsed = time.monotonic() - began
    latencies.sort()
    return {
        "calls": len(latencies),
        "errors": errors,
        "seconds": elapsed,
        "p50_ms": 1000 * latencies[len(latencies) // 2] if latencies else 0.0,
        "p99_ms": 1000 * latencies[int(len(latencies) * 0.99)] if latencies else 0.0,
    }


def drive_main(argv: Sequence[str]) -> int:
    target, method, ids_file, streams, seconds = argv
    ids = Path(ids_file).read_text().split()
    result = asyncio.run(_drive(target, method, ids, int(streams), float(seconds)))
    print(json.dumps(result))
    return 0


def drive(target: str, method: str, ids_file: Path, streams: int, seconds: float) -> dict[str, Any]:
    command = [sys.executable, __file__, "--drive", target, method, str(ids_file)]
    done = subprocess.run(
        [*command, str(streams), str(seconds)], capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise BenchError(f"the gRPC load generator failed:\n{done.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def measure_grpc(
    scenario: str, server: Server, target: str, ids_file: Path, args: argparse.Namespace
) -> Row:
    method = GRPC_METHODS[scenario]
    print(f"- {scenario}: warm-up {args.warmup} s, then {args.duration} s ... ", end="", flush=True)
    wait_for_idle(args.wait_idle)
    if args.warmup > 0:
        drive(target, method, ids_file, args.streams, args.warmup)
    before = CpuSnapshot.take(server.process.pid)
    result = drive(target, method, ids_file, args.streams, args.duration)
    after = CpuSnapshot.take(server.process.pid)
    server_cpu, client_cpu, other = cpu_split(before, after)
    row = Row(
        scenario,
        result["calls"] / result["seconds"],
        result["p50_ms"],
        result["p99_ms"],
        result["errors"],
        server_cpu,
    )
    print(
        f"{row.requests_per_s:,.0f} calls/s, p50 {row.p50_ms:.2f} ms, p99 {row.p99_ms:.2f} ms "
        f"(CPU: server {server_cpu:.2f}, client {client_cpu:.2f}, other {other:.2f} cores)"
    )
    return row


# ----------------------------------------------------------------- the run


def start(tmp: Path, env: dict[str, str], servers: list[Server]) -> tuple[Server, Server, str]:
    pet_port, hello_port, grpc_port = free_port(), free_port(), free_port()
    command = [venv_tool("petstore"), "serve", "--host", HOST, "--port", str(pet_port)]
    pet = start_server(
        "petstore", command, {**env, "PETSTORE_GRPC_PORT": str(grpc_port)}, tmp, pet_port
    )
    servers.append(pet)
    hello = start_server("hello", hello_command(hello_port, 1), env, tmp, hello_port)
    servers.append(hello)
    wait_ready(pet, "/healthz")
    wait_ready(hello, "/hello")
    return pet, hello, f"{HOST}:{grpc_port}"


def benchmark(args: argparse.Namespace, tmp: Path, servers: list[Server]) -> list[Row]:
    wrk_path = ensure_wrk()
    env = server_env(tmp, read_cache=False)
    if args.postgres:
        env["PETSTORE_DATABASE_URL"] = asyncio.run(fresh_postgres_database(args.postgres))
    petstore = venv_tool("petstore")
    run_cli([petstore, "migrate"], env, "migrate")
    run_cli([petstore, "seed", "--pets", str(args.pets)], env, "seed")
    pet, hello, target = start(tmp, env, servers)
    ids = collect_pet_ids(pet)
    lua, ids_file = tmp / "pet_by_id.lua", tmp / "ids.txt"
    write_lua(ids, lua)
    ids_file.write_text("\n".join(ids))

    def rest(scenario: str, srv: Server, path: str, script: Path | None = None) -> Row:
        r = measure(wrk_path, scenario, srv, path, args, script)
        return Row(scenario, r.requests_per_s, r.p50_ms, r.p99_ms, r.error_count, r.server_cpu)

    rows = [rest("hello", hello, "/hello")]
    rows.append(rest("rest_by_id", pet, "/v1/pets/{id}", lua))
    rows.append(measure_grpc("grpc_get_pet", pet, target, ids_file, args))
    rows.append(rest("rest_list", pet, "/v1/pets?limit=20"))
    rows.append(measure_grpc("grpc_list_pets", pet, target, ids_file, args))
    rows.append(rest("hello", hello, "/hello"))
    for server in servers:
        if server.process.poll() is not None:
            raise BenchError(f"{server.name} died during the run:\n{log_tail(server)}")
    return rows


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = door_arguments(__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--streams", type=int, default=32, help="gRPC calls in flight")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    return run_door_bench(parse_args(argv), benchmark, TWINS, GOAL_CPU_RATIO, "gRPC / REST")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--drive":
        sys.exit(drive_main(sys.argv[2:]))
    sys.exit(main())
