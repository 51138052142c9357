"""Card data is never stored or logged: after real payments (successful, declined, invalid,
idempotent replays), neither the database (the SQLite file and its WAL, byte for byte, and
every cell of every table) nor the logs (everything, at DEBUG, SQL parameters included) hold a
full card or account number or a CVC.

Positive controls make the absence meaningful: what *is* kept (last four digits, the holder's
name) is found in the same bytes and logs, so a full number stored the same way would be too.
"""

from __future__ import annotations

import logging
import sqlite3
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection

from petstore.auth.scopes import Role
from petstore.container import container_of
from petstore.migrations.runner import upgrade
from tests.support.accounts import PASSWORD, Account, auth_of, login, sign_up, sign_up_directly
from tests.support.apps import running_app
from tests.support.payments import (
    ACCOUNT,
    AMEX,
    AMEX_CVC,
    BAD_LUHN,
    CVCS,
    DECLINED_ACCOUNT,
    DECLINED_CARD,
    EXPIRED,
    FULL_NUMBERS,
    HOLDER,
    KEPT_LAST4,
    MASTERCARD,
    UK_ACCOUNT,
    VISA,
    YEAR,
    bank,
    card,
    tokens,
)
from tests.support.servers import RunningServer, create_staff, petstore, run_server, server_env
from tests.support.settings import fast_settings


def assert_no_card_data(blob: str, where: str) -> None:
    for number in FULL_NUMBERS:
        assert number not in blob, f"full number {number} found in {where}"
    found = tokens(blob)
    for cvc in CVCS:
        assert cvc not in found, f"CVC {cvc} found in {where}"
    assert '"cvc"' not in blob.lower(), f"a cvc field found in {where}"


def assert_kept_data_present(blob: str, where: str) -> None:
    """Positive control: the same place does record what the payments kept."""
    assert HOLDER in blob, f"control: holder name missing from {where}"
    for last4 in KEPT_LAST4:
        assert last4 in blob, f"control: last4 {last4} missing from {where}"


def raw_database(path: Path, *, with_wal: bool = False) -> str:
    """The SQLite file and its WAL (and rollback journal), byte for byte, as latin-1 text."""
    files = [Path(f"{path}{suffix}") for suffix in ("", "-wal", "-journal")]
    chunks = [file.read_bytes() for file in files if file.exists()]
    assert files[0].exists()
    if with_wal:
        assert files[1].exists(), "the write-ahead log should be there while the app runs"
    return "\n".join(chunk.decode("latin-1") for chunk in chunks)


def _cell_text(value: Any) -> str:
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value).decode("latin-1")
    return str(value)


def sqlite_cells(path: Path) -> Iterator[tuple[str, str, str]]:
    """(table, column, value as text) for every cell of every table, and the schema itself."""
    con = sqlite3.connect(path)
    try:
        for name, sql in con.execute("SELECT name, sql FROM sqlite_master"):
            yield SCHEMA, name, sql or ""
        tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        for table in tables:
            cursor = con.execute(f'SELECT * FROM "{table}"')  # noqa: S608 - names from the schema
            columns = [d[0] for d in cursor.description]
            for row in cursor:
                for column, value in zip(columns, row, strict=True):
                    yield table, column, _cell_text(value)
    finally:
        con.close()


SCHEMA = "schema"


def assert_cells_clean(
    cells: list[tuple[str, str, str]], shared_tables: frozenset[str] = frozenset()
) -> None:
    """``shared_tables`` hold other tests' rows too (no tenant column): full numbers are
    looked for there, but not CVCs, which another test's short numbers could imitate."""
    for table, column, value in cells:
        where = f"{table}.{column}"
        assert "cvc" not in column.lower(), where
        if table == SCHEMA:
            assert "cvc" not in value.lower(), f"a cvc column in the schema: {value[:200]!r}"
        for number in FULL_NUMBERS:
            assert number not in value, f"full number {number} in {where}"
        if table in shared_tables:
            continue
        found = tokens(value)
        for cvc in CVCS:
            assert cvc not in found, f"CVC {cvc} in {where}: {value[:200]!r}"
    # Control: the checker does see the kept values, cell by cell.
    kept = {value for table, column, value in cells if table == "payments" and column == "last4"}
    assert kept >= {"4242", "4444", "0005", "6789", "6819"}, kept
    holders = {v for t, c, v in cells if t == "payments" and c == "holder_name"}
    assert HOLDER in holders


