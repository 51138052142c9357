"""What the advisor knows about care and adoption, written for this store.

Each topic has the words that point to it and an answer. Kept short and practical; the
advisor quotes the best-matching topics.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Topic:
    name: str
    keywords: tuple[str, ...]
    answer: str


TOPICS: tuple[Topic, ...] = (
    Topic(
        "adoption-process",
        ("adopt", "adoption", "process", "steps", "how do i", "apply", "order"),
        "Adopting here takes four steps: 1. Find a pet you like (browse, search, or ask me). "
        "2. Place an order for it: the pet is reserved for you and shows as PENDING. "
        "3. Pay the adoption fee by card or bank account; you get a receipt and the order is "
        "APPROVED. 4. Our staff arrange the hand-over; once the order is DELIVERED the pet is "
        "yours. You can cancel any time before delivery and the pet becomes available again.",
    ),
    Topic(
        "feeding",
        ("feed", "feeding", "food", "eat", "eats", "eating", "diet", "meal", "meals", "treats"),
        "Feed a complete food made for the species and life stage (puppy, kitten, adult, "
        "senior), split into two meals for adults and three or four for the very young. Keep "
        "fresh water out at all times, change food gradually over a week, and keep treats "
        "under a tenth of the daily calories. Rabbits and guinea pigs need unlimited hay; "
        "reptiles and birds need species-specific diets, so ask us before you switch.",
    ),
    Topic(
        "vaccination",
        ("vaccin*", "shots", "jab", "booster", "vet", "vets", "health"),
        "Every pet we list says whether it is vaccinated. Dogs need core vaccines against "
        "distemper, parvovirus, hepatitis and rabies; cats against panleukopenia, herpes, "
        "calicivirus and rabies; rabbits against myxomatosis and RHD. Puppies and kittens "
        "get a series from 6-8 weeks, then boosters yearly or every three years. Book a vet "
        "check within the first two weeks after adoption.",
    ),
    Topic(
        "costs",
        ("cost", "costs", "price", "expensive", "afford", "money", "budget", "fee"),
        "Beyond the adoption fee (shown on each pet), plan for food, a first vet visit, "
        "insurance and supplies. As a rough guide per year: a cat or small dog costs about "
        "$800-1,200, a large dog $1,200-2,000, a rabbit or guinea pig $400-800, and reptiles "
        "$300-600 after a set-up of $200-400 for the enclosure and lighting.",
    ),
    Topic(
        "first-weeks",
        ("first week", "first weeks", "first day", "settle", "bring home", "new home", "arrive"),
        "For the first weeks: prepare one quiet room with bed, water, food and (for cats) a "
        "litter tray; keep the routine predictable; introduce family members and other pets "
        "slowly; keep dogs on a lead outside until recall is reliable; and see a vet within "
        "two weeks. Most pets need two to four weeks before their personality fully shows.",
    ),
    Topic(
        "kids",
        ("kid", "kids", "child", "children", "baby", "toddler", "toddlers", "family"),
        "Pets marked good with kids have lived with or been assessed around children. "
        "Whatever the pet, supervise young children, teach them to let the pet come to them, "
        "and give the pet a place to retreat to.",
    ),
    Topic(
        "apartment",
        ("apartment", "flat", "small space", "no garden", "no yard", "condo"),
        "For an apartment, calm small or medium pets do best: cats, rabbits, birds, "
        "reptiles, and small or low-energy dogs. A dog still needs daily walks and play; "
        "check your building's pet rules before you adopt.",
    ),
    Topic(
        "neutering",
        ("neuter*", "spay*", "castrat*", "fixed"),
        "Neutering prevents unplanned litters, reduces roaming and some cancers, and is done "
        "from about six months. Every listing says whether the pet is already spayed or "
        "neutered.",
    ),
)


def _pattern(keyword: str) -> re.Pattern[str]:
    """Whole words (``fee`` is not in ``feed``); a trailing ``*`` matches any ending."""
    if keyword.endswith("*"):
        return re.compile(rf"\b{re.escape(keyword[:-1])}\w*")
    return re.compile(rf"\b{re.escape(keyword)}\b")


_PATTERNS = {topic.name: [_pattern(k) for k in topic.keywords] for topic in TOPICS}


def best_topics(text: str, limit: int = 2) -> list[Topic]:
    lowered = text.lower()
    scored = [
        (sum(len(p.findall(lowered)) for p in _PATTERNS[topic.name]), index, topic)
        for index, topic in enumerate(TOPICS)
    ]
    matched = sorted((s for s in scored if s[0] > 0), key=lambda s: (-s[0], s[1]))
    return [topic for _, _, topic in matched[:limit]]
