from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="PreferencesOut")


@_attrs_define
class PreferencesOut:
    """
    Attributes:
        newsletter (bool):
        notifications (bool):
    """

    newsletter: bool
    notifications: bool

    def to_dict(self) -> dict[str, Any]:
        newsletter = self.newsletter

        notifications = self.notifications

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "newsletter": newsletter,
                "notifications": notifications,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        newsletter = d.pop("newsletter")

        notifications = d.pop("notifications")

        preferences_out = cls(
            newsletter=newsletter,
            notifications=notifications,
        )

        return preferences_out
