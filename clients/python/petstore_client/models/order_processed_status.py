from enum import StrEnum


class OrderProcessedStatus(StrEnum):
    COMPLETED = "COMPLETED"
    FAILED = "FAILED"

    def __str__(self) -> str:
        return str(self.value)
