from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define

from ..models.order_status import OrderStatus

if TYPE_CHECKING:
    from ..models.order_links import OrderLinks


T = TypeVar("T", bound="Order")


@_attrs_define
class Order:
    """
    Attributes:
        id (UUID):
        pet_id (UUID):
        user_id (UUID):
        status (OrderStatus):
        total_amount (str):
        currency (str):
        tenant_id (None | UUID):
        created_at (datetime.datetime):
        updated_at (datetime.datetime):
        links (OrderLinks):
    """

    id: UUID
    pet_id: UUID
    user_id: UUID
    status: OrderStatus
    total_amount: str
    currency: str
    tenant_id: None | UUID
    created_at: datetime.datetime
    updated_at: datetime.datetime
    links: OrderLinks

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        pet_id = str(self.pet_id)

        user_id = str(self.user_id)

        status = self.status.value

        total_amount = self.total_amount

        currency = self.currency

        tenant_id: None | str
        if isinstance(self.tenant_id, UUID):
            tenant_id = str(self.tenant_id)
        else:
            tenant_id = self.tenant_id

        created_at = self.created_at.isoformat()

        updated_at = self.updated_at.isoformat()

        links = self.links.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "id": id,
                "petId": pet_id,
                "userId": user_id,
                "status": status,
                "totalAmount": total_amount,
                "currency": currency,
                "tenantId": tenant_id,
                "createdAt": created_at,
                "updatedAt": updated_at,
                "links": links,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.order_links import OrderLinks  # noqa: PLC0415

        d = dict(src_dict)
        id = UUID(d.pop("id"))

        pet_id = UUID(d.pop("petId"))

        user_id = UUID(d.pop("userId"))

        status = OrderStatus(d.pop("status"))

        total_amount = d.pop("totalAmount")

        currency = d.pop("currency")

        def _parse_tenant_id(data: object) -> None | UUID:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                tenant_id_type_0 = UUID(data)

                return tenant_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | UUID, data)

        tenant_id = _parse_tenant_id(d.pop("tenantId"))

        created_at = datetime.datetime.fromisoformat(d.pop("createdAt"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updatedAt"))

        links = OrderLinks.from_dict(d.pop("links"))

        order = cls(
            id=id,
            pet_id=pet_id,
            user_id=user_id,
            status=status,
            total_amount=total_amount,
            currency=currency,
            tenant_id=tenant_id,
            created_at=created_at,
            updated_at=updated_at,
            links=links,
        )

        return order
