"""Pet operations through HTTP, on every database."""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from tests.support.accounts import Account
from tests.support.pets import PET, MakePet
from tests.support.problems import field_errors


async def test_create_returns_201_location_and_the_stored_pet(
    client: httpx.AsyncClient, staff: Account, tenant: str
) -> None:
    response = await client.post("/v1/pets", json=PET, headers=staff.auth)
    assert response.status_code == 201
    pet = response.json()
    assert response.headers["location"] == f"http://petstore.test/v1/pets/{pet['id']}"
    assert uuid.UUID(pet["id"]).version == 7
    assert pet["tenantId"] == tenant
    assert pet["price"] == "120.00"
    assert pet["links"]["self"].endswith(f"/v1/pets/{pet['id']}")
    fetched = await client.get(f"/v1/pets/{pet['id']}")
    assert fetched.status_code == 200
    assert fetched.json() == pet


async def test_input_is_lenient_output_is_canonical(
    client: httpx.AsyncClient, staff: Account
) -> None:
    body = {
        "name": "Pip",
        "species": "rabbit",
        "ageMonths": 5,
        "adoptionFee": 45.5,
        "size": "Small",
        "currency": "eur",
        "unknownField": "ignored",
    }
    response = await client.post("/v1/pets", json=body, headers=staff.auth)
    assert response.status_code == 201, response.text
    pet = response.json()
    assert (pet["species"], pet["size"], pet["price"], pet["currency"], pet["status"]) == (
        "RABBIT",
        "SMALL",
        "45.50",
        "EUR",
        "AVAILABLE",
    )
    assert "unknownField" not in pet


async def test_list_defaults_to_available_and_filters(
    client: httpx.AsyncClient, make_pet: MakePet
) -> None:
    await make_pet(name="Rex", species="DOG", size="LARGE", ageMonths=40)
    await make_pet(name="Tom", species="CAT", size="SMALL", ageMonths=10, goodWithKids=False)
    await make_pet(name="Old", species="CAT", size="SMALL", ageMonths=100)
    await make_pet(name="Gone", species="CAT", status="ADOPTED")

    listed = await client.get("/v1/pets")
    assert listed.status_code == 200
    names = [p["name"] for p in listed.json()["data"]]
    assert names == ["Rex", "Tom", "Old"]  # creation order, AVAILABLE only

    async def names_for(query: str) -> list[str]:
        r = await client.get(f"/v1/pets?{query}")
        assert r.status_code == 200, r.text
        return [p["name"] for p in r.json()["data"]]

    assert await names_for("species=cat") == ["Tom", "Old"]
    assert await names_for("species=CAT&ageMax=50") == ["Tom"]
    assert await names_for("ageMin=30&ageMax=60") == ["Rex"]
    assert await names_for("size=LARGE") == ["Rex"]
    assert await names_for("goodWithKids=false") == ["Tom"]
    assert await names_for("status=ADOPTED") == ["Gone"]


async def test_pagination_body_links_and_link_header(
    client: httpx.AsyncClient, make_pet: MakePet
) -> None:
    for i in range(5):
        await make_pet(name=f"P{i}")
    response = await client.get("/v1/pets?limit=2&page=2&species=DOG")
    body = response.json()
    assert [p["name"] for p in body["data"]] == ["P2", "P3"]
    assert body["pagination"] == {"page": 2, "limit": 2, "totalItems": 5, "totalPages": 3}
    links = body["links"]
    assert links["next"] == "http://petstore.test/v1/pets?species=DOG&page=3&limit=2"
    assert links["prev"] == "http://petstore.test/v1/pets?species=DOG&page=1&limit=2"
    assert links["last"].endswith("page=3&limit=2")
    assert f'<{links["next"]}>; rel="next"' in response.headers["link"]
    past_end = await client.get("/v1/pets?limit=2&page=9")
    assert past_end.json()["data"] == []
    assert past_end.json()["links"]["next"] is None


async def test_links_carry_only_the_declared_parameters(
    client: httpx.AsyncClient, make_pet: MakePet
) -> None:
    """Known filters stay in every link; parameters the operation does not declare are not
    copied (once per link, in the body and the header) however long they are."""
    for i in range(3):
        await make_pet(name=f"P{i}")
    junk = "j" * 2000
    response = await client.get(
        f"/v1/pets?limit=1&page=2&species=DOG&goodWithKids=true&junk={junk}&other=1&other=2"
    )
    assert response.status_code == 200, response.text
    links = response.json()["links"]
    assert links["next"] == (
        "http://petstore.test/v1/pets?species=DOG&goodWithKids=true&page=3&limit=1"
    )
    for text in (response.headers["link"], *(v for v in links.values() if v)):
        assert "species=DOG" in text
        assert "junk" not in text
        assert "other" not in text
    assert len(response.headers["link"]) < 500


