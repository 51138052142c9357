from enum import StrEnum


class WebhookUpdateStatus(StrEnum):
    ACTIVE = "ACTIVE"
    DISABLED = "DISABLED"

    def __str__(self) -> str:
        return str(self.value)
