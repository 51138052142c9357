from enum import StrEnum


class ConversationStatus(StrEnum):
    ACTIVE = "ACTIVE"
    CLOSED = "CLOSED"
    WAITING = "WAITING"

    def __str__(self) -> str:
        return str(self.value)
