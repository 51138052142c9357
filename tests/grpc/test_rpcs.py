"""Every RPC of the gRPC door through a real grpcio client against a server process (SQLite,
and PostgreSQL when the test cluster is there), with REST beside it on the same process: what
one door changes, the other shows."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import grpc
import httpx
import pytest
from google.protobuf.field_mask_pb2 import FieldMask

from petstore.grpc.v1 import petstore_pb2 as pb
from tests.support.accounts import PASSWORD, Account, login, new_user
from tests.support.databases import empty_database
from tests.support.grpc import (
    CALL_SECONDS,
    GrpcClient,
    details,
    error_reason,
    grpc_server,
    violations,
)
from tests.support.grpc import metadata as md
from tests.support.payments import DECLINED_CARD, VISA, YEAR
from tests.support.pets import PET
from tests.support.servers import create_staff, petstore, server_client, server_env
from tests.support.settings import DATABASES

pytestmark = pytest.mark.e2e


@dataclass
class Store:
    """The server, its REST client in the module's tenant, and a staff account there."""

    grpc: GrpcClient
    rest: httpx.Client
    tenant: str
    staff: Account

    def customer(self) -> Account:
        body = new_user()
        assert self.rest.post("/v1/users", json=body).status_code == 201
        return Account.logged_in(login(self.rest, body["username"]), body["username"], PASSWORD)

    def pet(self, **fields: Any) -> dict[str, Any]:
        created = self.rest.post("/v1/pets", json={**PET, **fields}, headers=self.staff.auth)
        assert created.status_code == 201, created.text
        pet: dict[str, Any] = created.json()
        return pet

    def meta(self, account: Account | None = None) -> Any:
        return md(account.token if account else None, self.tenant)


@pytest.fixture(scope="module", params=DATABASES)
def store(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Store]:
    root = tmp_path_factory.mktemp(f"grpc-{request.param}")
    tenant = str(uuid.uuid4())
    with empty_database(request.param, root, "grpc") as url:
        env = server_env(url)
        petstore(env, "migrate")
        create_staff(env, "grpcstaff", PASSWORD, tenant)
        with grpc_server(env, root / "server.log") as client:
            with server_client(client.server.base_url, tenant) as rest:
                staff = Account.logged_in(login(rest, "grpcstaff"), "grpcstaff", PASSWORD)
                yield Store(client, rest, tenant, staff)
            assert "Traceback" not in client.server.log()


def failure(call: Any, *args: Any, **kwargs: Any) -> grpc.RpcError:
    with pytest.raises(grpc.RpcError) as caught:
        call(*args, timeout=CALL_SECONDS, **kwargs)
    return caught.value


def test_get_and_list_pets_show_what_rest_shows(store: Store) -> None:
    made = store.pet(name="Gizmo", breed="Pug", price="99.50", species="DOG", size="SMALL")
    pet = store.grpc.pets.GetPet(
        pb.GetPetRequest(id=made["id"]), metadata=store.meta(), timeout=CALL_SECONDS
    )
    assert (pet.name, pet.breed, pet.species, pet.status) == ("Gizmo", "Pug", pb.DOG, pb.AVAILABLE)
    assert (pet.price, pet.adoption_fee, pet.currency) == ("99.50", 99.5, "USD")
    assert (pet.size, pet.gender, pet.good_with_kids) == (pb.SIZE_SMALL, pb.GENDER_FEMALE, True)
    assert pet.medical_info.vaccinated
    assert not pet.medical_info.spayed_neutered
    assert not pet.medical_info.HasField("microchipped")  # unknown stays unknown
    assert pet.tenant_id == store.tenant
    assert pet.create_time.ToJsonString() == made["createdAt"]

    listed = store.grpc.pets.ListPets(
        pb.ListPetsRequest(species=pb.DOG, size=pb.SIZE_SMALL, limit=100),
        metadata=store.meta(),
        timeout=CALL_SECONDS,
    )
    rest = store.rest.get(
        "/v1/pets", params={"species": "DOG", "size": "SMALL", "limit": 100}
    ).json()
    assert [p.id for p in listed.pets] == [p["id"] for p in rest["data"]]
    assert listed.pagination.total_items == rest["pagination"]["totalItems"]