async def test_query_validation_is_400(client: httpx.AsyncClient) -> None:
    for query in ("species=DRAGON", "limit=0", "limit=101", "page=0", "ageMin=-1", "ageMin=x"):
        response = await client.get(f"/v1/pets?{query}")
        assert response.status_code == 400, query
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["type"] == "https://petstoreapi.com/errors/bad-request"


async def test_search_with_query_and_fallbacks(
    client: httpx.AsyncClient, make_pet: MakePet
) -> None:
    await make_pet(name="Young", ageMonths=6, price="300.00", medicalInfo={"vaccinated": True})
    await make_pet(name="Mid", ageMonths=30, price="100.00", medicalInfo={"vaccinated": True})
    await make_pet(name="Unvax", ageMonths=20, medicalInfo={"vaccinated": False})
    await make_pet(name="Cat", species="CAT", ageMonths=24)
    body = {
        "criteria": {"species": ["dog"], "medical": {"vaccinated": True}},
        "sort": {"field": "age_months", "order": "desc"},
        "pagination": {"page": 1, "limit": 10},
    }
    for method, path in (
        ("QUERY", "/v1/pets"),
        ("QUERY", "/v1/pets/search"),
        ("POST", "/v1/pets/search"),
    ):
        response = await client.request(method, path, json=body)
        assert response.status_code == 200, (method, path, response.text)
        assert [p["name"] for p in response.json()["data"]] == ["Mid", "Young"]
    by_price = await client.request(
        "QUERY", "/v1/pets", json={"sort": {"field": "price", "order": "ASC"}}
    )
    assert next(p["name"] for p in by_price.json()["data"]) == "Mid"
    bad = await client.request("QUERY", "/v1/pets", json={"criteria": {"species": ["DRAGON"]}})
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"].startswith("criteria.species")


async def test_put_replaces_everything(
    client: httpx.AsyncClient, staff: Account, make_pet: MakePet
) -> None:
    pet = await make_pet()
    replacement = {"name": "Renamed", "species": "CAT", "ageMonths": 3, "price": "10"}
    response = await client.put(f"/v1/pets/{pet['id']}", json=replacement, headers=staff.auth)
    assert response.status_code == 200, response.text
    updated = response.json()
    assert (updated["name"], updated["species"], updated["price"]) == ("Renamed", "CAT", "10.00")
    assert updated["breed"] is None  # full replacement clears what was left out
    assert updated["medicalInfo"]["vaccinated"] is None


async def test_patch_merges_and_null_clears(
    client: httpx.AsyncClient, staff: Account, make_pet: MakePet
) -> None:
    pet = await make_pet()
    response = await client.patch(
        f"/v1/pets/{pet['id']}",
        content=b'{"price": "99.90", "breed": null, "medicalInfo": {"microchipped": true}}',
        headers={**staff.auth, "Content-Type": "application/merge-patch+json"},
    )
    assert response.status_code == 200, response.text
    patched = response.json()
    assert patched["price"] == "99.90"
    assert patched["breed"] is None
    assert patched["name"] == PET["name"]
    assert patched["medicalInfo"]["vaccinated"] is True  # kept: merge, not replace
    assert patched["medicalInfo"]["microchipped"] is True
    cleared = await client.patch(f"/v1/pets/{pet['id']}", json={"name": None}, headers=staff.auth)
    assert cleared.status_code == 422
    assert cleared.json()["errors"][0]["field"] == "name"


async def test_a_bad_patch_value_is_named_by_its_field(
    client: httpx.AsyncClient, staff: Account, make_pet: MakePet
) -> None:
    """Regression: a field that a patch may leave out is a union with None to the validator,
    which reported a bad value twice, under member tags (``name.constrained-str``,
    ``name.none``). It is one error, under the field's name."""
    pet = await make_pet()
    response = await client.patch(
        f"/v1/pets/{pet['id']}",
        json={"name": "", "ageMonths": "3", "currency": "US"},
        headers=staff.auth,
    )
    assert sorted(field_errors(response)) == ["ageMonths", "currency", "name"]


async def test_delete_then_404(
    client: httpx.AsyncClient, staff: Account, make_pet: MakePet
) -> None:
    pet = await make_pet()
    deleted = await client.delete(f"/v1/pets/{pet['id']}", headers=staff.auth)
    assert deleted.status_code == 204
    assert deleted.content == b""
    assert (await client.get(f"/v1/pets/{pet['id']}")).status_code == 404
    again = await client.delete(f"/v1/pets/{pet['id']}", headers=staff.auth)
    assert again.status_code == 404


async def test_ids_malformed_400_unknown_404(client: httpx.AsyncClient) -> None:
    assert (await client.get("/v1/pets/not-a-uuid")).status_code == 400
    for unknown in ("00000000-0000-0000-0000-000000000000", str(uuid.uuid4())):
        response = await client.get(f"/v1/pets/{unknown}")
        assert response.status_code == 404
        assert response.json()["instance"] == f"/v1/pets/{unknown}"


