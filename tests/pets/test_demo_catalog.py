"""The deterministic demo catalog behind ``petstore seed`` and the benchmarks."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from petstore.pets.demo_catalog import CATALOG, DemoPet, demo_pets

SPECIES = {"DOG", "CAT", "RABBIT", "BIRD", "REPTILE", "OTHER"}
SIZES = {"SMALL", "MEDIUM", "LARGE"}
GENDERS = {"MALE", "FEMALE", "UNKNOWN"}
STATUSES = {"AVAILABLE", "PENDING", "ADOPTED", "NOT_AVAILABLE"}
CURRENCIES = {"USD", "EUR", "GBP"}
PRICE = re.compile(r"^\d+\.\d{2}$")


def assert_valid(pet: DemoPet) -> None:
    assert pet.name
    assert pet.name.strip() == pet.name
    assert len(pet.name) <= 50
    assert pet.species in SPECIES
    assert pet.size in SIZES
    assert pet.gender in GENDERS
    assert pet.status in STATUSES
    assert pet.currency in CURRENCIES
    assert pet.breed
    assert pet.color
    assert 2 <= pet.age_months <= 150
    assert PRICE.match(pet.price), pet.price
    assert 20 <= float(pet.price) <= 450
    assert 0 < len(pet.description) <= 300
    assert pet.health_notes is None or pet.health_notes


def test_catalog_has_at_least_64_entries() -> None:
    assert len(CATALOG) >= 64


def test_every_species_has_at_least_six_pets() -> None:
    counts = Counter(pet.species for pet in CATALOG)
    assert set(counts) == SPECIES
    assert all(n >= 6 for n in counts.values()), counts


def test_catalog_names_are_unique() -> None:
    names = [pet.name for pet in CATALOG]
    assert len(set(names)) == len(names)


def test_catalog_prices_have_two_decimals() -> None:
    for pet in CATALOG:
        assert PRICE.match(pet.price), pet.price


def test_catalog_fields_are_within_allowed_values() -> None:
    for pet in CATALOG:
        assert_valid(pet)


def test_catalog_is_mostly_available() -> None:
    available = sum(pet.status == "AVAILABLE" for pet in CATALOG)
    assert 0.65 <= available / len(CATALOG) <= 0.85


def test_catalog_mostly_usd_with_some_other_currencies() -> None:
    currencies = Counter(pet.currency for pet in CATALOG)
    assert currencies["USD"] > len(CATALOG) // 2
    assert currencies["EUR"] > 0
    assert currencies["GBP"] > 0


def test_demo_pet_is_frozen() -> None:
    pet = CATALOG[0]
    with pytest.raises(AttributeError):
        pet.name = "Renamed"  # type: ignore[misc]


@pytest.mark.parametrize("count", [0, 1, 10, 64, 65, 200, 1000])
def test_demo_pets_returns_exactly_count(count: int) -> None:
    assert len(demo_pets(count)) == count


def test_demo_pets_starts_with_the_catalog_in_order() -> None:
    assert demo_pets(5) == list(CATALOG[:5])
    assert demo_pets(len(CATALOG) + 10)[: len(CATALOG)] == list(CATALOG)


def test_demo_pets_is_deterministic() -> None:
    assert demo_pets(3000) == demo_pets(3000)


def test_demo_pets_prefix_is_stable() -> None:
    assert demo_pets(500) == demo_pets(2000)[:500]


def test_demo_pets_5000_names_are_unique() -> None:
    names = [pet.name for pet in demo_pets(5000)]
    assert len(set(names)) == len(names)


def test_generated_pets_are_valid() -> None:
    pets = demo_pets(5000)
    for pet in pets:
        assert_valid(pet)
    generated = pets[len(CATALOG) :]
    assert {pet.species for pet in generated} == SPECIES
    assert len({pet.price for pet in generated}) > 50
    assert len({pet.age_months for pet in generated}) > 50


def test_demo_pets_rejects_negative_count() -> None:
    with pytest.raises(ValueError, match="count"):
        demo_pets(-1)
