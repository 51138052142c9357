from enum import StrEnum


class ChoiceFinishreason(StrEnum):
    CONTENT_FILTER = "CONTENT_FILTER"
    LENGTH = "LENGTH"
    STOP = "STOP"

    def __str__(self) -> str:
        return str(self.value)