def test_list_pets_defaults_to_available_and_pages(store: Store) -> None:
    for age in range(3):
        store.pet(name="Pager", ageMonths=200 + age, species="REPTILE")
    store.pet(name="Pager", ageMonths=201, species="REPTILE", status="NOT_AVAILABLE")
    request = pb.ListPetsRequest(species=pb.REPTILE, age_min=200, age_max=202, limit=2, page=2)
    page = store.grpc.pets.ListPets(request, metadata=store.meta(), timeout=CALL_SECONDS)
    assert page.pagination == pb.Pagination(page=2, limit=2, total_items=3, total_pages=2)
    assert len(page.pets) == 1
    assert page.pets[0].status == pb.AVAILABLE
    hidden = pb.ListPetsRequest(species=pb.REPTILE, age_min=200, status=pb.NOT_AVAILABLE)
    assert store.grpc.pets.ListPets(hidden, metadata=store.meta()).pagination.total_items == 1


def test_an_unknown_pet_is_not_found_and_a_bad_id_names_its_field(store: Store) -> None:
    missing = failure(
        store.grpc.pets.GetPet, pb.GetPetRequest(id=str(uuid.uuid4())), metadata=store.meta()
    )
    assert missing.code() is grpc.StatusCode.NOT_FOUND
    assert error_reason(missing)[0] == "NOT_FOUND"
    bad = failure(store.grpc.pets.GetPet, pb.GetPetRequest(id="pet-1"), metadata=store.meta())
    assert bad.code() is grpc.StatusCode.INVALID_ARGUMENT
    assert violations(bad) == {"id": "uuid_parsing"}


def test_search_pets_has_the_rest_search_semantics(store: Store) -> None:
    for price in ("30.00", "10.00", "20.00"):
        store.pet(name="Searchable", species="BIRD", ageMonths=77, price=price)
    request = pb.SearchPetsRequest(
        criteria=pb.PetCriteria(species=[pb.BIRD], age_min=77, age_max=77, good_with_kids=True),
        sort=pb.PetSort(field=pb.PET_SORT_FIELD_PRICE, descending=True),
        limit=2,
    )
    found = store.grpc.pets.SearchPets(request, metadata=store.meta(), timeout=CALL_SECONDS)
    body = {
        "criteria": {"species": ["BIRD"], "ageRange": {"min": 77, "max": 77},
                     "compatibility": {"goodWithKids": True}},
        "sort": {"field": "price", "order": "DESC"},
        "pagination": {"page": 1, "limit": 2},
    }  # fmt: skip
    rest = store.rest.post("/v1/pets/search", json=body).json()
    assert [p.price for p in found.pets] == ["30.00", "20.00"]
    assert [p.id for p in found.pets] == [p["id"] for p in rest["data"]]
    assert found.pagination.total_items == 3 == rest["pagination"]["totalItems"]


def test_search_refusals_name_the_request_fields(store: Store) -> None:
    too_old = pb.SearchPetsRequest(criteria=pb.PetCriteria(age_min=5000), limit=101)
    error = failure(store.grpc.pets.SearchPets, too_old, metadata=store.meta())
    assert error.code() is grpc.StatusCode.INVALID_ARGUMENT
    assert set(violations(error)) == {"limit"}  # the page is checked first, as REST's query
    error = failure(
        store.grpc.pets.SearchPets,
        pb.SearchPetsRequest(criteria=pb.PetCriteria(age_min=5000)),
        metadata=store.meta(),
    )
    assert set(violations(error)) == {"criteria.age_min"}
    unknown = pb.SearchPetsRequest(criteria=pb.PetCriteria(species=[99]))  # type: ignore[list-item]
    error = failure(store.grpc.pets.SearchPets, unknown, metadata=store.meta())
    assert violations(error) == {"criteria.species[0]": "enum"}


