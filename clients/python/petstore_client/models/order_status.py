from enum import StrEnum


class OrderStatus(StrEnum):
    APPROVED = "APPROVED"
    CANCELLED = "CANCELLED"
    DELIVERED = "DELIVERED"
    PLACED = "PLACED"
    SHIPPED = "SHIPPED"

    def __str__(self) -> str:
        return str(self.value)
