from enum import StrEnum


class BankAccountSourceAccounttype(StrEnum):
    CHECKING = "CHECKING"
    COMPANY = "COMPANY"
    INDIVIDUAL = "INDIVIDUAL"
    SAVINGS = "SAVINGS"

    def __str__(self) -> str:
        return str(self.value)
