from enum import StrEnum


class SortField(StrEnum):
    AGE_MONTHS = "AGE_MONTHS"
    CREATED_AT = "CREATED_AT"
    NAME = "NAME"
    PRICE = "PRICE"

    def __str__(self) -> str:
        return str(self.value)
