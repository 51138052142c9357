from enum import StrEnum


class RefundReason(StrEnum):
    CANCELLED_BY_STAFF = "CANCELLED_BY_STAFF"
    REQUESTED_BY_CUSTOMER = "REQUESTED_BY_CUSTOMER"

    def __str__(self) -> str:
        return str(self.value)
