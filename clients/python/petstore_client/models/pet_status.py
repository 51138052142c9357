from enum import StrEnum


class PetStatus(StrEnum):
    ADOPTED = "ADOPTED"
    AVAILABLE = "AVAILABLE"
    NOT_AVAILABLE = "NOT_AVAILABLE"
    PENDING = "PENDING"

    def __str__(self) -> str:
        return str(self.value)