def new_pet(**fields: Any) -> pb.Pet:
    values: dict[str, Any] = {
        "name": "Proto", "species": pb.CAT, "age_months": 30, "price": "75.25",
        "size": pb.SIZE_MEDIUM, "good_with_kids": False,
        "medical_info": pb.MedicalInfo(vaccinated=True, health_notes="Fine."),
    }  # fmt: skip
    values.update(fields)
    return pb.Pet(**values)


def test_staff_create_update_and_delete_pets(store: Store) -> None:
    staff = store.meta(store.staff)
    pets = store.grpc.pets
    created = pets.CreatePet(
        pb.CreatePetRequest(pet=new_pet()), metadata=staff, timeout=CALL_SECONDS
    )
    assert (created.status, created.currency, created.price) == (pb.AVAILABLE, "USD", "75.25")
    rest = store.rest.get(f"/v1/pets/{created.id}").json()
    assert (rest["name"], rest["species"], rest["goodWithKids"]) == ("Proto", "CAT", False)
    assert rest["medicalInfo"]["healthNotes"] == "Fine."

    masked = pb.UpdatePetRequest(
        pet=pb.Pet(id=created.id, name="Renamed", adoption_fee=80.5),
        update_mask=FieldMask(
            paths=["name", "adoption_fee", "good_with_kids", "medical_info.vaccinated"]
        ),
    )
    updated = pets.UpdatePet(masked, metadata=staff, timeout=CALL_SECONDS)
    assert (updated.name, updated.price, updated.species) == ("Renamed", "80.50", pb.CAT)
    assert not updated.HasField("good_with_kids")  # named but unset: cleared
    assert not updated.medical_info.HasField("vaccinated")
    assert updated.medical_info.health_notes == "Fine."  # not named: kept

    whole = pb.UpdatePetRequest(pet=new_pet(id=created.id, name="Whole", status=pb.NOT_AVAILABLE))
    replaced = pets.UpdatePet(whole, metadata=staff, timeout=CALL_SECONDS)
    assert (replaced.name, replaced.status, replaced.price) == ("Whole", pb.NOT_AVAILABLE, "75.25")

    pets.DeletePet(pb.DeletePetRequest(id=created.id), metadata=staff, timeout=CALL_SECONDS)
    assert store.rest.get(f"/v1/pets/{created.id}").status_code == 404


def test_pet_writes_are_refused_by_the_domain_rules(store: Store) -> None:
    staff = store.meta(store.staff)
    pets = store.grpc.pets
    error = failure(
        pets.CreatePet,
        pb.CreatePetRequest(pet=new_pet(age_months=-1, price="1.001")),
        metadata=staff,
    )
    assert error.code() is grpc.StatusCode.INVALID_ARGUMENT
    assert {"pet.age_months", "pet.price"} <= set(violations(error))
    error = failure(pets.CreatePet, pb.CreatePetRequest(pet=pb.Pet(species=pb.DOG)), metadata=staff)
    assert {"pet.name", "pet.price"} <= set(violations(error))
    pet_id = store.pet()["id"]
    for paths, field in ((["id"], "update_mask"), (["owner"], "update_mask"), (["name"], "name")):
        request = pb.UpdatePetRequest(pet=pb.Pet(id=pet_id), update_mask=FieldMask(paths=paths))
        error = failure(pets.UpdatePet, request, metadata=staff)
        assert error.code() is grpc.StatusCode.INVALID_ARGUMENT, paths
        assert field in violations(error) or f"pet.{field}" in violations(error), violations(error)
    assert store.rest.get(f"/v1/pets/{pet_id}").json()["name"] == PET["name"]  # untouched


