"""Scale drill: 100,000 pets and 1,000,000 orders in one tenant on PostgreSQL (and a small
neighbour tenant in the same tables).

Two databases are served side by side by two ``petstore serve`` processes: one with 1,000
pets and 10,000 orders, one with 100,000 pets and 1,000,000 orders in the same tenant, plus a
1,000-pet neighbour tenant. Every read the catalogue and the store offer (list, filters,
search with a sort, both inventories, the staff's order list) must stay within
``MAX_SLOWDOWN`` of its latency at 1,000 pets, for the big tenant and for its small neighbour
(median of ``REPEATS`` requests through HTTP; the requests alternate between the targets, so
noise from other processes on the machine hits them all alike).

Then the queries themselves are checked: the repository functions behind those endpoints are
called with an engine event listener that records the SQL they send, and each statement is
run again under ``EXPLAIN``; no plan may read ``pets`` or ``orders`` with a sequential scan.

Seeding is done by PostgreSQL itself (``INSERT ... SELECT ... FROM generate_series``), straight
into the tables the migrations built, with UUIDv7-shaped ids (time-ordered, like the app's).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import statistics
import time
import uuid
from collections.abc import Callable, Coroutine, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import event
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, create_async_engine

from petstore.pets import repository as pets
from petstore.pets import service as pets_service
from petstore.pets.schemas import PetSearch
from petstore.store import repository as orders
from petstore.store import service as store_service
from tests.support.accounts import PASSWORD
from tests.support.databases import fresh_drill_database
from tests.support.seeding import a_buyer, seed
from tests.support.servers import RunningServer, create_staff, run_server, server_env

pytestmark = [pytest.mark.slow, pytest.mark.postgres, pytest.mark.e2e]

SMALL_PETS, SMALL_ORDERS = 1_000, 10_000
BIG_PETS, BIG_ORDERS = 100_000, 1_000_000
MAX_SLOWDOWN = 2.0
REPEATS = 31
WARMUP = 3
STAFF = "scalestaff"

# --------------------------------------------------------------------------- HTTP scenarios


SEARCH_BY_AGE = {
    "criteria": {"species": ["DOG", "CAT"], "ageRange": {"min": 6, "max": 120}},
    "sort": {"field": "ageMonths", "order": "ASC"},
    "pagination": {"page": 1, "limit": 20},
}
SEARCH_BY_PRICE = {
    "criteria": {"size": ["MEDIUM"], "compatibility": {"goodWithKids": True}},
    "sort": {"field": "price", "order": "DESC"},
    "pagination": {"page": 2, "limit": 20},
}
SEARCH_BY_NAME = {
    "criteria": {"species": ["RABBIT"], "medical": {"vaccinated": True}},
    "sort": {"field": "name", "order": "ASC"},
    "pagination": {"page": 1, "limit": 20},
}


@dataclass(frozen=True)
class Scenario:
    name: str
    method: str
    path: str
    body: dict[str, Any] | None = None


def scenarios(buyer: str) -> list[Scenario]:
    return [
        Scenario("list", "GET", "/v1/pets?limit=20"),
        Scenario("list_species", "GET", "/v1/pets?limit=20&species=DOG"),
        Scenario("list_pending", "GET", "/v1/pets?limit=20&status=PENDING&size=LARGE"),
        Scenario("list_age_kids", "GET", "/v1/pets?limit=20&ageMin=12&ageMax=48&goodWithKids=true"),
        Scenario("list_page_5", "GET", "/v1/pets?limit=20&page=5&species=CAT"),
        Scenario("search_age", "QUERY", "/v1/pets", SEARCH_BY_AGE),
        Scenario("search_price", "QUERY", "/v1/pets", SEARCH_BY_PRICE),
        Scenario("search_name", "POST", "/v1/pets/search", SEARCH_BY_NAME),
        Scenario("inventory", "GET", "/v1/inventory"),
        Scenario("inventories", "GET", "/v1/inventories"),
        Scenario("inventories_some", "GET", "/v1/inventories?status=AVAILABLE,PENDING"),
        Scenario("orders", "GET", "/v1/orders?limit=20"),
        Scenario("orders_status", "GET", "/v1/orders?limit=20&status=SHIPPED"),
        Scenario("orders_buyer", "GET", f"/v1/orders?limit=20&userId={buyer}"),
    ]


@dataclass
class Timings:
    samples: dict[str, list[float]] = field(default_factory=dict)

    def median_ms(self, name: str) -> float:
        return statistics.median(self.samples[name]) * 1000

    def min_ms(self, name: str) -> float:
        return min(self.samples[name]) * 1000


@dataclass(frozen=True)
class Target:
    """Who is measured: a server, the tenant whose data it reads, and what it asks."""

    server: RunningServer
    tenant: str
    cases: list[Scenario]


def measure(targets: dict[str, Target]) -> dict[str, Timings]:
    """Median latency of each scenario for each target: one request at a time, over
    keep-alive, round-robin over the scenarios and alternating between the targets, so that
    noise from other processes on the machine hits them all alike (``WARMUP`` rounds not
    counted). All as a staff account (the order list and the inventories need a token; staff
    see every order)."""
    timings = {
        label: Timings({case.name: [] for case in target.cases})
        for label, target in targets.items()
    }
    with contextlib.ExitStack() as stack:
        clients: dict[str, tuple[httpx.Client, dict[str, str]]] = {}
        for label, target in targets.items():
            client = stack.enter_context(
                httpx.Client(
                    base_url=target.server.base_url,
                    headers={"X-Tenant-ID": target.tenant},
                    timeout=60,
                )
            )
            login = client.post("/v1/auth/tokens", json={"username": STAFF, "password": PASSWORD})
            assert login.status_code == 200, login.text
            clients[label] = (client, {"Authorization": f"Bearer {login.json()['token']}"})
        for round_no in range(WARMUP + REPEATS):
            for number in range(len(next(iter(targets.values())).cases)):
                for label, (client, staff) in clients.items():
                    case = targets[label].cases[number]
                    started = time.perf_counter()
                    response = client.request(case.method, case.path, json=case.body, headers=staff)
                    elapsed = time.perf_counter() - started
                    assert response.status_code == 200, (label, case, response.text[:500])
                    if round_no >= WARMUP:
                        timings[label].samples[case.name].append(elapsed)
    return timings


@pytest.fixture(scope="module")
def tenant() -> str:
    return str(uuid.uuid4())


def plan_nodes(plan: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield plan
    for child in plan.get("Plans", []):
        yield from plan_nodes(child)


def plan_summary(plan: dict[str, Any]) -> str:
    """The scans of a plan, e.g. ``Index Only Scan ix_pets_tenant_status_id on pets``."""
    parts = []
    for node in plan_nodes(plan):
        kind = node["Node Type"]
        if "Scan" in kind and ("Relation Name" in node or "Index Name" in node):
            index = f" {node['Index Name']}" if "Index Name" in node else ""
            table = f" on {node['Relation Name']}" if "Relation Name" in node else ""
            parts.append(f"{kind}{index}{table}")
        elif kind in ("Aggregate", "Sort", "Incremental Sort", "Limit"):
            parts.append(kind + (f" ({node['Strategy']})" if "Strategy" in node else ""))
    return ", ".join(parts)


Call = Callable[[AsyncSession], Coroutine[Any, Any, object]]


def repository_calls(tenant: str, buyer: str) -> dict[str, Call]:
    """What the endpoints of :func:`scenarios` ask the database, called the way they call it."""

    def listing(**fields: Any) -> Call:
        flt = pets.PetFilter(tenant=tenant, **fields)
        offset = 80 if fields.get("species") == ("CAT",) else 0
        return lambda session: pets.page(session, flt, pets.PetSort(), offset, 20)

    def search(body: dict[str, Any]) -> Call:
        query = PetSearch.model_validate_json(json.dumps(body))
        return lambda session: pets_service.search(session, tenant, query)

    def order_page(**fields: Any) -> Call:
        args: dict[str, Any] = {"user_id": None, "statuses": [], "pet_id": None, **fields}
        return lambda session: orders.page(session, tenant, offset=0, limit=20, **args)

    return {
        "list": listing(),
        "list_species": listing(species=("DOG",)),
        "list_pending": listing(statuses=("PENDING",), sizes=("LARGE",)),
        "list_age_kids": listing(age_min=12, age_max=48, good_with_kids=True),
        "list_page_5": listing(species=("CAT",)),
        "search_age": search(SEARCH_BY_AGE),
        "search_price": search(SEARCH_BY_PRICE),
        "search_name": search(SEARCH_BY_NAME),
        "inventory": lambda session: store_service.inventory_summary(session, tenant),
        "inventories": lambda session: store_service.inventory_by_status(session, tenant, []),
        "inventories_some": lambda session: store_service.inventory_by_status(
            session, tenant, ["AVAILABLE", "PENDING"]
        ),
        "orders": order_page(),
        "orders_status": order_page(statuses=["SHIPPED"]),
        "orders_buyer": order_page(user_id=uuid.UUID(buyer)),
    }


@dataclass
class Explained:
    statement: str
    plan: dict[str, Any]

    @property
    def seq_scans(self) -> list[str]:
        return [
            node["Relation Name"]
            for node in plan_nodes(self.plan)
            if node["Node Type"] == "Seq Scan" and node.get("Relation Name") in {"pets", "orders"}
        ]


async def explain(url: str, tenant: str, buyer: str) -> dict[str, list[Explained]]:
    """Every SELECT each repository call sends, with its plan (``EXPLAIN``, same parameters)."""
    engine: AsyncEngine = create_async_engine(url)
    captured: list[tuple[str, Any]] = []

    def record(
        _conn: Connection, _cursor: object, statement: str, parameters: Any, *_: object
    ) -> None:
        if statement.lstrip().upper().startswith(("SELECT", "WITH")):
            captured.append((statement, parameters))

    event.listen(engine.sync_engine, "before_cursor_execute", record)
    explained: dict[str, list[Explained]] = {}
    try:
        async with AsyncSession(engine) as session:
            for name, call in repository_calls(tenant, buyer).items():
                captured.clear()
                await call(session)
                statements = list(captured)
                assert statements, f"{name}: no query captured"
                connection = await session.connection()
                explained[name] = []
                for statement, parameters in statements:
                    result = await connection.exec_driver_sql(
                        "EXPLAIN (FORMAT JSON) " + statement, parameters
                    )
                    document = result.scalar_one()
                    if isinstance(document, str):
                        document = json.loads(document)
                    explained[name].append(Explained(statement, document[0]["Plan"]))
    finally:
        await engine.dispose()
    return explained


def test_reads_stay_within_twice_their_latency_at_1000_pets(tenant: str, tmp_path: Path) -> None:
    """Two databases side by side: 1,000 pets and 10,000 orders ("1k"), and 100,000 pets and
    1,000,000 orders ("100k"; the same tenant, the same rows for the first 1,000 pets), each
    served by its own ``petstore serve`` process, measured at the same time. The big database
    also holds a small neighbour, a second tenant with 1,000 pets and 10,000 orders: its reads
    must not pay for the big tenant's rows either (every index starts with the tenant)."""
    neighbour = str(uuid.uuid4())
    buyer = a_buyer(SMALL_ORDERS)
    assert buyer == a_buyer(BIG_ORDERS)
    neighbour_buyer = a_buyer(SMALL_ORDERS, salt="n")
    with contextlib.ExitStack() as stack:
        small_url = stack.enter_context(fresh_drill_database("scale_small"))
        big_url = stack.enter_context(fresh_drill_database("scale_big"))
        small_seed_s = asyncio.run(seed(small_url, tenant, 0, SMALL_PETS, 0, SMALL_ORDERS))
        big_seed_s = asyncio.run(seed(big_url, tenant, 0, BIG_PETS, 0, BIG_ORDERS))
        asyncio.run(seed(big_url, neighbour, 0, SMALL_PETS, 0, SMALL_ORDERS, salt="n"))
        servers = {}
        for label, url in (("small", small_url), ("big", big_url)):
            env = server_env(url, PETSTORE_READ_CACHE="false")
            create_staff(env, STAFF, PASSWORD, tenant)
            if label == "big":
                create_staff(env, STAFF, PASSWORD, neighbour)
            servers[label] = stack.enter_context(run_server(env, tmp_path / f"{label}.log"))
        timings = measure(
            {
                "small": Target(servers["small"], tenant, scenarios(buyer)),
                "big": Target(servers["big"], tenant, scenarios(buyer)),
                "neighbour": Target(servers["big"], neighbour, scenarios(neighbour_buyer)),
            }
        )
        small_plans = asyncio.run(explain(small_url, tenant, buyer))
        big_plans = asyncio.run(explain(big_url, tenant, buyer))
        neighbour_plans = asyncio.run(explain(big_url, neighbour, neighbour_buyer))
    small, big, near = timings["small"], timings["big"], timings["neighbour"]
    cases = scenarios(buyer)

    print(
        f"\nscale drill: seeded {SMALL_PETS:,} pets + {SMALL_ORDERS:,} orders in "
        f"{small_seed_s:.1f} s, {BIG_PETS:,} pets + {BIG_ORDERS:,} orders in "
        f"{big_seed_s:.1f} s (incl. VACUUM ANALYZE); median of {REPEATS} requests, ms"
    )
    header = (
        f"{'scenario':<17} {'1k med':>7} {'100k med':>9} {'ratio':>6} {'1k min':>7} "
        f"{'100k min':>9} {'neighbour med':>14} {'ratio':>6}"
    )
    print(header)
    print("-" * len(header))
    too_slow = []
    for case in cases:
        ratio = big.median_ms(case.name) / small.median_ms(case.name)
        near_ratio = near.median_ms(case.name) / small.median_ms(case.name)
        print(
            f"{case.name:<17} {small.median_ms(case.name):>7.2f} {big.median_ms(case.name):>9.2f} "
            f"{ratio:>6.2f} {small.min_ms(case.name):>7.2f} {big.min_ms(case.name):>9.2f} "
            f"{near.median_ms(case.name):>14.2f} {near_ratio:>6.2f}"
        )
        if ratio > MAX_SLOWDOWN:
            too_slow.append(f"{case.name}: {ratio:.2f}x")
        if near_ratio > MAX_SLOWDOWN:
            too_slow.append(f"{case.name} (neighbour): {near_ratio:.2f}x")
    seq_scans = []
    for title, plans in (
        ("the 100k tenant", big_plans),
        ("its 1k neighbour in the same tables", neighbour_plans),
    ):
        print(f"\nplans for {title} (EXPLAIN of the repositories' own statements):")
        for name, statements in plans.items():
            for number, item in enumerate(statements, 1):
                print(f"  {name} #{number}: {plan_summary(item.plan)}")
                if item.seq_scans:
                    seq_scans.append(f"{title}: {name} #{number}: {item.statement}")
    for name, statements in small_plans.items():
        assert len(statements) == len(big_plans[name]), name  # the same queries at both sizes

    assert not seq_scans, "sequential scans:\n" + "\n".join(seq_scans)
    assert not too_slow, f"slower than {MAX_SLOWDOWN}x their latency at 1,000 pets: {too_slow}"
