"""Between protobuf messages and the domain's wire forms.

Outward, a message is built from the same dict the REST door sends (``pet_payload``,
``order_payload``...), so both doors show a resource the same way and an event's payload (which
is that dict) becomes a message too. Inward, a request becomes the dict a REST client would send
and is validated by the same pydantic model (``PetWrite``, ``PaymentCreate``...): the rules live
once, in the domain, and this module only renames.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from google.protobuf.field_mask_pb2 import FieldMask
from google.protobuf.timestamp_pb2 import Timestamp

from petstore.core.errors import InvalidInput
from petstore.grpc.v1 import petstore_pb2 as pb

# Enums whose proto values carry a prefix (buf style); Species and Status keep the published,
# unprefixed names, which are the domain's own.
SIZE = "SIZE_"
GENDER = "GENDER_"
ORDER_STATUS = "ORDER_STATUS_"
PAYMENT_STATUS = "PAYMENT_STATUS_"
SORT_FIELD = "PET_SORT_FIELD_"

# Pet fields as a client writes them: proto name -> wire name (the REST body's).
PET_FIELDS = {
    "name": "name",
    "species": "species",
    "breed": "breed",
    "age_months": "ageMonths",
    "status": "status",
    "adoption_fee": "adoptionFee",
    "currency": "currency",
    "price": "price",
    "size": "size",
    "color": "color",
    "gender": "gender",
    "good_with_kids": "goodWithKids",
    "description": "description",
    "medical_info": "medicalInfo",
    "photos": "photos",
}
MEDICAL_FIELDS = {
    "vaccinated": "vaccinated",
    "spayed_neutered": "spayedNeutered",
    "microchipped": "microchipped",
    "special_needs": "specialNeeds",
    "health_notes": "healthNotes",
}
OUTPUT_ONLY = frozenset({"id", "tenant_id", "create_time", "update_time"})
SORT_FIELDS = {"AGE_MONTHS": "ageMonths", "PRICE": "price", "NAME": "name"}


def validation_failed(field: str, message: str, code: str) -> InvalidInput:
    return InvalidInput(
        "The request is invalid.", errors=[{"field": field, "message": message, "code": code}]
    )


def proto_field(wire_path: str) -> str:
    """``medicalInfo.spayedNeutered`` → ``medical_info.spayed_neutered``: a field violation
    names the field the gRPC client set."""
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", wire_path).lower()


def parse_id(value: str, field: str) -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except ValueError:
        raise validation_failed(field, "must be a UUID", "uuid_parsing") from None


def optional_id(value: str, field: str) -> uuid.UUID | None:
    return parse_id(value, field) if value else None


def _timestamp(text: str) -> Timestamp:
    stamp = Timestamp()
    stamp.FromJsonString(text)
    return stamp


def _enum_name(enum: Any, number: int, field: str, prefix: str = "") -> str | None:
    """The domain's name of a proto enum value; ``None`` for ``..._UNSPECIFIED``."""
    if number == 0:
        return None
    try:
        name: str = enum.Name(number)
    except ValueError:
        raise validation_failed(field, f"{number} is not a known value", "enum") from None
    return name.removeprefix(prefix)


def species_name(number: int, field: str = "species") -> str | None:
    return _enum_name(pb.Species, number, field)


def status_name(number: int, field: str = "status") -> str | None:
    return _enum_name(pb.Status, number, field)


def size_name(number: int, field: str = "size") -> str | None:
    return _enum_name(pb.Size, number, field, SIZE)


def order_status_name(number: int, field: str = "status") -> str | None:
    return _enum_name(pb.OrderStatus, number, field, ORDER_STATUS)


def _names(numbers: Sequence[int], name_of: Any, field: str) -> list[str] | None:
    names = [name_of(n, f"{field}[{i}]") for i, n in enumerate(numbers)]
    if None in names:
        raise validation_failed(field, "holds an UNSPECIFIED value", "enum")
    return names or None


# Outward -----------------------------------------------------------------------------------