def test_pet_writes_need_a_staff_token(store: Store) -> None:
    pets, request = store.grpc.pets, pb.CreatePetRequest(pet=new_pet())
    assert (
        failure(pets.CreatePet, request, metadata=store.meta()).code()
        is grpc.StatusCode.UNAUTHENTICATED
    )
    forged = md("not-a-token", store.tenant)
    assert (
        failure(pets.CreatePet, request, metadata=forged).code() is grpc.StatusCode.UNAUTHENTICATED
    )
    denied = failure(pets.CreatePet, request, metadata=store.meta(store.customer()))
    assert denied.code() is grpc.StatusCode.PERMISSION_DENIED
    assert "write:pets" in (denied.details() or "")
    delete = pb.DeletePetRequest(id=store.pet()["id"])
    assert (
        failure(pets.DeletePet, delete, metadata=store.meta(store.customer())).code()
        is grpc.StatusCode.PERMISSION_DENIED
    )


def test_tenants_are_isolated(store: Store) -> None:
    pet_id = store.pet()["id"]
    shared_pool = failure(store.grpc.pets.GetPet, pb.GetPetRequest(id=pet_id), metadata=md())
    assert shared_pool.code() is grpc.StatusCode.NOT_FOUND
    other = str(uuid.uuid4())
    staff_elsewhere = md(store.staff.token, other)
    error = failure(
        store.grpc.pets.CreatePet, pb.CreatePetRequest(pet=new_pet()), metadata=staff_elsewhere
    )
    assert error.code() is grpc.StatusCode.PERMISSION_DENIED  # a token works in its tenant only
    bad = failure(store.grpc.pets.GetPet, pb.GetPetRequest(id=pet_id), metadata=md(None, "acme"))
    assert bad.code() is grpc.StatusCode.INVALID_ARGUMENT
    assert violations(bad) == {"x-tenant-id": "uuid_parsing"}


def test_orders_place_read_list_and_cancel(store: Store) -> None:
    buyer = store.customer()
    orders = store.grpc.orders
    pet = store.pet(price="42.00")
    order = orders.PlaceOrder(
        pb.PlaceOrderRequest(pet_id=pet["id"]), metadata=store.meta(buyer), timeout=CALL_SECONDS
    )
    assert (order.status, order.total_amount, order.user_id) == (
        pb.ORDER_STATUS_PLACED,
        "42.00",
        buyer.id,
    )
    assert store.rest.get(f"/v1/pets/{pet['id']}").json()["status"] == "PENDING"
    again = orders.GetOrder(
        pb.GetOrderRequest(id=order.id), metadata=store.meta(buyer), timeout=CALL_SECONDS
    )
    assert again == order
    mine = orders.ListOrders(
        pb.ListOrdersRequest(), metadata=store.meta(buyer), timeout=CALL_SECONDS
    )
    assert [o.id for o in mine.orders] == [order.id]
    assert mine.pagination.total_items == 1

    conflict = failure(
        orders.PlaceOrder,
        pb.PlaceOrderRequest(pet_id=pet["id"]),
        metadata=store.meta(store.customer()),
    )
    assert conflict.code() is grpc.StatusCode.FAILED_PRECONDITION
    assert error_reason(conflict) == ("CONFLICT", {"petStatus": "PENDING"})
    assert "PreconditionFailure" in details(conflict)
    in_use = failure(
        store.grpc.pets.DeletePet,
        pb.DeletePetRequest(id=pet["id"]),
        metadata=store.meta(store.staff),
    )
    assert in_use.code() is grpc.StatusCode.FAILED_PRECONDITION

    cancelled = orders.CancelOrder(
        pb.CancelOrderRequest(id=order.id), metadata=store.meta(buyer), timeout=CALL_SECONDS
    )
    assert cancelled.status == pb.ORDER_STATUS_CANCELLED
    assert store.rest.get(f"/v1/pets/{pet['id']}").json()["status"] == "AVAILABLE"


