"""The classic pet operations, in JSON and XML, on the reference's seed."""

from __future__ import annotations

import httpx

from tests.support.classic import (
    V3,
    XML,
    XML_BODY,
    assert_plain,
    json_ok,
    pet_xml,
    texts,
    xml_of,
)

AVAILABLE_SEED = [1, 2, 4, 7, 8, 9, 10]


async def test_the_seed_is_the_reference_s(client: httpx.AsyncClient) -> None:
    pets = [json_ok(await client.get(f"{V3}/pet/{n}")) for n in range(1, 11)]
    assert [p["name"] for p in pets] == [
        *("Cat 1", "Cat 2", "Cat 3", "Dog 1", "Dog 2", "Dog 3"),
        *("Lion 1", "Lion 2", "Lion 3", "Rabbit 1"),
    ]
    assert {p["id"]: p["status"] for p in pets if p["status"] != "available"} == {
        3: "pending",
        5: "sold",
        6: "pending",
    }
    assert pets[0]["category"] == {"id": 2, "name": "Cats"}
    assert pets[9]["category"] == {"id": 3, "name": "Rabbits"}
    assert pets[6]["photoUrls"] == ["url1", "url2"]
    assert pets[6]["tags"] == [{"id": 1, "name": "tag1"}, {"id": 2, "name": "tag2"}]


async def test_find_by_status_defaults_to_available_and_takes_lists(
    client: httpx.AsyncClient,
) -> None:
    found = json_ok(await client.get(f"{V3}/pet/findByStatus"))
    assert [p["id"] for p in found] == AVAILABLE_SEED
    repeated = await client.get(f"{V3}/pet/findByStatus?status=pending&status=sold")
    assert [p["id"] for p in json_ok(repeated)] == [3, 5, 6]
    commas = await client.get(f"{V3}/pet/findByStatus", params={"status": "sold,pending"})
    assert [p["id"] for p in json_ok(commas)] == [3, 5, 6]
    as_xml = xml_of(await client.get(f"{V3}/pet/findByStatus?status=sold", headers=XML), "pets")
    assert texts(as_xml, "pet/name") == ["Dog 2"]
    bad = await client.get(f"{V3}/pet/findByStatus?status=lost")
    assert_plain(bad, 400, "Invalid status value")


async def test_find_by_tags_with_repeated_tags(client: httpx.AsyncClient) -> None:
    found = await client.get(f"{V3}/pet/findByTags?tags=tag1&tags=tag4")
    assert [p["id"] for p in json_ok(found)] == [1, 3, 4, 6, 7, 9, 10]
    as_xml = await client.get(f"{V3}/pet/findByTags?tags=tag4", headers=XML)
    assert texts(xml_of(as_xml, "pets"), "pet/id") == ["3", "6", "9", "10"]
    assert json_ok(await client.get(f"{V3}/pet/findByTags?tags=none")) == []


async def test_a_pet_in_xml_has_the_classic_element_names(client: httpx.AsyncClient) -> None:
    pet = xml_of(await client.get(f"{V3}/pet/4", headers=XML), "pet")
    assert texts(pet, "id") == ["4"]
    assert texts(pet, "category/name") == ["Dogs"]
    assert texts(pet, "photoUrls/photoUrl") == ["url1", "url2"]
    assert texts(pet, "tags/tag/name") == ["tag1", "tag2"]
    assert texts(pet, "status") == ["available"]


async def test_add_pet_in_json_xml_and_form(client: httpx.AsyncClient) -> None:
    body = {"name": "doggie", "photoUrls": ["p.png"], "tags": [{"id": 1, "name": "t"}]}
    added = json_ok(await client.post(f"{V3}/pet", json=body))
    assert added == {"id": 11, **body}  # no id: the next free one
    from_xml = await client.post(f"{V3}/pet", content=pet_xml(42), headers=XML_BODY | XML)
    pet = xml_of(from_xml, "pet")
    assert texts(pet, "photoUrls/photoUrl") == ["a.png", "b.png"]
    stored = json_ok(await client.get(f"{V3}/pet/42"))
    assert stored == {
        "id": 42,
        "name": "Rex",
        "category": {"id": 1, "name": "Dogs"},
        "photoUrls": ["a.png", "b.png"],
        "tags": [{"id": 7, "name": "good"}],
        "status": "pending",
    }
    form = {"name": "Formy", "status": "sold", "photoUrls": ["x", "y"]}
    from_form = json_ok(await client.post(f"{V3}/pet", data=form))
    assert from_form == {"id": 43, "name": "Formy", "photoUrls": ["x", "y"], "tags": [],
                         "status": "sold"}  # fmt: skip


