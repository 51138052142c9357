from enum import StrEnum


class Model(StrEnum):
    PET_ADVISOR_1 = "PET_ADVISOR_1"
    PET_ADVISOR_TURBO = "PET_ADVISOR_TURBO"

    def __str__(self) -> str:
        return str(self.value)
