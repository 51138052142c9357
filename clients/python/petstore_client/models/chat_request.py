from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.model import Model
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.message import Message


T = TypeVar("T", bound="ChatRequest")


@_attrs_define
class ChatRequest:
    """`max_tokens` is accepted for `maxTokens`; roles and model names in any case, and
    `pet-advisor-1` for `PET_ADVISOR_1`. `stream` alone decides JSON or SSE.

        Attributes:
            messages (list[Message]):
            model (Model | Unset):
            stream (bool | Unset):  Default: False.
            max_tokens (int | Unset):  Default: 1024.
            temperature (float | Unset):  Default: 1.0.
    """

    messages: list[Message]
    model: Model | Unset = UNSET
    stream: bool | Unset = False
    max_tokens: int | Unset = 1024
    temperature: float | Unset = 1.0
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        messages = []
        for messages_item_data in self.messages:
            messages_item = messages_item_data.to_dict()
            messages.append(messages_item)

        model: str | Unset = UNSET
        if not isinstance(self.model, Unset):
            model = self.model.value

        stream = self.stream

        max_tokens = self.max_tokens

        temperature = self.temperature

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "messages": messages,
            }
        )
        if model is not UNSET:
            field_dict["model"] = model
        if stream is not UNSET:
            field_dict["stream"] = stream
        if max_tokens is not UNSET:
            field_dict["maxTokens"] = max_tokens
        if temperature is not UNSET:
            field_dict["temperature"] = temperature

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.message import Message  # noqa: PLC0415

        d = dict(src_dict)
        messages = []
        _messages = d.pop("messages")
        for messages_item_data in _messages:
            messages_item = Message.from_dict(messages_item_data)

            messages.append(messages_item)

        _model = d.pop("model", UNSET)
        model: Model | Unset
        if isinstance(_model, Unset):
            model = UNSET
        else:
            model = Model(_model)

        stream = d.pop("stream", UNSET)

        max_tokens = d.pop("maxTokens", UNSET)

        temperature = d.pop("temperature", UNSET)

        chat_request = cls(
            messages=messages,
            model=model,
            stream=stream,
            max_tokens=max_tokens,
            temperature=temperature,
        )

        chat_request.additional_properties = d
        return chat_request

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