async def test_add_pet_with_an_existing_id_replaces_it(client: httpx.AsyncClient) -> None:
    json_ok(await client.post(f"{V3}/pet", json={"id": 1, "name": "New", "photoUrls": []}))
    assert json_ok(await client.get(f"{V3}/pet/1")) == {
        "id": 1, "name": "New", "photoUrls": [], "tags": []
    }  # fmt: skip


async def test_update_pet_replaces_an_existing_pet_only(client: httpx.AsyncClient) -> None:
    body = {"id": 2, "name": "Kitty", "photoUrls": ["k"], "status": "sold"}
    assert json_ok(await client.put(f"{V3}/pet", json=body))["name"] == "Kitty"
    assert json_ok(await client.get(f"{V3}/pet/2"))["status"] == "sold"
    as_xml = await client.put(f"{V3}/pet", content=pet_xml(2), headers=XML_BODY)
    assert json_ok(as_xml)["name"] == "Rex"
    missing = await client.put(f"{V3}/pet", json={**body, "id": 999})
    assert_plain(missing, 404, "Pet not found")
    no_id = await client.put(f"{V3}/pet", json={"name": "x", "photoUrls": []})
    assert_plain(no_id, 400, "Invalid ID supplied")


async def test_update_pet_with_form_takes_query_parameters(client: httpx.AsyncClient) -> None:
    updated = await client.post(f"{V3}/pet/3?name=Tom&status=sold")
    assert json_ok(updated)["name"] == "Tom"
    assert json_ok(await client.get(f"{V3}/pet/3"))["status"] == "sold"
    only_name = xml_of(await client.post(f"{V3}/pet/3?name=Tim", headers=XML), "pet")
    assert texts(only_name, "status") == ["sold"]
    assert_plain(await client.post(f"{V3}/pet/3?status=lost"), 400, "Invalid input")
    assert_plain(await client.post(f"{V3}/pet/404?name=x"), 404, "Pet not found")


async def test_delete_pet_accepts_the_api_key_header(client: httpx.AsyncClient) -> None:
    deleted = await client.delete(f"{V3}/pet/5", headers={"api_key": "special-key"})
    assert_plain(deleted, 200, "Pet deleted")
    assert_plain(await client.get(f"{V3}/pet/5"), 404, "Pet not found")
    assert_plain(await client.delete(f"{V3}/pet/5"), 404, "Pet not found")
    assert_plain(await client.delete(f"{V3}/pet/five"), 400, "Invalid pet value")


async def test_upload_image_takes_octet_stream_and_metadata(client: httpx.AsyncClient) -> None:
    octets = {"Content-Type": "application/octet-stream"}
    url = f"{V3}/pet/1/uploadImage?additionalMetadata=front"
    uploaded = json_ok(await client.post(url, content=b"\x89PNG\r\n", headers=octets))
    assert uploaded == {
        "code": 200,
        "type": "unknown",
        "message": "additionalMetadata: front\nFile uploaded, 6 bytes",
    }
    as_xml = await client.post(f"{V3}/pet/1/uploadImage", content=b"abc", headers=octets | XML)
    assert texts(xml_of(as_xml, "apiResponse"), "message") == ["File uploaded, 3 bytes"]
    empty = await client.post(f"{V3}/pet/1/uploadImage", content=b"", headers=octets)
    assert_plain(empty, 400, "No file uploaded")
    missing = await client.post(f"{V3}/pet/99/uploadImage", content=b"x", headers=octets)
    assert_plain(missing, 404, "Pet not found")
    wrong = await client.post(f"{V3}/pet/1/uploadImage", json={"a": 1})
    assert wrong.status_code == 415
