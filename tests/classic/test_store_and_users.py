"""The classic store and user operations, in JSON, XML and form bodies."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx

from tests.support.classic import V3, XML, XML_BODY, assert_plain, json_ok, texts, xml_of

ORDER = {"id": 7, "petId": 4, "quantity": 2, "shipDate": "2026-03-01T10:00:00Z",
         "status": "approved", "complete": False}  # fmt: skip


async def test_orders_in_json_xml_and_form(client: httpx.AsyncClient) -> None:
    assert json_ok(await client.post(f"{V3}/store/order", json=ORDER)) == ORDER
    as_xml = xml_of(await client.get(f"{V3}/store/order/7", headers=XML), "order")
    assert texts(as_xml, "shipDate") == ["2026-03-01T10:00:00Z"]
    assert texts(as_xml, "complete") == ["false"]
    xml_body = b"<order><petId>1</petId><quantity>1</quantity><status>placed</status>"
    xml_body += b"<complete>true</complete></order>"
    placed = await client.post(f"{V3}/store/order", content=xml_body, headers=XML_BODY)
    assert json_ok(placed) == {"id": 8, "petId": 1, "quantity": 1, "status": "placed",
                               "complete": True}  # fmt: skip
    form = {
        "petId": "2",
        "quantity": "3",
        "status": "delivered",
        "shipDate": "2026-03-02T00:00:00+02:00",
    }
    from_form = json_ok(await client.post(f"{V3}/store/order", data=form))
    assert from_form["shipDate"] == "2026-03-01T22:00:00Z"
    assert from_form["quantity"] == 3


async def test_inventory_counts_orders_by_status(client: httpx.AsyncClient) -> None:
    assert json_ok(await client.get(f"{V3}/store/inventory")) == {
        "placed": 0, "approved": 0, "delivered": 0
    }  # fmt: skip
    for status in ("placed", "placed", "delivered"):
        json_ok(await client.post(f"{V3}/store/order", json={"petId": 1, "status": status}))
    counted = json_ok(await client.get(f"{V3}/store/inventory", headers={"api_key": "k"}))
    assert counted == {"placed": 2, "approved": 0, "delivered": 1}


async def test_order_errors_and_deletion(client: httpx.AsyncClient) -> None:
    assert_plain(await client.get(f"{V3}/store/order/1"), 404, "Order not found")
    assert_plain(await client.get(f"{V3}/store/order/x"), 400, "Invalid ID supplied")
    bad = await client.post(f"{V3}/store/order", json={**ORDER, "status": "lost"})
    assert_plain(bad, 422, "Validation exception")
    not_boolean = await client.post(f"{V3}/store/order", data={"complete": "0"})
    assert_plain(not_boolean, 422, "Validation exception")
    json_ok(await client.post(f"{V3}/store/order", json=ORDER))
    assert_plain(await client.delete(f"{V3}/store/order/7"), 200, "order deleted")
    assert_plain(await client.delete(f"{V3}/store/order/7"), 404, "Order not found")


USER = {
    "id": 20,
    "username": "theUser",
    "firstName": "John",
    "lastName": "James",
    "email": "john@email.com",
    "password": "12345",
    "phone": "12345",
    "userStatus": 1,
}


async def test_users_in_json_xml_and_form(client: httpx.AsyncClient) -> None:
    assert json_ok(await client.post(f"{V3}/user", json=USER)) == USER
    as_xml = xml_of(await client.get(f"{V3}/user/theUser", headers=XML), "user")
    assert texts(as_xml, "firstName") == ["John"]
    xml_body = b"<user><username>xmlUser</username><userStatus>2</userStatus></user>"
    from_xml = await client.post(f"{V3}/user", content=xml_body, headers=XML_BODY)
    assert json_ok(from_xml) == {"username": "xmlUser", "userStatus": 2}
    from_form = await client.post(f"{V3}/user", data={"username": "formUser", "phone": "1"})
    assert json_ok(from_form) == {"username": "formUser", "phone": "1"}
    seeded = json_ok(await client.get(f"{V3}/user/user1"))
    assert seeded["email"] == "email1@test.com"
    assert json_ok(await client.get(f"{V3}/user/user%3F10"))["id"] == 11


async def test_create_with_list_answers_the_last_user(client: httpx.AsyncClient) -> None:
    users = [{"username": "a1"}, {"username": "a2", "email": "a2@x"}]
    created = await client.post(f"{V3}/user/createWithList", json=users)
    assert json_ok(created) == {"username": "a2", "email": "a2@x"}
    assert json_ok(await client.get(f"{V3}/user/a1")) == {"username": "a1"}
    empty = await client.post(f"{V3}/user/createWithList", json=[])
    assert empty.status_code == 422


async def test_update_renames_and_delete_removes(client: httpx.AsyncClient) -> None:
    json_ok(await client.post(f"{V3}/user", json=USER))
    renamed = await client.put(f"{V3}/user/theUser", json={**USER, "username": "renamed"})
    assert json_ok(renamed)["username"] == "renamed"
    assert_plain(await client.get(f"{V3}/user/theUser"), 404, "User not found")
    missing = await client.put(f"{V3}/user/nobody", json=USER)
    assert_plain(missing, 404, "User not found")
    assert_plain(await client.delete(f"{V3}/user/renamed"), 200, "User deleted")
    assert_plain(await client.delete(f"{V3}/user/renamed"), 404, "User not found")


async def test_login_answers_a_session_with_the_reference_headers(
    client: httpx.AsyncClient,
) -> None:
    before = datetime.now(UTC)
    login = await client.get(f"{V3}/user/login", params={"username": "u", "password": "p"})
    assert json_ok(login).startswith("Logged in user session: ")
    assert login.headers["x-rate-limit"] == "5000"
    expires = datetime.fromisoformat(login.headers["x-expires-after"])
    assert before + timedelta(minutes=59) <= expires <= before + timedelta(hours=1, minutes=1)
    as_xml = xml_of(await client.get(f"{V3}/user/login", headers=XML), "string")
    assert (as_xml.text or "").startswith("Logged in user session: ")
    assert_plain(await client.get(f"{V3}/user/logout"), 200, "User logged out")
