"""Support chat benchmark: messages through one server instance over the raw WebSocket door.

Starts ``petstore serve`` (one worker, a temp SQLite database, or ``--postgres``), makes
``--conversations`` customers and enough staff agents for them (3 conversations each, the
assignment cap), connects every agent (``?as=agent``) and every customer, and opens one
conversation per customer (each assigned to an agent at once). Then, for ``--duration``
seconds, every customer sends messages one after another (each waits for its ``ack``, and
keeps under the per-connection limit of 30 frames per 10 s), and the agents' sockets record
when each message reaches them.

Prints messages/s, the delivery latency customer -> agent (send to the agent's ``message``
frame: p50, p99), the ack latency, and the server's CPU per message (from ``/proc``)::

    .venv/bin/python bench/support_chat.py --conversations 100 --duration 10
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

import httpx
from websockets.asyncio.client import ClientConnection, connect

if str(Path(__file__).resolve().parent.parent) not in sys.path:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.run import free_port, process_tree_cpu, start_server, stop_server, wait_ready
from petstore.auth.passwords import Passwords
from petstore.auth.scopes import Role
from petstore.core.database import create_engine, create_sessionmaker
from petstore.core.settings import Settings
from petstore.users import service as users
from petstore.users.schemas import UserCreate

PASSWORD = "bench chat password"  # noqa: S105 - throwaway accounts in a temp database
CAP = 3
MIN_GAP_S = 0.34  # under 30 frames per 10 s per connection
FAST = {"PETSTORE_ARGON2_TIME_COST": "1", "PETSTORE_ARGON2_MEMORY_KIB": "1024"}


async def make_accounts(settings: Settings, customers: int, agents: int) -> list[tuple[str, Role]]:
    engine = create_engine(settings)
    passwords = Passwords(settings)
    made: list[tuple[str, Role]] = []
    async with create_sessionmaker(engine)() as session:
        for n in range(customers + agents):
            role = Role.USER if n < customers else Role.STAFF
            name = f"bench{'c' if role is Role.USER else 'a'}{n}"
            data = UserCreate(username=name, email=f"{name}@example.com", password=PASSWORD)
            await users.sign_up(session, passwords, "", data, role=role)
            made.append((name, role))
        await session.commit()
    await engine.dispose()
    return made


async def tokens(base: str, names: list[str]) -> list[str]:
    async with httpx.AsyncClient(base_url=base, timeout=60) as api:
        answers = await asyncio.gather(
            *(
                api.post("/v1/auth/tokens", json={"username": n, "password": PASSWORD})
                for n in names
            )
        )
    return [str(a.json()["token"]) for a in answers]


def url(base: str, token: str, agent: bool) -> str:
    return f"{base.replace('http', 'ws', 1)}/v1/ws/chat?token={token}" + (
        "&as=agent" if agent else ""
    )


class Run:
    def __init__(self) -> None:
        self.sent: dict[str, float] = {}
        self.delivered: list[float] = []
        self.acked: list[float] = []
        self.errors = 0
        self.measuring = False

    async def agent(self, ws: ClientConnection) -> None:
        async for raw in ws:
            frame = json.loads(raw)
            if frame["type"] == "message":
                started = self.sent.pop(str(frame["message"].get("clientId")), None)
                if started is not None and self.measuring:
                    self.delivered.append(time.perf_counter() - started)

    async def customer(self, ws: ClientConnection, until: float) -> None:
        while time.perf_counter() < until:
            client_id = uuid.uuid4().hex
            started = time.perf_counter()
            self.sent[client_id] = started
            await ws.send(
                json.dumps({"type": "message", "clientId": client_id, "text": "How is my cat?"})
            )
            answer = await next_of_any(ws, ("ack", "error"))
            if answer["type"] == "error":
                self.errors += 1
            else:
                self.acked.append(time.perf_counter() - started)
            await asyncio.sleep(max(0.0, MIN_GAP_S - (time.perf_counter() - started)))


async def next_of_any(ws: ClientConnection, kinds: tuple[str, ...]) -> dict[str, object]:
    while True:
        frame = json.loads(await ws.recv())
        if frame["type"] in kinds:
            return frame  # type: ignore[no-any-return]


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return 1000 * ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else 0.0


async def drive(
    base: str, pid: int, customers: list[str], agents: list[str], seconds: float
) -> None:
    run = Run()
    agent_sockets = [await connect(url(base, t, True), max_size=2**24) for t in agents]
    for ws in agent_sockets:
        await next_of_any(ws, ("connected",))
    readers = [asyncio.create_task(run.agent(ws)) for ws in agent_sockets]
    customer_sockets = [await connect(url(base, t, False)) for t in customers]
    for ws in customer_sockets:  # one conversation each, assigned at once
        await next_of_any(ws, ("connected",))
        await ws.send(
            json.dumps({"type": "message", "clientId": uuid.uuid4().hex, "text": "Hello"})
        )
        await next_of_any(ws, ("ack",))
    await asyncio.sleep(1.0)
    run.measuring = True
    cpu, started = process_tree_cpu(pid), time.perf_counter()
    await asyncio.gather(*(run.customer(ws, started + seconds) for ws in customer_sockets))
    elapsed, cpu = time.perf_counter() - started, process_tree_cpu(pid) - cpu
    await asyncio.sleep(1.0)
    for task in readers:
        task.cancel()
    for ws in [*agent_sockets, *customer_sockets]:
        await ws.close()
    rate = len(run.acked) / elapsed
    print(f"conversations {len(customers)}, agents {len(agents)}, {elapsed:.1f} s")
    print(f"messages/s {rate:,.0f}   errors {run.errors}   undelivered {len(run.sent)}")
    delivered = f"p50 {pct(run.delivered, 0.5):.1f} ms, p99 {pct(run.delivered, 0.99):.1f} ms"
    print(f"delivery customer -> agent: {delivered}")
    print(f"ack: p50 {pct(run.acked, 0.5):.1f} ms, p99 {pct(run.acked, 0.99):.1f} ms")
    per_message = 1000 * cpu / max(len(run.acked), 1)
    print(f"server CPU per message {per_message:.2f} ms ({cpu / elapsed:.2f} cores)")
    if run.delivered:
        print(f"mean delivery {1000 * statistics.fmean(run.delivered):.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--conversations", type=int, default=100)
    parser.add_argument("--duration", type=float, default=10.0)
    parser.add_argument("--postgres", help="an empty PostgreSQL database URL (default: SQLite)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        tmp = Path(scratch)
        database = args.postgres or f"sqlite+aiosqlite:///{tmp / 'chat.db'}"
        env = {**os.environ, **FAST, "PETSTORE_DATABASE_URL": database}
        env.update(
            {"PETSTORE_GRPC_PORT": "0", "PETSTORE_LOG_LEVEL": "WARNING", "PETSTORE_ENV": "test"}
        )
        env.update({"PETSTORE_RATE_LIMIT_REQUESTS": "100000000", "PETSTORE_READ_CACHE": "false"})
        petstore = str(Path(sys.executable).parent / "petstore")
        __import__("subprocess").run(
            [petstore, "migrate"], env=env, check=True, capture_output=True
        )
        settings = Settings(database_url=database, argon2_time_cost=1, argon2_memory_kib=1024)
        agents_needed = -(-args.conversations // CAP)
        made = asyncio.run(make_accounts(settings, args.conversations, agents_needed))
        port = free_port()
        server = start_server("petstore", [petstore, "serve", "--port", str(port)], env, tmp, port)
        try:
            wait_ready(server, "/healthz")
            base = server.base_url
            names = [n for n, _ in made]
            everyone = asyncio.run(tokens(base, names))
            customers = [t for t, (_, r) in zip(everyone, made, strict=True) if r is Role.USER]
            agents = [t for t, (_, r) in zip(everyone, made, strict=True) if r is Role.STAFF]
            asyncio.run(drive(base, server.process.pid, customers, agents, args.duration))
        finally:
            stop_server(server)


if __name__ == "__main__":
    main()
