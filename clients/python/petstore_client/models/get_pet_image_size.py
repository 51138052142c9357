from enum import StrEnum


class GetPetImageSize(StrEnum):
    FULL = "full"
    THUMB = "thumb"

    def __str__(self) -> str:
        return str(self.value)
