"""``read_wish``: what the user is looking for, folded over the conversation."""

from __future__ import annotations

import pytest

from petstore.chat.advisor import Wish, read_wish
from petstore.chat.schemas import Message


def user(content: str) -> Message:
    return Message.model_validate({"role": "USER", "content": content})


def assistant(content: str) -> Message:
    return Message.model_validate({"role": "ASSISTANT", "content": content})


def wish(*texts: str) -> Wish:
    return read_wish([user(text) for text in texts])


@pytest.mark.parametrize(
    ("text", "species"),
    [
        ("I'd like a dog", ("DOG",)),
        ("Any dogs?", ("DOG",)),
        ("a canine friend", ("DOG",)),
        ("a cat please", ("CAT",)),
        ("a kitty", ("CAT",)),
        ("a bunny for my daughter", ("RABBIT",)),
        ("do you have a parrot", ("BIRD",)),
        ("a bearded dragon", ("REPTILE",)),
        ("a guinea pig", ("OTHER",)),
        ("a dog or a cat", ("DOG", "CAT")),
    ],
)
def test_species_words(text: str, species: tuple[str, ...]) -> None:
    assert wish(text).species == species


def test_words_inside_other_words_are_not_species() -> None:
    # "cat" in "category", "dog" in "dogma", "rat" in "rather"
    assert wish("which category? no dogma, rather curious").species == ()


@pytest.mark.parametrize(
    ("text", "sizes"),
    [
        ("a small dog", ("SMALL",)),
        ("a medium sized cat", ("MEDIUM",)),
        ("a large dog", ("LARGE",)),
        ("small or medium", ("SMALL", "MEDIUM")),
        ("a dog for an apartment", ("SMALL", "MEDIUM")),
        ("we live in a flat", ("SMALL", "MEDIUM")),
        ("a large dog even though I live in an apartment", ("LARGE",)),  # said outright
    ],
)
def test_sizes_and_apartments(text: str, sizes: tuple[str, ...]) -> None:
    assert wish(text).sizes == sizes


@pytest.mark.parametrize(
    ("text", "minor"),
    [
        ("under $300", 30_000),
        ("under 300", 30_000),
        ("less than $1200", 120_000),
        ("a budget of $450", 45_000),
        ("up to $99.50", 9_950),
        ("max $80", 8_000),
    ],
)
def test_budget_in_minor_units(text: str, minor: int) -> None:
    assert wish(text).max_price_minor == minor


def test_no_budget_when_none_is_given() -> None:
    assert wish("a small dog").max_price_minor is None


def test_under_two_years_is_an_age_limit() -> None:
    assert wish("a cat under 2 years").max_age_months == 24
    assert wish("younger than 3 years please").max_age_months == 36


def test_an_age_limit_is_not_a_budget() -> None:
    """An age like "under 2 years" must not also become a budget of $2 (no pet costs that)."""
    assert wish("a cat under 2 years").max_price_minor is None
    assert wish("a dog less than 3 years old").max_price_minor is None


@pytest.mark.parametrize("text", ["a puppy", "kittens?", "a young rabbit"])
def test_young_means_at_most_a_year(text: str) -> None:
    found = wish(text)
    assert found.max_age_months == 12
    assert found.min_age_months is None


@pytest.mark.parametrize("text", ["a senior dog", "an older cat", "an elderly companion"])
def test_senior_means_at_least_eight_years(text: str) -> None:
    found = wish(text)
    assert found.min_age_months == 96
    assert found.max_age_months is None


@pytest.mark.parametrize(
    "text", ["good with kids", "we have children", "a family dog", "my toddler", "a kid"]
)
def test_kids(text: str) -> None:
    assert wish(text).good_with_kids is True


def test_health_wishes() -> None:
    assert wish("vaccinated please").vaccinated is True
    assert wish("has had its shots").vaccinated is True
    assert wish("already spayed").neutered is True
    assert wish("neutered").neutered is True
    plain = wish("a cat")
    assert plain.vaccinated is None
    assert plain.neutered is None
    assert plain.good_with_kids is None


def test_nothing_asked_is_an_empty_wish() -> None:
    assert wish("hello there").is_empty()
    assert read_wish([]).is_empty()


def test_later_messages_refine_earlier_ones_and_keep_the_rest() -> None:
    found = wish(
        "I want a dog under $500",
        "a small one",
        "actually a cat",
        "good with kids, and under $200",
    )
    assert found == Wish(
        species=("CAT",), sizes=("SMALL",), max_price_minor=20_000, good_with_kids=True
    )


def test_assistant_messages_are_ignored() -> None:
    found = read_wish(
        [
            user("I want a cat"),
            assistant("We also have large dogs under $900 that are good with kids, vaccinated."),
            user("a kitten"),
        ]
    )
    assert found == Wish(species=("CAT",), max_age_months=12)


def test_roles_in_any_case_are_read() -> None:
    message = Message.model_validate({"role": "user", "content": "a small dog"})
    assert read_wish([message]) == Wish(species=("DOG",), sizes=("SMALL",))