async def test_etag_304_and_if_match_412(
    client: httpx.AsyncClient, staff: Account, make_pet: MakePet
) -> None:
    pet = await make_pet()
    url = f"/v1/pets/{pet['id']}"
    first = await client.get(url)
    etag = first.headers["etag"]
    assert etag.startswith('"')
    assert not etag.startswith("W/")
    cached = await client.get(url, headers={"If-None-Match": etag})
    assert cached.status_code == 304
    assert cached.content == b""
    stale = await client.patch(url, json={"name": "A"}, headers={**staff.auth, "If-Match": '"x"'})
    assert stale.status_code == 412
    assert (await client.get(url)).json()["name"] == PET["name"]  # nothing written
    fresh = await client.patch(url, json={"name": "B"}, headers={**staff.auth, "If-Match": etag})
    assert fresh.status_code == 200
    assert fresh.headers["etag"] != etag
    assert (await client.get(url, headers={"If-None-Match": etag})).status_code == 200
    gone = await client.delete(url, headers={**staff.auth, "If-Match": etag})
    assert gone.status_code == 412


async def test_writes_need_staff_scope(
    client: httpx.AsyncClient, user: Account, make_pet: MakePet
) -> None:
    pet = await make_pet()
    anonymous = await client.post("/v1/pets", json=PET)
    assert anonymous.status_code == 401
    assert anonymous.headers["www-authenticate"].startswith("Bearer")
    as_user = await client.post("/v1/pets", json=PET, headers=user.auth)
    assert as_user.status_code == 403
    for method in ("PUT", "PATCH", "DELETE"):
        r = await client.request(method, f"/v1/pets/{pet['id']}", json=PET, headers=user.auth)
        assert r.status_code == 403, method
        r = await client.request(method, f"/v1/pets/{pet['id']}", json=PET)
        assert r.status_code == 401, method


async def test_order_of_checks_auth_before_existence_before_body(
    client: httpx.AsyncClient, staff: Account
) -> None:
    unknown = f"/v1/pets/{uuid.uuid4()}"
    assert (await client.put(unknown, content=b"{broken")).status_code == 401
    assert (await client.put(unknown, content=b"{broken", headers=staff.auth)).status_code == 404
    assert (await client.post("/v1/pets", content=b"{broken")).status_code == 401
    broken = await client.post(
        "/v1/pets", content=b"{broken", headers={**staff.auth, "Content-Type": "application/json"}
    )
    assert broken.status_code == 400
    wrong_type = await client.post(
        "/v1/pets", content=b"name=x", headers={**staff.auth, "Content-Type": "text/plain"}
    )
    assert wrong_type.status_code == 415


async def test_body_validation_is_422_with_field_errors(
    client: httpx.AsyncClient, staff: Account
) -> None:
    response = await client.post(
        "/v1/pets",
        json={"name": "", "species": "DOG", "ageMonths": "3", "price": "1.234"},
        headers=staff.auth,
    )
    assert response.status_code == 422
    problem = response.json()
    assert problem["type"] == "https://petstoreapi.com/errors/validation-error"
    fields = {e["field"] for e in problem["errors"]}
    assert {"name", "ageMonths", "price"} <= fields
    assert all({"field", "message", "code"} <= e.keys() for e in problem["errors"])


async def test_nul_characters_are_refused_not_a_server_error(
    client: httpx.AsyncClient, staff: Account
) -> None:
    """Regression (found by the fuzz drill): PostgreSQL cannot store U+0000 in text, so a name
    holding one was a 500 there. It is a 422 on both databases; unknown fields stay ignored."""
    for body, field in (
        ({**PET, "name": "Re\u0000x"}, "name"),
        ({**PET, "photos": ["https://example.com/a\u0000.jpg"]}, "photos"),
    ):
        response = await client.post("/v1/pets", json=body, headers=staff.auth)
        assert response.status_code == 422, response.text
        assert [e["field"] for e in response.json()["errors"]] == [field]
    patched = await client.post("/v1/pets", json=PET, headers=staff.auth)
    refused = await client.patch(
        f"/v1/pets/{patched.json()['id']}", json={"description": "\u0000"}, headers=staff.auth
    )
    assert refused.status_code == 422, refused.text

    ignored = await client.post("/v1/pets", json={**PET, "x\u0000": "\u0000"}, headers=staff.auth)
    assert ignored.status_code == 201, ignored.text


async def test_tenants_never_see_each_other(
    app: Any, client: httpx.AsyncClient, make_pet: MakePet
) -> None:
    from tests.support.apps import make_client

    pet = await make_pet(name="Private")
    async with make_client(app, str(uuid.uuid4())) as other:
        assert (await other.get(f"/v1/pets/{pet['id']}")).status_code == 404
        assert "Private" not in [p["name"] for p in (await other.get("/v1/pets")).json()["data"]]
    async with make_client(app, None) as shared:
        assert (await shared.get(f"/v1/pets/{pet['id']}")).status_code == 404
    bad = await client.get("/v1/pets", headers={"X-Tenant-ID": "not-a-uuid"})
    assert bad.status_code == 400
    assert "X-Tenant-ID" in bad.json()["detail"]
