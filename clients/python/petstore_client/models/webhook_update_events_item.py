from enum import StrEnum


class WebhookUpdateEventsItem(StrEnum):
    ORDER_CREATED = "order.created"
    ORDER_STATUSCHANGED = "order.statusChanged"
    PAYMENT_FAILED = "payment.failed"
    PAYMENT_REFUNDED = "payment.refunded"
    PAYMENT_SUCCEEDED = "payment.succeeded"
    PET_ADOPTED = "pet.adopted"
    PET_AVAILABLE = "pet.available"
    PET_CREATED = "pet.created"
    PET_STATUSCHANGED = "pet.statusChanged"
    VALUE_9 = "*"

    def __str__(self) -> str:
        return str(self.value)
