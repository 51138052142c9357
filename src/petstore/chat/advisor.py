"""The built-in advisor: understands what the user is looking for across the conversation,
answers from the live store (AVAILABLE pets of the caller's tenant only) and from the
knowledge base. Deterministic: the same conversation gets the same answer."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from sqlalchemy.ext.asyncio import AsyncSession

from petstore.chat.knowledge import best_topics
from petstore.chat.schemas import Message, Role
from petstore.core import money
from petstore.pets import service as pets
from petstore.pets.models import Pet

SPECIES_WORDS: dict[str, tuple[str, ...]] = {
    "DOG": ("dog", "dogs", "puppy", "puppies", "pup", "canine"),
    "CAT": ("cat", "cats", "kitten", "kittens", "kitty", "feline"),
    "RABBIT": ("rabbit", "rabbits", "bunny", "bunnies"),
    "BIRD": ("bird", "birds", "parrot", "budgie", "cockatiel", "parakeet", "lovebird"),
    "REPTILE": (
        "reptile",
        "reptiles",
        "lizard",
        "gecko",
        "snake",
        "tortoise",
        "turtle",
        "bearded dragon",
    ),
    "OTHER": ("hamster", "guinea pig", "ferret", "chinchilla", "rat", "mouse", "gerbil"),
}
YOUNG_WORDS = ("puppy", "puppies", "kitten", "kittens", "young", "baby")
SENIOR_WORDS = ("senior", "older", "old dog", "old cat", "elderly")
RECOMMEND_WORDS = (
    "looking for",
    "recommend",
    "suggest",
    "want",
    "adopt a",
    "find",
    "available",
    "any ",
    "show me",
    "do you have",
    "which",
    "match",
)
_MONEY = re.compile(
    r"(?:under|below|less than|max(?:imum)?|budget(?: of)?|up to|<)\s*\$?\s*"
    r"(\d{1,6}(?:\.\d{1,2})?)(?!\d|\.\d|\s*(?:years?|yrs?|months?|weeks?)\b)"
)
BUDGET_CURRENCY = "USD"  # a budget is read in dollars ("under $300")
_YEARS = re.compile(r"(?:under|younger than|less than)\s+(\d{1,2})\s+years?")
_WORD = re.compile(r"[a-z]+")


@dataclass(frozen=True)
class Wish:
    """What the user has asked for so far."""

    species: tuple[str, ...] = ()
    sizes: tuple[str, ...] = ()
    max_price_minor: int | None = None
    max_age_months: int | None = None
    min_age_months: int | None = None
    good_with_kids: bool | None = None
    vaccinated: bool | None = None
    neutered: bool | None = None

    def is_empty(self) -> bool:
        return self == Wish()

    def describe(self) -> str:
        parts: list[str] = []
        if self.sizes:
            parts.append("/".join(s.lower() for s in self.sizes))
        parts.append("/".join(s.lower() for s in self.species) if self.species else "pet")
        text = " ".join(parts)
        if self.good_with_kids:
            text += " that is good with kids"
        if self.vaccinated:
            text += ", vaccinated"
        if self.neutered:
            text += ", spayed/neutered"
        if self.max_age_months is not None:
            text += f", at most {self.max_age_months} months old"
        if self.min_age_months is not None:
            text += f", at least {self.min_age_months} months old"
        if self.max_price_minor is not None:
            text += f", under ${money.to_text(self.max_price_minor, BUDGET_CURRENCY)}"
        return text


def _has(text: str, words: tuple[str, ...]) -> bool:
    tokens = set(_WORD.findall(text))
    return any((w in tokens) if " " not in w else (w in text) for w in words)


def read_wish(messages: list[Message]) -> Wish:
    """Fold every user message, oldest first, into one wish (later words refine earlier)."""
    wish = Wish()
    for message in messages:
        if message.role is not Role.USER:
            continue
        text = message.content.lower()
        species = tuple(s for s, words in SPECIES_WORDS.items() if _has(text, words))
        if species:
            wish = replace(wish, species=species)
        sizes = tuple(s for s in ("SMALL", "MEDIUM", "LARGE") if s.lower() in _WORD.findall(text))
        if _has(text, ("apartment", "flat", "condo")) and not sizes:
            sizes = ("SMALL", "MEDIUM")
        if sizes:
            wish = replace(wish, sizes=sizes)
        if budget := _MONEY.search(text):
            wish = replace(wish, max_price_minor=money.to_minor(budget.group(1), BUDGET_CURRENCY))
        if years := _YEARS.search(text):
            wish = replace(wish, max_age_months=int(years.group(1)) * 12)
        if _has(text, YOUNG_WORDS):
            wish = replace(wish, max_age_months=12)
        if _has(text, SENIOR_WORDS):
            wish = replace(wish, min_age_months=96)
        if _has(text, ("kid", "kids", "child", "children", "family", "toddler")):
            wish = replace(wish, good_with_kids=True)
        if _has(text, ("vaccinated", "vaccinations", "shots")):
            wish = replace(wish, vaccinated=True)
        if _has(text, ("neutered", "spayed", "fixed")):
            wish = replace(wish, neutered=True)
    return wish


async def _candidates(session: AsyncSession, tenant: str, wish: Wish, limit: int) -> list[Pet]:
    """The cheapest available pets granting the wish. An unset or false wish for kids,
    vaccination or neutering is no requirement at all (not a wish for the opposite)."""
    return await pets.cheapest_available(
        session,
        tenant,
        limit,
        species=wish.species,
        sizes=wish.sizes,
        max_price_minor=wish.max_price_minor,
        age_min=wish.min_age_months,
        age_max=wish.max_age_months,
        good_with_kids=True if wish.good_with_kids else None,
        vaccinated=True if wish.vaccinated else None,
        spayed_neutered=True if wish.neutered else None,
    )


# Relaxations tried in order when nothing matches, from least to most important to the user.
RELAXATIONS: tuple[tuple[str, dict[str, object]], ...] = (
    ("without the vaccination and neutering requirements", {"vaccinated": None, "neutered": None}),
    ("in any size", {"sizes": ()}),
    ("at any age", {"max_age_months": None, "min_age_months": None}),
    ("above your budget", {"max_price_minor": None}),
    ("that are not marked as good with kids", {"good_with_kids": None}),
)


def _line(pet: Pet, base: str) -> str:
    age = f"{pet.age_months // 12} years" if pet.age_months >= 24 else f"{pet.age_months} months"
    facts = [pet.breed or pet.species.lower(), age]
    if pet.size:
        facts.append(pet.size.lower())
    if pet.good_with_kids:
        facts.append("good with kids")
    if pet.vaccinated:
        facts.append("vaccinated")
    price = f"{money.to_text(pet.price_minor, pet.currency)} {pet.currency}"
    return f"- **{pet.name}** ({', '.join(facts)}), {price}: {base}/v1/pets/{pet.id}"


def wants_pets(text: str, wish: Wish) -> bool:
    lowered = text.lower()
    return not wish.is_empty() and (
        any(w in lowered for w in RECOMMEND_WORDS) or bool(read_wish_species(lowered))
    )


def read_wish_species(text: str) -> tuple[str, ...]:
    return tuple(s for s, words in SPECIES_WORDS.items() if _has(text, words))


async def answer(session: AsyncSession, tenant: str, messages: list[Message], base: str) -> str:
    """The advisor's reply to the conversation."""
    user_messages = [m for m in messages if m.role is Role.USER]
    last_user = user_messages[-1].content if user_messages else ""
    wish = read_wish(messages)
    topics = best_topics(last_user)
    # "good with kids please" after "I want a cat" narrows the earlier search.
    refines = bool(user_messages) and not read_wish(user_messages[-1:]).is_empty()
    searched_before = any(wants_pets(m.content, read_wish([m])) for m in user_messages[:-1])
    sections: list[str] = []
    if (
        wants_pets(last_user, wish)
        or (not topics and not wish.is_empty())
        or (refines and searched_before)
    ):
        sections.append(await _recommend(session, tenant, wish, base))
    for topic in topics:
        if topic.name == "kids" and sections:
            continue  # the recommendation already accounts for children
        sections.append(topic.answer)
    if not sections:
        sections.append(
            "I can recommend pets that are available right now (tell me the species, size, "
            "age, budget, or whether they should be good with kids), and answer questions "
            "about feeding, vaccinations, costs, the first weeks at home and how adoption "
            "works here."
        )
    return "\n\n".join(sections)


async def _recommend(session: AsyncSession, tenant: str, wish: Wish, base: str) -> str:
    found = await _candidates(session, tenant, wish, 3)
    if found:
        lines = "\n".join(_line(p, base) for p in found)
        return f"Here are available pets that match a {wish.describe()}:\n{lines}"
    relaxed = wish
    for label, change in RELAXATIONS:
        relaxed = replace(relaxed, **change)  # type: ignore[arg-type]
        closest = await _candidates(session, tenant, relaxed, 3)
        if closest:
            lines = "\n".join(_line(p, base) for p in closest)
            return (
                f"No available pet matches a {wish.describe()} right now. The closest ones, "
                f"{label}:\n{lines}"
            )
    return (
        f"No available pet matches a {wish.describe()} right now, and I found nothing close. "
        "New pets arrive often: subscribe to the pet.available webhook or ask me again soon."
    )


async def context_lines(
    session: AsyncSession, tenant: str, messages: list[Message], base: str
) -> list[str]:
    """The available pets matching the conversation, for an upstream model's system prompt."""
    found = await _candidates(session, tenant, read_wish(messages), 10)
    return [_line(pet, base) for pet in found]