def pet_message(payload: Mapping[str, Any]) -> pb.Pet:
    medical = payload["medicalInfo"]
    return pb.Pet(
        id=payload["id"],
        name=payload["name"],
        species=pb.Species.Value(payload["species"]),
        breed=payload["breed"] or "",
        age_months=payload["ageMonths"],
        status=pb.Status.Value(payload["status"]),
        adoption_fee=float(payload["price"]),
        currency=payload["currency"],
        price=payload["price"],
        size=pb.Size.Value(SIZE + (payload["size"] or "UNSPECIFIED")),
        color=payload["color"] or "",
        gender=pb.Gender.Value(GENDER + (payload["gender"] or "UNSPECIFIED")),
        good_with_kids=payload["goodWithKids"],
        description=payload["description"] or "",
        medical_info=pb.MedicalInfo(
            vaccinated=medical["vaccinated"],
            spayed_neutered=medical["spayedNeutered"],
            microchipped=medical["microchipped"],
            special_needs=medical["specialNeeds"],
            health_notes=medical["healthNotes"] or "",
        ),
        photos=payload["photos"],
        tenant_id=payload["tenantId"] or "",
        create_time=_timestamp(payload["createdAt"]),
        update_time=_timestamp(payload["updatedAt"]),
    )


def order_message(payload: Mapping[str, Any]) -> pb.Order:
    return pb.Order(
        id=payload["id"],
        pet_id=payload["petId"],
        user_id=payload["userId"],
        status=pb.OrderStatus.Value(ORDER_STATUS + payload["status"]),
        total_amount=payload["totalAmount"],
        currency=payload["currency"],
        tenant_id=payload["tenantId"] or "",
        create_time=_timestamp(payload["createdAt"]),
        update_time=_timestamp(payload["updatedAt"]),
    )


def payment_message(payload: Mapping[str, Any]) -> pb.Payment:
    source = payload["source"]
    return pb.Payment(
        id=payload["id"],
        order_id=payload["orderId"],
        amount=payload["amount"],
        currency=payload["currency"],
        status=pb.PaymentStatus.Value(PAYMENT_STATUS + payload["status"]),
        method=source["object"],
        last4=source["last4"],
        brand=source.get("brand") or "",
        receipt_id=payload["receiptId"] or "",
        failure_message=payload["failureMessage"] or "",
        create_time=_timestamp(payload["createdAt"]),
    )


