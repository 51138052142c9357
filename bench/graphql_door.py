"""GraphQL door against REST, in one server process, in one invocation (``wrk`` for both).

    hello             GET /hello of bench/hello_app.py (the framework alone), first and last
    rest_list         GET /v1/pets?limit=20
    graphql_get_pets  POST /v1/graphql  query GetPets { pets(limit: 20) { id name species
                      breed ageMonths status } }   (the reference's published query)
    rest_by_id        GET /v1/pets/{id}          a random one of ~1,000 ids per request
    graphql_pet       POST /v1/graphql  query GetPet($id: ID!) { pet(id: $id) { ... } }

Every row gives req/s, latency and the server's CPU per request; the last table divides
GraphQL's CPU per request by REST's for the same read (goal: at most 1.5). The read cache is
off (it serves REST's GETs only), so both doors read the database alike.

    .venv/bin/python bench/graphql_door.py [--duration 8] [--postgres URL]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Sequence
from pathlib import Path

if str(Path(__file__).resolve().parent.parent) not in sys.path:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # `import bench.run`

from bench.doors import Row, door_arguments, run_door_bench  # after the sys.path line
from bench.run import (
    HOST,
    BenchError,
    Server,
    collect_pet_ids,
    ensure_wrk,
    free_port,
    hello_command,
    measure,
    run_cli,
    server_env,
    start_server,
    venv_tool,
    wait_ready,
    write_lua,
)
from bench.servers import fresh_postgres_database

FIELDS = "id name species breed ageMonths status"
GET_PETS = f"query GetPets {{ pets(limit: 20) {{ {FIELDS} }} }}"
GET_PET = f"query GetPet($id: ID!) {{ pet(id: $id) {{ {FIELDS} }} }}"
TWINS = (("graphql_get_pets", "rest_list"), ("graphql_pet", "rest_by_id"))
GOAL_CPU_RATIO = 1.5


def post_lua(path: Path, body: str | None = None, ids: Sequence[str] = ()) -> None:
    """A wrk script POSTing one GraphQL document (with a random pet id per request). The
    bodies are JSON made here; a JSON string literal is also a Lua one (ASCII only)."""
    if body is not None:
        path.write_text(
            'wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\n'
            f"wrk.body = {json.dumps(body)}\n"
        )
        return
    prefix, suffix = json.dumps({"query": GET_PET, "variables": {"id": "@"}}).split("@")
    rows = ",\n".join(f'  "{pet_id}"' for pet_id in ids)
    path.write_text(
        f"local ids = {{\n{rows}\n}}\nlocal n = #ids\nmath.randomseed(20240601)\n"
        f"local prefix, suffix = {json.dumps(prefix)}, {json.dumps(suffix)}\n"
        "request = function()\n"
        "  local body = prefix .. ids[math.random(n)] .. suffix\n"
        '  return wrk.format("POST", nil, {["Content-Type"] = "application/json"}, body)\n'
        "end\n"
    )


def check_answers(server: Server, pet_id: str) -> None:
    """GraphQL errors come with status 200, which wrk counts as success: check first that
    both documents answer data."""
    import httpx

    for body in ({"query": GET_PETS}, {"query": GET_PET, "variables": {"id": pet_id}}):
        answer = httpx.post(f"{server.base_url}/v1/graphql", json=body, timeout=10).json()
        if answer.get("errors") or not any(answer.get("data", {}).values()):
            raise BenchError(f"GraphQL answered {answer} to {body}")


def benchmark(args: argparse.Namespace, tmp: Path, servers: list[Server]) -> list[Row]:
    wrk_path = ensure_wrk()
    env = server_env(tmp, read_cache=False)
    if args.postgres:
        env["PETSTORE_DATABASE_URL"] = asyncio.run(fresh_postgres_database(args.postgres))
    petstore = venv_tool("petstore")
    run_cli([petstore, "migrate"], env, "migrate")
    run_cli([petstore, "seed", "--pets", str(args.pets)], env, "seed")
    pet_port, hello_port = free_port(), free_port()
    pet = start_server(
        "petstore", [petstore, "serve", "--host", HOST, "--port", str(pet_port)], env, tmp, pet_port
    )
    servers.append(pet)
    hello = start_server("hello", hello_command(hello_port, 1), env, tmp, hello_port)
    servers.append(hello)
    wait_ready(pet, "/healthz")
    wait_ready(hello, "/hello")
    ids = collect_pet_ids(pet)
    by_id, pets_lua, pet_lua = tmp / "by_id.lua", tmp / "pets.lua", tmp / "pet.lua"
    write_lua(ids, by_id)
    post_lua(pets_lua, json.dumps({"query": GET_PETS}))
    post_lua(pet_lua, ids=ids)
    check_answers(pet, ids[0])

    def run(scenario: str, srv: Server, path: str, script: Path | None = None) -> Row:
        r = measure(wrk_path, scenario, srv, path, args, script)
        return Row(scenario, r.requests_per_s, r.p50_ms, r.p99_ms, r.error_count, r.server_cpu)

    rows = [run("hello", hello, "/hello")]
    rows.append(run("rest_list", pet, "/v1/pets?limit=20"))
    rows.append(run("graphql_get_pets", pet, "/v1/graphql", pets_lua))
    rows.append(run("rest_by_id", pet, "/v1/pets/{id}", by_id))
    rows.append(run("graphql_pet", pet, "/v1/graphql", pet_lua))
    rows.append(run("hello", hello, "/hello"))
    return rows


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    return door_arguments(__doc__.split("\n\n")[0] if __doc__ else None).parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    return run_door_bench(parse_args(argv), benchmark, TWINS, GOAL_CPU_RATIO, "GraphQL / REST")


if __name__ == "__main__":
    sys.exit(main())
