from enum import StrEnum


class SenderRole(StrEnum):
    ADVISOR = "ADVISOR"
    AGENT = "AGENT"
    CUSTOMER = "CUSTOMER"
    SYSTEM = "SYSTEM"

    def __str__(self) -> str:
        return str(self.value)