def pagination_message(page: int, limit: int, total: int) -> pb.Pagination:
    pages = -(-total // limit) if total else 0
    return pb.Pagination(page=page, limit=limit, total_items=total, total_pages=pages)


def inventory_message(summary: Mapping[str, Any]) -> pb.GetInventoryResponse:
    def counts(values: Mapping[str, int]) -> pb.StatusCounts:
        return pb.StatusCounts(
            available=values["available"],
            pending=values["pending"],
            adopted=values["adopted"],
            not_available=values["notAvailable"],
            total=values["total"],
        )

    return pb.GetInventoryResponse(
        counts=counts(summary),
        by_species=[
            pb.SpeciesCounts(species=pb.Species.Value(name), counts=counts(values))
            for name, values in sorted(summary["bySpecies"].items())
        ],
    )


# Inward ------------------------------------------------------------------------------------


def page_of(page: int, limit: int) -> tuple[int, int]:
    """``0`` means the default, as an unset proto3 field reads; the ranges are REST's."""
    page, limit = page or 1, limit or 20
    if not 1 <= page <= 1_000_000:
        raise validation_failed("page", "must be between 1 and 1000000", "range")
    if not 1 <= limit <= 100:
        raise validation_failed("limit", "must be between 1 and 100", "range")
    return page, limit


def _pet_value(pet: pb.Pet, field: str) -> Any:
    """One field of ``pet`` as the REST body would carry it; ``None`` when unset."""
    if field == "medical_info":
        if not pet.HasField("medical_info"):
            return None
        return {
            wire: _medical_value(pet.medical_info, name) for name, wire in MEDICAL_FIELDS.items()
        }
    value = getattr(pet, field)
    if field == "species":
        return species_name(value)
    if field == "status":
        return status_name(value)
    if field == "size":
        return size_name(value)
    if field == "gender":
        return _enum_name(pb.Gender, value, "gender", GENDER)
    if field == "good_with_kids":
        return pet.good_with_kids if pet.HasField("good_with_kids") else None
    if field == "photos":
        return list(value) or None
    if field == "adoption_fee":
        return value or None
    if field == "age_months":
        return value
    return value or None  # an empty string is an unset one


def _medical_value(medical: pb.MedicalInfo, field: str) -> Any:
    if field == "health_notes":
        return medical.health_notes or None
    return getattr(medical, field) if medical.HasField(field) else None  # type: ignore[arg-type]


def pet_write(pet: pb.Pet) -> dict[str, Any]:
    """The whole pet as a REST body: what ``PetWrite`` validates (create, replace)."""
    body = {wire: _pet_value(pet, name) for name, wire in PET_FIELDS.items()}
    if body["price"] is not None:
        del body["adoptionFee"]  # the exact text wins over the double
    if body["status"] is None:
        del body["status"]  # the model's default, AVAILABLE
    if body["currency"] is None:
        del body["currency"]  # the model's default, USD
    return {key: value for key, value in body.items() if value is not None or key == "price"}


def pet_patch(pet: pb.Pet, mask: FieldMask) -> dict[str, Any]:
    """An RFC 7396 merge patch of the fields ``mask`` names, for ``PetPatch``: a named field
    that is unset in ``pet`` is cleared, as ``null`` clears it in REST."""
    patch: dict[str, Any] = {}
    for path in mask.paths:
        head, _, sub = path.partition(".")
        if head in OUTPUT_ONLY:
            raise validation_failed("update_mask", f"{path} is output only", "read_only")
        if head not in PET_FIELDS or (
            sub and (head != "medical_info" or sub not in MEDICAL_FIELDS)
        ):
            raise validation_failed("update_mask", f"{path} is not a field of Pet", "unknown")
        if sub:
            medical = patch.setdefault("medicalInfo", {})
            if isinstance(medical, dict):
                medical[MEDICAL_FIELDS[sub]] = _medical_value(pet.medical_info, sub)
        elif head == "adoption_fee":
            patch["price"] = _fee_text(pet.adoption_fee) if pet.adoption_fee else None
        else:
            patch[PET_FIELDS[head]] = _pet_value(pet, head)
    if not patch:
        raise validation_failed("update_mask", "names no field", "empty")
    return patch


def _fee_text(fee: float) -> str:
    return format(fee, "f").rstrip("0").rstrip(".")


def _flag(message: Any, field: str) -> bool | None:
    return bool(getattr(message, field)) if message.HasField(field) else None


def _age(message: Any, field: str) -> int | None:
    return int(getattr(message, field)) if message.HasField(field) else None


def pet_search(request: pb.SearchPetsRequest) -> dict[str, Any]:
    """The body of ``QUERY /v1/pets``, for ``PetSearch``."""
    page, limit = page_of(request.page, request.limit)
    body: dict[str, Any] = {"pagination": {"page": page, "limit": limit}}
    if request.HasField("criteria"):
        c = request.criteria
        body["criteria"] = {
            "species": _names(c.species, species_name, "criteria.species"),
            "status": _names(c.status, status_name, "criteria.status"),
            "size": _names(c.size, size_name, "criteria.size"),
            "ageRange": {"min": _age(c, "age_min"), "max": _age(c, "age_max")},
            "compatibility": {"goodWithKids": _flag(c, "good_with_kids")},
            "medical": {
                "vaccinated": _flag(c, "vaccinated"),
                "spayedNeutered": _flag(c, "spayed_neutered"),
                "specialNeeds": _flag(c, "special_needs"),
            },
        }
    if request.HasField("sort"):
        field = _enum_name(pb.PetSortField, request.sort.field, "sort.field", SORT_FIELD)
        body["sort"] = {
            "field": SORT_FIELDS.get(field or "", "createdAt"),
            "order": "DESC" if request.sort.descending else "ASC",
        }
    return body


def payment_body(request: pb.PayOrderRequest) -> dict[str, Any]:
    """The body of ``POST /v1/orders/{id}/payment``, for ``PaymentCreate``."""
    source: dict[str, Any]
    kind = request.WhichOneof("source")
    if kind == "card":
        card = request.card
        source = {
            "object": "card",
            "name": card.name,
            "number": card.number,
            "cvc": card.cvc or None,
            "expMonth": card.exp_month,
            "expYear": card.exp_year,
        }
    elif kind == "bank_account":
        bank = request.bank_account
        source = {
            "object": "bank_account",
            "accountHolderName": bank.account_holder_name,
            "accountNumber": bank.account_number,
            "routingNumber": bank.routing_number or None,
            "sortCode": bank.sort_code or None,
            "accountType": bank.account_type or None,
            "bankName": bank.bank_name or None,
            "country": bank.country or None,
        }
    else:
        raise validation_failed("source", "set card or bank_account", "missing")
    source = {key: value for key, value in source.items() if value is not None}
    return {"amount": request.amount, "currency": request.currency, "source": source}
