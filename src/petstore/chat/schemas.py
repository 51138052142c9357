"""Chat completion bodies, in the reference's casing, accepting OpenAI's spellings on input."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import Field, Strict, model_validator

from petstore.core.schemas import JSON_INTEGER, UPPERCASE, InputModel, OutputModel, StrictBool


class Role(StrEnum):
    SYSTEM = "SYSTEM"
    USER = "USER"
    ASSISTANT = "ASSISTANT"


class Model(StrEnum):
    PET_ADVISOR_1 = "PET_ADVISOR_1"
    PET_ADVISOR_TURBO = "PET_ADVISOR_TURBO"


class Message(InputModel):
    role: Annotated[Role, UPPERCASE]
    content: Annotated[str, Field(max_length=8000)]


class ChatRequest(InputModel):
    """`max_tokens` is accepted for `maxTokens`; roles and model names in any case, and
    `pet-advisor-1` for `PET_ADVISOR_1`. `stream` alone decides JSON or SSE."""

    messages: Annotated[list[Message], Field(min_length=1, max_length=50)]
    model: Annotated[Model, UPPERCASE] = Model.PET_ADVISOR_1
    stream: StrictBool = False
    maxTokens: Annotated[int, Strict(), Field(ge=1, le=4096), JSON_INTEGER] = 1024  # noqa: N815
    temperature: Annotated[float, Strict(), Field(ge=0, le=2)] = 1.0

    @model_validator(mode="before")
    @classmethod
    def _openai_names(cls, data: Any) -> Any:
        if isinstance(data, dict) and "maxTokens" not in data and "max_tokens" in data:
            data = {**data, "maxTokens": data["max_tokens"]}
        if (
            isinstance(data, dict)
            and isinstance(data.get("temperature"), int)
            and not isinstance(data.get("temperature"), bool)
        ):
            data = {**data, "temperature": float(data["temperature"])}
        return data


class AssistantMessage(OutputModel):
    role: Literal["assistant"]
    content: str


class Choice(OutputModel):
    index: int
    message: AssistantMessage
    finishReason: Literal["STOP", "LENGTH", "CONTENT_FILTER"]  # noqa: N815


class Usage(OutputModel):
    promptTokens: int  # noqa: N815
    completionTokens: int  # noqa: N815
    totalTokens: int  # noqa: N815


class ChatCompletion(OutputModel):
    id: str = Field(pattern=r"^chatcmpl_[a-z0-9]+$")
    object: Literal["chat.completion"]
    created: int
    model: str
    choices: list[Choice]
    usage: Usage