# --- the payments --------------------------------------------------------------------------


@dataclass
class Buyers:
    staff: dict[str, str]
    user: dict[str, str]


async def pay_in_every_way(client: httpx.AsyncClient, buyers: Buyers) -> None:
    """Successful, declined, invalid and replayed payments, by card and by bank account."""

    async def new_order() -> dict[str, Any]:
        pet = {"name": "Kept", "species": "DOG", "ageMonths": 12, "price": "49.99"}
        created = await client.post("/v1/pets", json=pet, headers=buyers.staff)
        assert created.status_code == 201, created.text
        order = await client.post(
            "/v1/orders", json={"petId": created.json()["id"]}, headers=buyers.user
        )
        assert order.status_code == 201, order.text
        return order.json()  # type: ignore[no-any-return]

    async def pay(
        order: dict[str, Any], source: dict[str, Any], status: int, key: str | None = None
    ) -> httpx.Response:
        headers = {**buyers.user, **({"Idempotency-Key": key} if key else {})}
        body = {"amount": "49.99", "currency": "USD", "source": source}
        response = await client.post(
            f"/v1/orders/{order['id']}/payment", json=body, headers=headers
        )
        assert response.status_code == status, response.text
        for number in FULL_NUMBERS:
            assert number not in response.text
        assert "cvc" not in response.text.lower()
        return response

    # A card, with a billing address in the UK vocabulary.
    address = {"addressLine1": "1 Secret Lane", "addressCity": "Leeds", "addressCountry": "gb"}
    await pay(await new_order(), card(VISA, **address), 201)
    # Declined, then invalid (checksum, expired), then a good card: all on one order.
    order = await new_order()
    await pay(order, card(DECLINED_CARD), 402)
    await pay(order, card(BAD_LUHN), 422, key=f"k-{uuid.uuid4()}")
    await pay(order, card(EXPIRED, expYear=YEAR - 1), 422)
    await pay(order, card(MASTERCARD), 201)
    # AMEX with a four-digit CVC, sent twice with one Idempotency-Key (the answer is stored).
    order = await new_order()
    key = f"k-{uuid.uuid4()}"
    first = await pay(order, card(AMEX, cvc=AMEX_CVC), 201, key=key)
    replay = await pay(order, card(AMEX, cvc=AMEX_CVC), 201, key=key)
    assert replay.headers["idempotent-replayed"] == "true"
    assert replay.content == first.content
    # Bank accounts: declined, then accepted; and the UK vocabulary.
    order = await new_order()
    await pay(order, bank(DECLINED_ACCOUNT), 402)
    await pay(order, bank(ACCOUNT, accountType="checking"), 201, key=f"k-{uuid.uuid4()}")
    uk = {"object": "bankAccount", "name": HOLDER, "number": UK_ACCOUNT, "sortCode": "60-16-13"}
    await pay(await new_order(), uk, 201)

    listed = await client.get(f"/v1/orders/{order['id']}/payments", headers=buyers.user)
    assert [p["status"] for p in listed.json()["data"]] == ["FAILED", "SUCCEEDED"]


# --- in process, on a fresh SQLite file ---------------------------------------------------


_STANDARD = set(logging.LogRecord("", 0, "", 0, "", (), None).__dict__) | {"message"}


def log_text(records: list[logging.LogRecord]) -> str:
    """What a log handler could write: each message, its extra fields and any traceback."""
    lines = []
    for record in records:
        extras = {k: v for k, v in record.__dict__.items() if k not in _STANDARD}
        lines.append(f"{record.name} {record.getMessage()} {extras!r} {record.exc_text or ''}")
    return "\n".join(lines)


