from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

T = TypeVar("T", bound="Attempt")


@_attrs_define
class Attempt:
    """
    Attributes:
        attempt (int):
        status_code (int | None):
        latency_ms (int):
        response (None | str): The first 1,024 characters of the answer.
        error (None | str):
        at (datetime.datetime):
    """

    attempt: int
    status_code: int | None
    latency_ms: int
    response: None | str
    error: None | str
    at: datetime.datetime

    def to_dict(self) -> dict[str, Any]:
        attempt = self.attempt

        status_code: int | None
        status_code = self.status_code

        latency_ms = self.latency_ms

        response: None | str
        response = self.response

        error: None | str
        error = self.error

        at = self.at.isoformat()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "attempt": attempt,
                "statusCode": status_code,
                "latencyMs": latency_ms,
                "response": response,
                "error": error,
                "at": at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        attempt = d.pop("attempt")

        def _parse_status_code(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        status_code = _parse_status_code(d.pop("statusCode"))

        latency_ms = d.pop("latencyMs")

        def _parse_response(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        response = _parse_response(d.pop("response"))

        def _parse_error(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        error = _parse_error(d.pop("error"))

        at = datetime.datetime.fromisoformat(d.pop("at"))

        attempt = cls(
            attempt=attempt,
            status_code=status_code,
            latency_ms=latency_ms,
            response=response,
            error=error,
            at=at,
        )

        return attempt