def test_another_users_order_is_not_found(store: Store) -> None:
    owner, stranger = store.customer(), store.customer()
    order = store.grpc.orders.PlaceOrder(
        pb.PlaceOrderRequest(pet_id=store.pet()["id"]), metadata=store.meta(owner)
    )
    for call, request in (
        (store.grpc.orders.GetOrder, pb.GetOrderRequest(id=order.id)),
        (store.grpc.orders.CancelOrder, pb.CancelOrderRequest(id=order.id)),
        (store.grpc.orders.PayOrder, card_payment(order.id, "1.00")),
    ):
        assert (
            failure(call, request, metadata=store.meta(stranger)).code()
            is grpc.StatusCode.NOT_FOUND
        )
    theirs = store.grpc.orders.ListOrders(
        pb.ListOrdersRequest(user_id=owner.id), metadata=store.meta(stranger)
    )
    assert list(theirs.orders) == []  # a user sees their own orders, whatever they ask for
    staff = store.grpc.orders.ListOrders(
        pb.ListOrdersRequest(user_id=owner.id), metadata=store.meta(store.staff)
    )
    assert [o.id for o in staff.orders] == [order.id]
    anonymous = failure(
        store.grpc.orders.GetOrder, pb.GetOrderRequest(id=order.id), metadata=store.meta()
    )
    assert anonymous.code() is grpc.StatusCode.UNAUTHENTICATED


def card_payment(order_id: str, amount: str, number: str = VISA) -> pb.PayOrderRequest:
    card = pb.Card(name="Ada Lovelace", number=number, cvc="123", exp_month=12, exp_year=YEAR + 2)
    return pb.PayOrderRequest(order_id=order_id, amount=amount, currency="USD", card=card)


def test_pay_order_by_card_and_bank_account(store: Store) -> None:
    buyer = store.customer()
    orders = store.grpc.orders
    bank = pb.BankAccount(
        account_holder_name="Ada",
        account_number="000123456789",
        routing_number="110000000",
        account_type="CHECKING",
    )

    def by_bank(order_id: str) -> pb.PayOrderRequest:
        return pb.PayOrderRequest(
            order_id=order_id, amount="64.00", currency="USD", bank_account=bank
        )

    def by_card(order_id: str) -> pb.PayOrderRequest:
        return card_payment(order_id, "64.00")

    for request_of in (by_card, by_bank):
        order = orders.PlaceOrder(
            pb.PlaceOrderRequest(pet_id=store.pet(price="64.00")["id"]), metadata=store.meta(buyer)
        )
        paid = orders.PayOrder(
            request_of(order.id), metadata=store.meta(buyer), timeout=CALL_SECONDS
        )
        assert (paid.status, paid.amount, paid.order_id) == (
            pb.PAYMENT_STATUS_SUCCEEDED,
            "64.00",
            order.id,
        )
        assert paid.receipt_id
        assert paid.last4 in ("4242", "6789")
        assert "424242424242" not in str(paid)
        assert "00012345" not in str(paid)
        now = orders.GetOrder(pb.GetOrderRequest(id=order.id), metadata=store.meta(buyer))
        assert now.status == pb.ORDER_STATUS_APPROVED


def test_a_declined_payment_is_recorded_then_reported(store: Store) -> None:
    buyer = store.customer()
    order = store.grpc.orders.PlaceOrder(
        pb.PlaceOrderRequest(pet_id=store.pet(price="9.00")["id"]), metadata=store.meta(buyer)
    )
    declined = failure(
        store.grpc.orders.PayOrder,
        card_payment(order.id, "9.00", DECLINED_CARD),
        metadata=store.meta(buyer),
    )
    assert declined.code() is grpc.StatusCode.FAILED_PRECONDITION
    reason, facts = error_reason(declined)
    assert reason == "PAYMENT_DECLINED"
    assert facts["payment_id"]
    attempts = store.rest.get(f"/v1/orders/{order.id}/payments", headers=buyer.auth).json()
    assert [(a["id"], a["status"]) for a in attempts["data"]] == [(facts["payment_id"], "FAILED")]
    wrong = failure(
        store.grpc.orders.PayOrder, card_payment(order.id, "8.00"), metadata=store.meta(buyer)
    )
    assert wrong.code() is grpc.StatusCode.INVALID_ARGUMENT
    assert "amount" in violations(wrong)
    bad_card = card_payment(order.id, "9.00", "42")
    assert "card.number" in violations(
        failure(store.grpc.orders.PayOrder, bad_card, metadata=store.meta(buyer))
    )
    no_source = pb.PayOrderRequest(order_id=order.id, amount="9.00", currency="USD")
    assert violations(
        failure(store.grpc.orders.PayOrder, no_source, metadata=store.meta(buyer))
    ) == {"source": "missing"}