@pytest.fixture
async def own_app(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> AsyncIterator[FastAPI]:
    url = f"sqlite+aiosqlite:///{tmp_path / 'cards.db'}"
    upgrade(url)
    caplog.set_level(logging.DEBUG)  # every logger, SQL statements and parameters included
    async with running_app(fast_settings(url)) as application:
        yield application


async def test_card_data_is_not_in_the_database_file_nor_the_logs(
    own_app: FastAPI, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "cards.db"
    transport = httpx.ASGITransport(app=own_app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://petstore.test") as client:
        staff_name = f"s{uuid.uuid4().hex[:12]}"
        await sign_up_directly(own_app, "", staff_name, Role.STAFF)
        buyers = Buyers(
            staff=auth_of(await login(client, staff_name)),
            user=auth_of(await login(client, await sign_up(client))),
        )
        await pay_in_every_way(client, buyers)

        # While the server runs: the main file and the write-ahead log.
        live = raw_database(path, with_wal=True)
        assert_no_card_data(live, "the database file and WAL")
        assert_kept_data_present(live, "the database file and WAL")

    assert_cells_clean(list(sqlite_cells(path)))

    logs = log_text(caplog.records)
    assert "INSERT INTO payments" in logs  # the SQL (and its parameters) was logged...
    assert_kept_data_present(logs, "the logs")  # ...so kept values show up there...
    assert_no_card_data(logs, "the logs")  # ...and numbers or CVCs would have, too.


# --- on every database: no table holds card data ------------------------------------------


async def test_no_table_holds_card_data(
    app: FastAPI, client: httpx.AsyncClient, staff: Account, user: Account, tenant: str
) -> None:
    await pay_in_every_way(client, Buyers(staff=staff.auth, user=user.auth))

    shared: set[str] = set()

    def dump(connection: Connection) -> list[tuple[str, str, str]]:
        cells: list[tuple[str, str, str]] = []
        inspector = inspect(connection)
        for table in inspector.get_table_names():
            columns = [c["name"] for c in inspector.get_columns(table)]
            cells.extend((SCHEMA, table, column) for column in columns)
            where, params = "", {}
            if "tenant" in columns:
                where, params = " WHERE tenant = :tenant", {"tenant": tenant}
            elif "owner" in columns:
                where, params = " WHERE owner LIKE :owner", {"owner": f"{tenant}|%"}
            else:
                shared.add(table)
            rows = connection.execute(text(f'SELECT * FROM "{table}"{where}'), params)  # noqa: S608
            for row in rows:
                cells.extend(
                    (table, column, _cell_text(value))
                    for column, value in zip(columns, row, strict=True)
                )
        return cells

    async with container_of(app).engine.connect() as connection:
        cells = await connection.run_sync(dump)
    assert any(t == "idempotency_keys" for t, _, _ in cells)  # replays were stored, and read
    assert_cells_clean(cells, frozenset(shared))


# --- a real server process, logging at DEBUG ----------------------------------------------


@pytest.fixture
def debug_server(tmp_path: Path) -> Iterator[RunningServer]:
    env = server_env(f"sqlite+aiosqlite:///{tmp_path / 'server.db'}", PETSTORE_LOG_LEVEL="DEBUG")
    petstore(env, "migrate")
    create_staff(env, "cardstaff", PASSWORD)
    with run_server(env, tmp_path / "server.log") as server:
        yield server


@pytest.mark.e2e
async def test_card_data_is_not_in_a_servers_debug_log_nor_its_database(
    debug_server: RunningServer, tmp_path: Path
) -> None:
    async with httpx.AsyncClient(base_url=debug_server.base_url, timeout=30) as client:
        buyers = Buyers(
            staff=auth_of(await login(client, "cardstaff")),
            user=auth_of(await login(client, await sign_up(client))),
        )
        await pay_in_every_way(client, buyers)
    database = tmp_path / "server.db"
    assert_no_card_data(raw_database(database), "the server's database")
    assert_cells_clean(list(sqlite_cells(database)))

    # The process id is the one short number the log may carry that we do not choose.
    log = debug_server.log().replace(f"[{debug_server.process.pid}]", "[pid]")
    assert "INSERT INTO payments" in log
    assert_kept_data_present(log, "the server log")
    assert_no_card_data(log, "the server log")
