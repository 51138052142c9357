from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

from ..models.choice_finishreason import ChoiceFinishreason

if TYPE_CHECKING:
    from ..models.assistant_message import AssistantMessage


T = TypeVar("T", bound="Choice")


@_attrs_define
class Choice:
    """
    Attributes:
        index (int):
        message (AssistantMessage):
        finish_reason (ChoiceFinishreason):
    """

    index: int
    message: AssistantMessage
    finish_reason: ChoiceFinishreason

    def to_dict(self) -> dict[str, Any]:
        index = self.index

        message = self.message.to_dict()

        finish_reason = self.finish_reason.value

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "index": index,
                "message": message,
                "finishReason": finish_reason,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.assistant_message import AssistantMessage  # noqa: PLC0415

        d = dict(src_dict)
        index = d.pop("index")

        message = AssistantMessage.from_dict(d.pop("message"))

        finish_reason = ChoiceFinishreason(d.pop("finishReason"))

        choice = cls(
            index=index,
            message=message,
            finish_reason=finish_reason,
        )

        return choice