def test_inventory_counts_the_tenants_pets(store: Store) -> None:
    inventory = store.grpc.inventory.GetInventory(
        pb.GetInventoryRequest(), metadata=store.meta(store.staff), timeout=CALL_SECONDS
    )
    rest = store.rest.get("/v1/inventory", headers=store.staff.auth).json()
    assert inventory.counts.available == rest["available"]
    assert inventory.counts.total == rest["total"]
    by_species = {pb.Species.Name(s.species): s.counts.total for s in inventory.by_species}
    assert by_species == {name: counts["total"] for name, counts in rest["bySpecies"].items()}
    anonymous = failure(
        store.grpc.inventory.GetInventory, pb.GetInventoryRequest(), metadata=store.meta()
    )
    assert anonymous.code() is grpc.StatusCode.UNAUTHENTICATED


def test_watch_pets_hears_a_change_made_through_rest(store: Store) -> None:
    pet = store.pet()
    stream = store.grpc.pets.WatchPets(
        pb.WatchPetsRequest(pet_id=pet["id"]), metadata=store.meta(), timeout=CALL_SECONDS
    )
    stream.initial_metadata()  # sent once the server listens
    store.pet()  # another pet's event: not for this stream
    buyer = store.customer()
    assert (
        store.rest.post("/v1/orders", json={"petId": pet["id"]}, headers=buyer.auth).status_code
        == 201
    )
    event = next(stream)
    assert (event.event_type, event.pet.id, event.pet.status) == (
        "pet.statusChanged",
        pet["id"],
        pb.PENDING,
    )
    assert event.previous_status == pb.AVAILABLE
    assert event.event_id
    stream.cancel()
    unknown = store.grpc.pets.WatchPets(
        pb.WatchPetsRequest(pet_id=str(uuid.uuid4())), metadata=store.meta(), timeout=CALL_SECONDS
    )
    with pytest.raises(grpc.RpcError) as caught:
        next(unknown)
    assert caught.value.code() is grpc.StatusCode.NOT_FOUND


def test_watch_order_follows_one_visible_order(store: Store) -> None:
    buyer = store.customer()
    order = store.grpc.orders.PlaceOrder(
        pb.PlaceOrderRequest(pet_id=store.pet()["id"]), metadata=store.meta(buyer)
    )
    stranger = store.grpc.orders.WatchOrder(
        pb.WatchOrderRequest(order_id=order.id),
        metadata=store.meta(store.customer()),
        timeout=CALL_SECONDS,
    )
    with pytest.raises(grpc.RpcError) as caught:
        next(stranger)
    assert caught.value.code() is grpc.StatusCode.NOT_FOUND
    stream = store.grpc.orders.WatchOrder(
        pb.WatchOrderRequest(order_id=order.id), metadata=store.meta(buyer), timeout=CALL_SECONDS
    )
    stream.initial_metadata()
    assert store.rest.delete(f"/v1/orders/{order.id}", headers=buyer.auth).status_code == 204
    event = next(stream)
    assert (event.event_type, event.order.id, event.order.status) == (
        "order.statusChanged",
        order.id,
        pb.ORDER_STATUS_CANCELLED,
    )
    stream.cancel()
