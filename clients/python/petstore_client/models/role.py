from enum import StrEnum


class Role(StrEnum):
    ASSISTANT = "ASSISTANT"
    SYSTEM = "SYSTEM"
    USER = "USER"

    def __str__(self) -> str:
        return str(self.value)
