from enum import StrEnum


class Species(StrEnum):
    BIRD = "BIRD"
    CAT = "CAT"
    DOG = "DOG"
    OTHER = "OTHER"
    RABBIT = "RABBIT"
    REPTILE = "REPTILE"

    def __str__(self) -> str:
        return str(self.value)
