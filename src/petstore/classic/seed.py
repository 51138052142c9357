"""The reference server's starting data: four categories, ten pets, eleven users, no orders.

Pets 1-3 are cats, 4-6 dogs, 7-9 lions and 10 a rabbit; each has the photo URLs ``url1`` and
``url2`` and two of the tags ``tag1``-``tag4`` (numbered 1 and 2 within the pet). Cat 3 and
Dog 3 are pending, Dog 2 is sold, the others available. The users are ``user1``-``user10``
and ``user?10`` (the reference's own oddity, kept: suites probe path encoding with it).
"""

from __future__ import annotations

from petstore.classic.models import ClassicPet, ClassicUser

CATEGORIES = {1: "Dogs", 2: "Cats", 3: "Rabbits", 4: "Lions"}
# (id, name, category id, tag names, status)
PETS = (
    (1, "Cat 1", 2, ("tag1", "tag2"), "available"),
    (2, "Cat 2", 2, ("tag2", "tag3"), "available"),
    (3, "Cat 3", 2, ("tag3", "tag4"), "pending"),
    (4, "Dog 1", 1, ("tag1", "tag2"), "available"),
    (5, "Dog 2", 1, ("tag2", "tag3"), "sold"),
    (6, "Dog 3", 1, ("tag3", "tag4"), "pending"),
    (7, "Lion 1", 4, ("tag1", "tag2"), "available"),
    (8, "Lion 2", 4, ("tag2", "tag3"), "available"),
    (9, "Lion 3", 4, ("tag3", "tag4"), "available"),
    (10, "Rabbit 1", 3, ("tag3", "tag4"), "available"),
)
# (id, username, the number in its names and email, userStatus)
USERS = (
    *((n, f"user{n}", str(n), (n - 1) % 3 + 1) for n in range(1, 11)),
    (11, "user?10", "?10", 1),
)
SEED_PASSWORD = "XXXXXXXXXXX"  # noqa: S105 - the reference's placeholder, shown to everyone


def seed_rows(tenant: str) -> list[ClassicPet | ClassicUser]:
    pets: list[ClassicPet | ClassicUser] = [
        ClassicPet(
            tenant=tenant,
            id=ident,
            name=name,
            category={"id": category, "name": CATEGORIES[category]},
            photo_urls=["url1", "url2"],
            tags=[{"id": i, "name": tag} for i, tag in enumerate(tags, start=1)],
            status=status,
        )
        for ident, name, category, tags, status in PETS
    ]
    users = [
        ClassicUser(
            tenant=tenant,
            id=ident,
            username=username,
            first_name=f"first name {number}",
            last_name=f"last name {number}",
            email=f"email{'101' if number == '?10' else number}@test.com",
            password=SEED_PASSWORD,
            phone="123-456-7890",
            user_status=status,
        )
        for ident, username, number, status in USERS
    ]
    return pets + users
