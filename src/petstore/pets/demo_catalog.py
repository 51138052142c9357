"""Deterministic demo catalog of pets.

``petstore seed`` fills a fresh database with these pets so the API has something realistic to
show, and the benchmarks need a large, varied, *reproducible* data set so that runs can be
compared. Both get their data from here: ``CATALOG`` is a hand-written list of pets covering
every species, and ``demo_pets(count)`` stretches it to any size by deriving variations from
the catalog with pure arithmetic, so the output never depends on time or global random state.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["CATALOG", "DemoPet", "demo_pets"]


@dataclass(frozen=True, slots=True)
class DemoPet:
    """One demo pet; enum-like fields hold the API's upper-case enum values."""

    name: str
    species: str
    breed: str
    age_months: int
    size: str
    color: str
    gender: str
    good_with_kids: bool
    price: str
    currency: str
    description: str
    status: str
    vaccinated: bool
    spayed_neutered: bool
    microchipped: bool
    special_needs: bool
    health_notes: str | None


CATALOG: tuple[DemoPet, ...] = (
    # --- Dogs -----------------------------------------------------------------------------
    DemoPet(
        name="Biscuit",
        species="DOG",
        breed="Labrador Retriever",
        age_months=30,
        size="LARGE",
        color="Yellow",
        gender="MALE",
        good_with_kids=True,
        price="250.00",
        currency="USD",
        description=(
            "Endlessly cheerful retriever who will bring a tennis ball back until your arm gives "
            "out. Already knows sit, down and a very polite paw."
        ),
        status="AVAILABLE",
        vaccinated=True,
        spayed_neutered=True,
        microchipped=True,
        special_needs=False,
        health_notes=None,
    ),
    DemoPet(
        name="Luna",
        species="DOG",
        breed="German Shepherd",
        age_months=48,
        size="LARGE",
        color="Black and tan",
        gender="FEMALE",
        good_with_kids=True,
        price="300.00",
        currency="USD",
        description=(
            "Loyal and watchful, she checks every room before settling at your feet. Best with an "
            "active family that enjoys long walks."
        ),
        status="AVAILABLE",
        vaccinated=True,
        spayed_neutered=True,
        microchipped=True,
        special_needs=False,
        health_notes=None,
    ),
    DemoPet(
        name="Pepper",
        species="DOG",
        breed="Beagle",
        age_months=14,
        size="MEDIUM",
        color="Tricolor",
        gender="FEMALE",
        good_with_kids=True,
        price="220.00",
        currency="USD",
        description=(
            "Follows her nose everywhere and narrates the journey with a happy bay. Needs a "
            "securely fenced yard and plenty of sniffing breaks."
        ),
        status="PENDING",
        vaccinated=True,
        spayed_neutered=True,
        microchipped=True,
        special_needs=False,
        health_notes=None,
    ),
    DemoPet(
        name="Duke",
        species="DOG",
        breed="Boxer",
        age_months=60,
        size="LARGE",
        color="Fawn",
        gender="MALE",
        good_with_kids=True,
        price="180.00",
        currency="USD",
        description=(
            "A goofy clown with a full-body wiggle who has never met a stranger. He is learning to "
            "keep all four paws on the floor when greeting guests."
        ),
        status="AVAILABLE",
        vaccinated=True,
        spayed_neutered=True,
        microchipped=True,
        special_needs=False,
        health_notes=None,
    ),
    DemoPet(
        name="Noodle",
        species="DOG",
        breed="Dachshund",
        age_months=9,
        size="SMALL",
        color="Red",
        gender="MALE",
        good_with_kids=True,
        price="350.00",
        currency="USD",
        description=(
            "Small body, enormous personality. He tunnels under blankets and will happily "
            "supervise anything that happens in the kitchen."
        ),
        status="AVAILABLE",
        vaccinated=True,
        spayed_neutered=False,
        microchipped=True,
        special_needs=False,
        health_notes="Neuter booked for next month.",
    ),
    DemoPet(
        name="Willow",
        species="DOG",
        breed="Greyhound",
        age_months=72,
        size="LARGE",
        color="Brindle",
        gender="FEMALE",
        good_with_kids=True,
        price="150.00",
        currency="GBP",
        description=(
            "Retired racer who turns out to be a champion couch sprinter. Calm indoors, gentle on "
            "the lead and very fond of soft beds."
        ),
        status="AVAILABLE",
        vaccinated=True,
        spayed_neutered=True,
        microchipped=True,
        special_needs=False,
        health_notes=None,
    ),
    DemoPet(
        name="Rocco",
        species="DOG",
        breed="Pit Bull Terrier mix",
        age_months=36,
        size="MEDIUM",
        color="Blue",
        gender="MALE",
        good_with_kids=False,
        price="120.00",
        currency="USD",
        description=(
            "Affectionate and eager to please, he does best as the only pet in a home with adults "
            "or older teens. Crate trained and fully house trained."
        ),
        status="AVAILABLE",
        vaccinated=True,
        spayed_neutered=True,
        microchipped=True,
        special_needs=False,
        health_notes=None,
    ),
    DemoPet(
        name="Daisy",
        species="DOG",
        breed="Golden Retriever",
        age_months=4,
        size="LARGE",
        color="Golden",
        gender="FEMALE",
        good_with_kids=True,
        price="450.00",
        currency="USD",
        description=(
            "Fluffy puppy with a soft mouth and a big heart. She has started puppy classes and "
            "already comes when called most of the time."
        ),
        status="AVAILABLE",
        vaccinated=True,
        spayed_neutered=False,
        microchipped=True,
        special_needs=False,
        health_notes="Final puppy booster due in three weeks.",
    ),
    DemoPet(
        name="Bruno",
        species="DOG",
        breed="Bernese Mountain Dog",
        age_months=84,
        size="LARGE",
        color="Tricolor",
        gender="MALE",
        good_with_kids=True,
        price="200.00",
        currency="USD",
        description=(
            "Gentle giant who leans his whole weight on people he likes. A daily supplement keeps "
            "him comfortable on his slow evening stroll."
        ),
        status="AVAILABLE",
        vaccinated=True,
        spayed_neutered=True,
        microchipped=True,
        special_needs=True,
        health_notes="Mild hip dysplasia; daily joint supplement.",
    ),
    DemoPet(
        name="Ziggy",
        species="DOG",
        breed="Border Collie",
        age_months=22,
        size="MEDIUM",
        color="Black and white",
        gender="MALE",
        good_with_kids=True,
        price="275.00",
        currency="USD",
        description=(
            "Brilliant and busy, he needs a job every single day, whether that is agility, herding "
            "balls or learning a new trick."
        ),
        status="ADOPTED",
        vaccinated=True,
        spayed_neutered=True,
        microchipped=True,
        special_needs=False,
        health_notes=None,
    ),
    DemoPet(
        name="Mochi",
        species="DOG",
        breed="Shiba Inu",
        age_months=28,
        size="MEDIUM",
        color="Red sesame",
        gender="FEMALE",
        good_with_kids=False,
        price="400.00",
        currency="EUR",
        description=(
            "Independent and tidy, with a cat-like habit of grooming herself after meals. Prefers "
            "a calm household without small children."
        ),
        status="AVAILABLE",
        vaccinated=True,
        spayed_neutered=True,
        microchipped=True,
        special_needs=False,
        health_notes=None,
    ),
    DemoPet(
        name="Gus",
        species="DOG",
        breed="French Bulldog",
        age_months=52,
        size="SMALL",
        color="Cream",
        gender="MALE",
        good_with_kids=True,
        price="380.00",
        currency="USD",
        description=(
            "Snoring, snuffling sofa companion who loves short walks and long naps. Must be kept "
            "cool on hot days because of his flat face."
        ),
        status="AVAILABLE",
        vaccinated=True,
        spayed_neutered=True,
        microchipped=True,
        special_needs=False,
        health_notes="Brachycephalic; avoid hard exercise in the heat.",
    ),
    DemoPet(
        name="Hazel",
        species="DOG",
        breed="Cavalier King Charles Spaniel",
        age_months=110,
        size="SMALL",
        color="Blenheim",
        gender="FEMALE",
        good_with_kids=True,
        price="95.00",
        currency="USD",
        description=(
            "Senior sweetheart who wants nothing more than a warm lap. Her heart is checked by the "
            "vet twice a year and she is otherwise in fine form."
        ),
        status="AVAILABLE",
        vaccinated=True,
        spayed_neutered=True,
        microchipped=True,
        special_needs=True,
        health_notes="Grade 2 heart murmur; cardiac check every six months.",
    ),
    DemoPet(
        name="Tank",
        species="DOG",
        breed="Rottweiler mix",
        age_months=40,
        size="LARGE",
        color="Black and mahogany",
        gender="MALE",
        good_with_kids=False,
        price="160.00",
        currency="USD",
        description=(
            "Strong, thoughtful dog who takes a little time to trust new people. Once bonded, he "
            "becomes a devoted shadow."
        ),
        status="NOT_AVAILABLE",
        vaccinated=True,
        spayed_neutered=True,
        microchipped=True,
        special_needs=False,
        health_notes=None,
    ),
    DemoPet(
        name="Poppy",
        species="DOG",
        breed="Miniature Poodle",
        age_months=18,
        size="SMALL",
        color="Apricot",
        gender="FEMALE",
        good_with_kids=True,
        price="320.00",
        currency="USD",
        description=(
            "Low-shedding, quick to learn and fond of showing off her spin trick. Regular grooming "
            "keeps her curls free of tangles."
        ),
        status="AVAILABLE",
        vaccinated=True,
        spayed_neutered=True,
        microchipped=True,
        special_needs=False,
        health_notes=None,
    ),
    DemoPet(
        name="Scout",
        species="DOG",
        breed="Australian Cattle Dog",
        age_months=66,
        size="MEDIUM",
        color="Red speckled",
        gender="MALE",
        good_with_kids=True,
        price="140.00",
        currency="USD",
        description=(
            "Hardy hiking buddy with stamina to spare. Deaf from birth, he responds beautifully to "
            "hand signals and a gentle tap on the shoulder."
        ),
        status="AVAILABLE",
        vaccinated=True,
        spayed_neutered=True,
        microchipped=True,
        special_needs=True,
        health_notes="Congenitally deaf; trained with hand signals.",
    ),
    # --- Cats -----------------------------------------------------------------------------
    DemoPet(
        name="Olive",
        species="CAT",
        breed="Domestic Shorthair",
        age_months=24,
        size="MEDIUM",
        color="Gray tabby",
        gender="FEMALE",
        good_with_kids=True,
        price="85.00",
        currency="USD",
        description=(
            "Playful tabby who chases feather wands with total commitment. She greets visitors at "
            "the door like a small dog."
        ),
        status="AVAILABLE",
        vaccinated=True,
        spayed_neutered=True,
        microchipped=True,
        special_needs=False,
        health_notes=None,
    ),
    DemoPet(
        name="Jasper",
        species="CAT",
        breed="Maine Coon",
        age_months=40,
        size="LARGE",
        color="Brown tabby",
        gender="MALE",
        good_with_kids=True,
        price="250.00",
        currency="USD",
        description=(
            "Big, fluffy and gentle, with a chirping little voice that does not match his size. He "
            "loves to lounge next to an open window."
        ),
        status="AVAILABLE",
        vaccinated=True,
        spayed_neutered=True,
        microchipped=True,
        special_needs=False,
        health_notes=None,
    ),
    DemoPet(
        name="Cleo",
        species="CAT",
        breed="Siamese",
        age_months=55,
        size="MEDIUM",
        color="Seal point",
        gender="FEMALE",
        good_with_kids=False,
        price="180.00",
        currency="USD",
        description=(
            "Talkative and opinionated, she will tell you all about her day. Happiest as the "
            "center of attention in an adult home."
        ),
        status="AVAILABLE",
        vaccinated=True,
        spayed_neutered=True,
        microchipped=True,
        special_needs=False,
        health_notes=None,
    ),
    DemoPet(
        name="Milo",
        species="CAT",
        breed="Domestic Longhair",
        age_months=3,
        size="SMALL",
        color="Orange",
        gender="MALE",
        good_with_kids=True,
        price="75.00",
        currency="USD",
        description=(
            "Fearless kitten who climbs everything in sight and then purrs himself to sleep. "
            "Litter trained and used to being handled."
        ),
        status="AVAILABLE",
        vaccinated=True,
        spayed_neutered=False,
        microchipped=True,
        special_needs=False,
        health_notes="Neuter scheduled at six months.",
    ),
    DemoPet(
        name="Nala",
        species="CAT",
        breed="Bengal",
        age_months=30,
        size="MEDIUM",
        color="Brown spotted",
        gender="FEMALE",
        good_with_kids=True,
        price="420.00",
        currency="USD",
        description=(
            "Athletic and curious, she enjoys puzzle feeders and the occasional splash in a "
            "shallow water dish. A tall cat tree is a must."
        ),
        status="PENDING",
        vaccinated=True,
        spayed_neutered=True,
        microchipped=True,
        special_needs=False,
        health_notes=None,
    ),
    DemoPet(
        name="Smokey",
        species="CAT",
        breed="Russian Blue",
        age_months=96,
        size="MEDIUM",
        color="Blue gray",
        gender="MALE",
        good_with_kids=True,
        price="110.00",
        currency="EUR",
        description=(
            "Quiet, dignified and a little shy at first. After a few days he will follow you from "
            "room to room."
        ),
        status="AVAILABLE",
        vaccinated=True,
        spayed_neutered=True,
        microchipped=True,
        special_needs=False,
        health_notes=None,
    ),
    DemoPet(
        name="Pumpkin",
        species="CAT",
        breed="Domestic Shorthair",
        age_months=7,
        size="SMALL",
        color="Orange tabby",
        gender="FEMALE",
        good_with_kids=True,
        price="70.00",
        currency="USD",
        description=(
            "Sweet young cat who kneads blankets and settles into any warm lap. Ready to go home "
            "with her first round of shots done."
        ),
        status="AVAILABLE",
        vaccinated=True,
        spayed_neutered=False,
        microchipped=False,
        special_needs=False,
        health_notes="Spay scheduled before adoption.",
    ),
    DemoPet(
        name="Shadow",
        species="CAT",
        breed="Bombay",
        age_months=64,
        size="MEDIUM",
        color="Black",
        gender="MALE",
        good_with_kids=True,
        price="90.00",
        currency="USD",
        description=(
            "Sleek panther lookalike with bright copper eyes. Loves batting toy mice down the "
            "stairs in the middle of the night."
        ),
        status="ADOPTED",
        vaccinated=True,
        spayed_neutered=True,
        microchipped=True,
        special_needs=False,
        health_notes=None,
    ),
    DemoPet(
        name="Mittens",
        species="CAT",
        breed="Ragdoll",
        age_months=20,
        size="LARGE",
        color="Blue bicolor",
        gender="FEMALE",
        good_with_kids=True,
        price="390.00",
        currency="USD",
        description=(
            "Floppy and relaxed, she goes limp with happiness when picked up. Ideal for a calm "
            "home that enjoys a daily brushing session."
        ),
        status="AVAILABLE",
        vaccinated=True,
        spayed_neutered=True,
        microchipped=True,
        special_needs=False,
        health_notes=None,
    ),
    DemoPet(
        name="Felix",
        species="CAT",
        breed="Domestic Shorthair",
        age_months=132,
        size="MEDIUM",
        color="Black and white",
        gender="MALE",
        good_with_kids=True,
        price="40.00",
        currency="USD",
        description=(
            "Easygoing senior who prefers sunbeams to adventures. Takes a tiny daily pill hidden "
            "in a treat and never suspects a thing."
        ),
        status="AVAILABLE",
        vaccinated=True,
        spayed_neutered=True,
        microchipped=True,
        special_needs=True,
        health_notes="Hyperthyroidism managed with daily medication.",
    ),
    DemoPet(
        name="Saffron",
        species="CAT",
        breed="Abyssinian",
        age_months=26,
        size="SMALL",
        color="Ruddy",
        gender="FEMALE",
        good_with_kids=True,
        price="300.00",
        currency="USD",
        description=(
            "Always on the move, exploring high shelves and inspecting every cupboard. She plays "
            "fetch with hair ties."
        ),
        status="AVAILABLE",
        vaccinated=True,
        spayed_neutered=True,
        microchipped=True,
        special_needs=False,
        health_notes=None,
    ),
    DemoPet(
        name="Oscar",
        species="CAT",
        breed="British Shorthair",
        age_months=45,
        size="LARGE",
        color="Blue",
        gender="MALE",
        good_with_kids=True,
        price="350.00",
        currency="GBP",
        description=(
            "Round-faced teddy bear who likes company but not being carried. Content to nap nearby "
            "while you work."
        ),
        status="ADOPTED",
        vaccinated=True,
        spayed_neutered=True,
        microchipped=True,
        special_needs=False,
        health_notes=None,
    ),
    DemoPet(
        name="Pixel",
        species="CAT",
        breed="Sphynx",
        age_months=34,
        size="SMALL",
        color="Pink and gray",
        gender="FEMALE",
        good_with_kids=True,
        price="440.00",
        currency="USD",
        description=(
            "Hairless heat-seeker who will burrow under your sweater for warmth. Needs a weekly "
            "bath and a cozy heated bed."
        ),
        status="AVAILABLE",
        vaccinated=True,
        spayed_neutered=True,
        microchipped=True,
        special_needs=False,
        health_notes="Weekly bath to manage skin oils.",
    ),
    DemoPet(
        name="Tigger",
        species="CAT",
        breed="Domestic Mediumhair",
        age_months=16,
        size="MEDIUM",
        color="Brown tabby",
        gender="MALE",
        good_with_kids=True,
        price="80.00",
        currency="USD",
        description=(
            "Bouncy young cat who lives for wand toys and cardboard boxes. Gets along well with "
            "calm, cat-savvy dogs."
        ),
        status="AVAILABLE",
        vaccinated=True,
        spayed_neutered=True,
        microchipped=True,
        special_needs=False,
        health_notes=None,
    ),
    DemoPet(
        name="Juno",
        species="CAT",
        breed="Domestic Shorthair",
        age_months=78,
        size="MEDIUM",
        color="Tortoiseshell",
        gender="FEMALE",
        good_with_kids=False,
        price="60.00",
        currency="USD",
        description=(
            "Spirited tortie with firm opinions about when petting should end. Resting after a "
            "dental procedure before she meets adopters."
        ),
        status="NOT_AVAILABLE",
        vaccinated=True,
        spayed_neutered=True,
        microchipped=True,
        special_needs=False,
        health_notes="Recent dental extraction; soft food for two weeks.",
    ),
    DemoPet(
        name="Marble",
        species="CAT",
        breed="Norwegian Forest Cat",
        age_months=50,
        size="LARGE",
        color="Silver tabby",
        gender="MALE",
        good_with_kids=True,
        price="280.00",
        currency="USD",
        description=(
            "Thick-coated climber who loves high perches and chilly mornings. Tolerates brushing "
            "in exchange for a few treats."
        ),
        status="AVAILABLE",
        vaccinated=True,
        spayed_neutered=True,
        microchipped=True,
        special_needs=False,
        health_notes=None,
    ),
    # --- Rabbits --------------------------------------------------------------------------
    DemoPet(
        name="Clover",
        species="RABBIT",
        breed="Holland Lop",
        age_months=10,
        size="SMALL",
        color="Broken orange",
        gender="FEMALE",
        good_with_kids=True,
        price="65.00",
        currency="USD",
        description=(
            "Lop-eared charmer who does happy leaps across the living room. Litter trained and "
            "very fond of fresh cilantro."
        ),
        status="AVAILABLE",
        vaccinated=True,
        spayed_neutered=True,
        microchipped=False,
        special_needs=False,
        health_notes=None,
    ),
    DemoPet(
        name="Thumper",
        species="RABBIT",
        breed="Flemish Giant",
        age_months=26,
        size="LARGE",
        color="Sandy",
        gender="MALE",
        good_with_kids=True,
        price="90.00",
        currency="USD",
        description=(
            "Huge, calm rabbit who enjoys being stroked while stretched out on the floor. Needs a "
            "large pen and a mountain of hay."
        ),
        status="AVAILABLE",
        vaccinated=True,
        spayed_neutered=True,
        microchipped=True,
        special_needs=False,
        health_notes=None,
    ),
    DemoPet(
        name="Cinnamon",
        species="RABBIT",
        breed="Rex",
        age_months=18,
        size="MEDIUM",
        color="Castor",
        gender="FEMALE",
        good_with_kids=True,
        price="55.00",
        currency="USD",
        description=(
            "Velvety coat and a curious nature. She investigates every new box and tunnel the "
            "moment it appears."
        ),
        status="PENDING",
        vaccinated=True,
        spayed_neutered=True,
        microchipped=False,
        special_needs=False,
        health_notes=None,
    ),
    DemoPet(
        name="Oreo",
        species="RABBIT",
        breed="Dutch",
        age_months=34,
        size="SMALL",
        color="Black and white",
        gender="MALE",
        good_with_kids=False,
        price="45.00",
        currency="USD",
        description=(
            "Confident and a bit bossy, he prefers gentle adults who let him make the first move. "
            "Could be bonded with a calm female."
        ),
        status="AVAILABLE",
        vaccinated=True,
        spayed_neutered=True,
        microchipped=False,
        special_needs=False,
        health_notes=None,
    ),
    DemoPet(
        name="Dandelion",
        species="RABBIT",
        breed="Lionhead",
        age_months=8,
        size="SMALL",
        color="White",
        gender="FEMALE",
        good_with_kids=True,
        price="70.00",
        currency="USD",
        description=(
            "Fluffy mane and a gentle temperament. Her long fur needs brushing a few times a week "
            "to stay neat."
        ),
        status="AVAILABLE",
        vaccinated=True,
        spayed_neutered=False,
        microchipped=False,
        special_needs=False,
        health_notes=None,
    ),
    DemoPet(
        name="Bramble",
        species="RABBIT",
        breed="Mini Rex",
        age_months=60,
        size="SMALL",
        color="Chocolate",
        gender="MALE",
        good_with_kids=True,
        price="35.00",
        currency="USD",
        description=(
            "Laid-back older bunny who likes routine and quiet mornings. A great choice for a "
            "first-time rabbit home."
        ),
        status="ADOPTED",
        vaccinated=True,
        spayed_neutered=True,
        microchipped=False,
        special_needs=False,
        health_notes=None,
    ),
    DemoPet(
        name="Pippin",
        species="RABBIT",
        breed="English Angora",
        age_months=22,
        size="MEDIUM",
        color="Fawn",
        gender="MALE",
        good_with_kids=True,
        price="120.00",
        currency="EUR",
        description=(
            "A cloud of soft wool that needs grooming every day. Calm and patient while being "
            "brushed, and happy to nap afterwards."
        ),
        status="AVAILABLE",
        vaccinated=True,
        spayed_neutered=True,
        microchipped=False,
        special_needs=False,
        health_notes=None,
    ),
    DemoPet(
        name="Maple",
        species="RABBIT",
        breed="New Zealand",
        age_months=44,
        size="LARGE",
        color="Red",
        gender="FEMALE",
        good_with_kids=True,
        price="50.00",
        currency="USD",
        description=(
            "Sturdy and friendly, she enjoys supervised garden time. Her head sits at a slight "
            "tilt, but she gets around perfectly well."
        ),
        status="AVAILABLE",
        vaccinated=True,
        spayed_neutered=True,
        microchipped=True,
        special_needs=True,
        health_notes="Mild head tilt after a past ear infection; stable.",
    ),
    # --- Birds ----------------------------------------------------------------------------
    DemoPet(
        name="Kiwi",
        species="BIRD",
        breed="Budgerigar",
        age_months=8,
        size="SMALL",
        color="Green and yellow",
        gender="MALE",
        good_with_kids=True,
        price="25.00",
        currency="USD",
        description=(
            "Chatty little budgie who is starting to copy whistles. Hand-fed as a chick, he steps "
            "up onto a finger without fuss."
        ),
        status="AVAILABLE",
        vaccinated=False,
        spayed_neutered=False,
        microchipped=False,
        special_needs=False,
        health_notes=None,
    ),
    DemoPet(
        name="Sunny",
        species="BIRD",
        breed="Cockatiel",
        age_months=30,
        size="SMALL",
        color="Lutino",
        gender="MALE",
        good_with_kids=True,
        price="120.00",
        currency="USD",
        description=(
            "Whistles a cheerful tune every morning and adores head scratches. Enjoys plenty of "
            "time outside the cage each day."
        ),
        status="AVAILABLE",
        vaccinated=False,
        spayed_neutered=False,
        microchipped=False,
        special_needs=False,
        health_notes=None,
    ),
    DemoPet(
        name="Rio",
        species="BIRD",
        breed="Blue-and-gold Macaw",
        age_months=140,
        size="LARGE",
        color="Blue and gold",
        gender="FEMALE",
        good_with_kids=False,
        price="450.00",
        currency="USD",
        description=(
            "Intelligent and loud, she needs an experienced owner and hours of interaction every "
            "day. Knows about a dozen words."
        ),
        status="PENDING",
        vaccinated=False,
        spayed_neutered=False,
        microchipped=True,
        special_needs=False,
        health_notes=None,
    ),
    DemoPet(
        name="Peaches",
        species="BIRD",
        breed="Peach-faced Lovebird",
        age_months=14,
        size="SMALL",
        color="Peach and green",
        gender="FEMALE",
        good_with_kids=True,
        price="60.00",
        currency="USD",
        description=(
            "Lively and affectionate, she does best with lots of attention or a feathered "
            "companion. Loves shredding paper toys."
        ),
        status="AVAILABLE",
        vaccinated=False,
        spayed_neutered=False,
        microchipped=False,
        special_needs=False,
        health_notes=None,
    ),
    DemoPet(
        name="Echo",
        species="BIRD",
        breed="African Grey Parrot",
        age_months=120,
        size="MEDIUM",
        color="Gray",
        gender="UNKNOWN",
        good_with_kids=False,
        price="450.00",
        currency="USD",
        description=(
            "Thoughtful talker with a big vocabulary and a sensitive nature. Needs a calm home and "
            "a steady supply of puzzles."
        ),
        status="PENDING",
        vaccinated=False,
        spayed_neutered=False,
        microchipped=True,
        special_needs=False,
        health_notes=None,
    ),
    DemoPet(
        name="Mango",
        species="BIRD",
        breed="Sun Conure",
        age_months=36,
        size="SMALL",
        color="Orange and yellow",
        gender="MALE",
        good_with_kids=True,
        price="280.00",
        currency="USD",
        description=(
            "Bright, bold and very vocal at sunrise. He loves riding on shoulders and snuggling "
            "into a fleece hut at night."
        ),
        status="AVAILABLE",
        vaccinated=False,
        spayed_neutered=False,
        microchipped=False,
        special_needs=False,
        health_notes=None,
    ),
    DemoPet(
        name="Sky",
        species="BIRD",
        breed="Budgerigar",
        age_months=20,
        size="SMALL",
        color="Sky blue",
        gender="FEMALE",
        good_with_kids=True,
        price="20.00",
        currency="USD",
        description=(
            "Gentle and a little shy, she enjoys quiet company. Would thrive alongside another "
            "budgie."
        ),
        status="AVAILABLE",
        vaccinated=False,
        spayed_neutered=False,
        microchipped=False,
        special_needs=False,
        health_notes=None,
    ),
    DemoPet(
        name="Zazu",
        species="BIRD",
        breed="Canary",
        age_months=18,
        size="SMALL",
        color="Yellow",
        gender="MALE",
        good_with_kids=True,
        price="40.00",
        currency="GBP",
        description=(
            "Sings beautifully whenever the afternoon sun reaches the cage. Prefers to be admired "
            "rather than handled."
        ),
        status="AVAILABLE",
        vaccinated=False,
        spayed_neutered=False,
        microchipped=False,
        special_needs=False,
        health_notes=None,
    ),
    DemoPet(
        name="Basil",
        species="BIRD",
        breed="Green-cheeked Conure",
        age_months=12,
        size="SMALL",
        color="Green",
        gender="UNKNOWN",
        good_with_kids=True,
        price="220.00",
        currency="USD",
        description=(
            "Playful acrobat who hangs upside down to get attention. Quieter than most parrots, "
            "which makes for a good apartment bird."
        ),
        status="ADOPTED",
        vaccinated=False,
        spayed_neutered=False,
        microchipped=False,
        special_needs=False,
        health_notes=None,
    ),
    # --- Reptiles -------------------------------------------------------------------------
    DemoPet(
        name="Spike",
        species="REPTILE",
        breed="Bearded Dragon",
        age_months=24,
        size="MEDIUM",
        color="Sandy orange",
        gender="MALE",
        good_with_kids=True,
        price="150.00",
        currency="USD",
        description=(
            "Relaxed and easy to handle, he enjoys basking on a warm rock and crunching on "
            "crickets. Goes home with a printed feeding plan."
        ),
        status="AVAILABLE",
        vaccinated=False,
        spayed_neutered=False,
        microchipped=False,
        special_needs=False,
        health_notes=None,
    ),
    DemoPet(
        name="Ember",
        species="REPTILE",
        breed="Corn Snake",
        age_months=30,
        size="MEDIUM",
        color="Red and orange",
        gender="FEMALE",
        good_with_kids=True,
        price="90.00",
        currency="USD",
        description=(
            "Docile snake with striking orange saddles along her back. Eats reliably and tolerates "
            "gentle handling well."
        ),
        status="AVAILABLE",
        vaccinated=False,
        spayed_neutered=False,
        microchipped=False,
        special_needs=False,
        health_notes=None,
    ),
    DemoPet(
        name="Dot",
        species="REPTILE",
        breed="Leopard Gecko",
        age_months=12,
        size="SMALL",
        color="Yellow with black spots",
        gender="FEMALE",
        good_with_kids=True,
        price="60.00",
        currency="USD",
        description=(
            "Spotted gecko with a permanent smile and an easygoing attitude. Needs a warm hide and "
            "insects dusted with calcium."
        ),
        status="AVAILABLE",
        vaccinated=False,
        spayed_neutered=False,
        microchipped=False,
        special_needs=False,
        health_notes=None,
    ),
    DemoPet(
        name="Sheldon",
        species="REPTILE",
        breed="Russian Tortoise",
        age_months=150,
        size="SMALL",
        color="Olive brown",
        gender="MALE",
        good_with_kids=True,
        price="200.00",
        currency="USD",
        description=(
            "Slow, steady and surprisingly curious about everything at ground level. Enjoys leafy "
            "greens and outdoor sunshine in warm weather."
        ),
        status="AVAILABLE",
        vaccinated=False,
        spayed_neutered=False,
        microchipped=True,
        special_needs=False,
        health_notes=None,
    ),
    DemoPet(
        name="Monty",
        species="REPTILE",
        breed="Ball Python",
        age_months=72,
        size="MEDIUM",
        color="Brown and tan",
        gender="MALE",
        good_with_kids=False,
        price="130.00",
        currency="USD",
        description=(
            "Calm python who curls around a wrist like a living bracelet. Best for a keeper who "
            "can hold the humidity steady."
        ),
        status="AVAILABLE",
        vaccinated=False,
        spayed_neutered=False,
        microchipped=False,
        special_needs=False,
        health_notes=None,
    ),
    DemoPet(
        name="Iggy",
        species="REPTILE",
        breed="Green Iguana",
        age_months=48,
        size="LARGE",
        color="Green",
        gender="MALE",
        good_with_kids=False,
        price="100.00",
        currency="USD",
        description=(
            "Large lizard who needs a room-sized enclosure and an experienced keeper. Being "
            "treated for a minor shedding problem before listing."
        ),
        status="NOT_AVAILABLE",
        vaccinated=False,
        spayed_neutered=False,
        microchipped=False,
        special_needs=True,
        health_notes="Retained shed on toes; humidity treatment in progress.",
    ),
    DemoPet(
        name="Marigold",
        species="REPTILE",
        breed="Crested Gecko",
        age_months=20,
        size="SMALL",
        color="Orange harlequin",
        gender="FEMALE",
        good_with_kids=True,
        price="80.00",
        currency="EUR",
        description=(
            "Jumpy little gecko with soft eyelash crests. Eats a fruit-based diet and is happiest "
            "in a tall, planted tank."
        ),
        status="AVAILABLE",
        vaccinated=False,
        spayed_neutered=False,
        microchipped=False,
        special_needs=False,
        health_notes=None,
    ),
    DemoPet(
        name="Atlas",
        species="REPTILE",
        breed="Sulcata Tortoise",
        age_months=96,
        size="LARGE",
        color="Tan",
        gender="UNKNOWN",
        good_with_kids=True,
        price="400.00",
        currency="USD",
        description=(
            "Grows into a lawnmower-sized tortoise, so plan for a secure outdoor space. Friendly "
            "and always ready for a gentle shell scratch."
        ),
        status="AVAILABLE",
        vaccinated=False,
        spayed_neutered=False,
        microchipped=True,
        special_needs=False,
        health_notes=None,
    ),
    DemoPet(
        name="Rango",
        species="REPTILE",
        breed="Blue-tongued Skink",
        age_months=36,
        size="MEDIUM",
        color="Banded brown",
        gender="MALE",
        good_with_kids=True,
        price="180.00",
        currency="USD",
        description=(
            "Sturdy skink who flashes a bright blue tongue when surprised. Handles well and enjoys "
            "supervised floor time."
        ),
        status="ADOPTED",
        vaccinated=False,
        spayed_neutered=False,
        microchipped=False,
        special_needs=False,
        health_notes=None,
    ),
    # --- Other small pets -----------------------------------------------------------------
    DemoPet(
        name="Pip",
        species="OTHER",
        breed="Syrian Hamster",
        age_months=5,
        size="SMALL",
        color="Golden",
        gender="MALE",
        good_with_kids=True,
        price="20.00",
        currency="USD",
        description=(
            "Nighttime explorer who stuffs his cheeks comically full. Needs a roomy cage with a "
            "deep layer of bedding."
        ),
        status="AVAILABLE",
        vaccinated=False,
        spayed_neutered=False,
        microchipped=False,
        special_needs=False,
        health_notes=None,
    ),
    DemoPet(
        name="Bandit",
        species="OTHER",
        breed="Ferret",
        age_months=28,
        size="SMALL",
        color="Sable",
        gender="MALE",
        good_with_kids=False,
        price="160.00",
        currency="USD",
        description=(
            "Mischievous and endlessly curious, he steals socks and stashes them under the sofa. "
            "Needs daily play time in a ferret-proofed room."
        ),
        status="AVAILABLE",
        vaccinated=True,
        spayed_neutered=True,
        microchipped=True,
        special_needs=False,
        health_notes=None,
    ),
    DemoPet(
        name="Cocoa",
        species="OTHER",
        breed="American Guinea Pig",
        age_months=15,
        size="SMALL",
        color="Chocolate and white",
        gender="FEMALE",
        good_with_kids=True,
        price="35.00",
        currency="USD",
        description=(
            "Squeaks with delight at the sound of the fridge door. Would love to go home together "
            "with a guinea pig friend."
        ),
        status="AVAILABLE",
        vaccinated=False,
        spayed_neutered=False,
        microchipped=False,
        special_needs=False,
        health_notes=None,
    ),
    DemoPet(
        name="Smudge",
        species="OTHER",
        breed="Abyssinian Guinea Pig",
        age_months=26,
        size="SMALL",
        color="Tortoiseshell",
        gender="MALE",
        good_with_kids=True,
        price="40.00",
        currency="USD",
        description=(
            "Wild rosette coat and a calm temperament. Enjoys lap time with a pile of fresh hay."
        ),
        status="PENDING",
        vaccinated=False,
        spayed_neutered=True,
        microchipped=False,
        special_needs=False,
        health_notes=None,
    ),
    DemoPet(
        name="Chip",
        species="OTHER",
        breed="Chinchilla",
        age_months=38,
        size="SMALL",
        color="Standard gray",
        gender="MALE",
        good_with_kids=False,
        price="190.00",
        currency="USD",
        description=(
            "Ultra-soft coat and boundless evening energy. Needs a cool room and regular dust "
            "baths instead of water."
        ),
        status="AVAILABLE",
        vaccinated=False,
        spayed_neutered=False,
        microchipped=False,
        special_needs=False,
        health_notes=None,
    ),
    DemoPet(
        name="Tofu",
        species="OTHER",
        breed="Fancy Rat",
        age_months=10,
        size="SMALL",
        color="Black hooded",
        gender="FEMALE",
        good_with_kids=True,
        price="25.00",
        currency="USD",
        description=(
            "Clever and social, she learns her name quickly and rides happily on a shoulder. Best "
            "adopted with a cage mate."
        ),
        status="AVAILABLE",
        vaccinated=False,
        spayed_neutered=False,
        microchipped=False,
        special_needs=False,
        health_notes=None,
    ),
    DemoPet(
        name="Gizmo",
        species="OTHER",
        breed="African Pygmy Hedgehog",
        age_months=18,
        size="SMALL",
        color="Salt and pepper",
        gender="MALE",
        good_with_kids=False,
        price="210.00",
        currency="GBP",
        description=(
            "Prickly at first, he relaxes and uncurls once he knows your scent. Active at night "
            "and devoted to his running wheel."
        ),
        status="AVAILABLE",
        vaccinated=False,
        spayed_neutered=False,
        microchipped=False,
        special_needs=False,
        health_notes=None,
    ),
    DemoPet(
        name="Nibbles",
        species="OTHER",
        breed="Roborovski Dwarf Hamster",
        age_months=4,
        size="SMALL",
        color="Sandy",
        gender="UNKNOWN",
        good_with_kids=False,
        price="20.00",
        currency="USD",
        description=(
            "Tiny, speedy hamster who is more fun to watch than to hold. Needs a long tunnel "
            "system and a sand bath."
        ),
        status="AVAILABLE",
        vaccinated=False,
        spayed_neutered=False,
        microchipped=False,
        special_needs=False,
        health_notes=None,
    ),
    DemoPet(
        name="Fudge",
        species="OTHER",
        breed="Degu",
        age_months=22,
        size="SMALL",
        color="Agouti brown",
        gender="FEMALE",
        good_with_kids=True,
        price="45.00",
        currency="USD",
        description=(
            "Chatty rodent who talks in chirps and squeaks. Happiest living in a small group with "
            "plenty of chew toys."
        ),
        status="ADOPTED",
        vaccinated=False,
        spayed_neutered=False,
        microchipped=False,
        special_needs=False,
        health_notes=None,
    ),
    DemoPet(
        name="Domino",
        species="OTHER",
        breed="Ferret",
        age_months=62,
        size="SMALL",
        color="Panda",
        gender="FEMALE",
        good_with_kids=True,
        price="130.00",
        currency="USD",
        description=(
            "Gentle older ferret who prefers cuddles to chaos. Her hormone condition is well "
            "controlled and she has plenty of spark left."
        ),
        status="AVAILABLE",
        vaccinated=True,
        spayed_neutered=True,
        microchipped=True,
        special_needs=True,
        health_notes="Adrenal disease managed with an implant.",
    ),
)

# First names for generated pets; each gets a numeric suffix so names stay unique.
_EXTRA_NAMES: tuple[str, ...] = (
    "Juniper",
    "Waffles",
    "Ollie",
    "Ruby",
    "Bear",
    "Sage",
    "Finn",
    "Lola",
    "Teddy",
    "Ivy",
    "Otis",
    "Penny",
    "Rusty",
    "Coco",
    "Louie",
    "Nova",
    "Winston",
    "Bella",
    "Archie",
    "Fern",
    "Benny",
    "Rosie",
    "Murphy",
    "Zoe",
    "Chester",
    "Lulu",
    "Hank",
    "Millie",
    "Remy",
    "Stella",
    "Cosmo",
    "Tilly",
    "Dexter",
    "Honey",
    "Frankie",
    "Opal",
    "Moose",
    "Bonnie",
    "Pickles",
    "Wren",
)

_MIN_AGE_MONTHS = 2
_MAX_AGE_MONTHS = 150
_MIN_PRICE_CENTS = 2_000
_MAX_PRICE_CENTS = 45_000
_MAX_DESCRIPTION = 300


def _first_sentence(text: str) -> str:
    end = text.find(". ")
    return text if end < 0 else text[: end + 1]


def _price_cents(price: str) -> int:
    whole, _, fraction = price.partition(".")
    return int(whole) * 100 + int(fraction)


def _age_text(months: int) -> str:
    if months < 24:
        return f"{months} months old"
    return f"{months // 12} years old"


# Per-catalog-entry values reused by every generated variation.
_LEADS: tuple[str, ...] = tuple(_first_sentence(p.description) for p in CATALOG)
_BASE_CENTS: tuple[int, ...] = tuple(_price_cents(p.price) for p in CATALOG)


def _variation(index: int) -> DemoPet:
    """The ``index``-th generated pet (0-based), derived from a catalog entry by arithmetic only."""
    slot = index % len(CATALOG)
    base = CATALOG[slot]
    name = f"{_EXTRA_NAMES[index % len(_EXTRA_NAMES)]} {index // len(_EXTRA_NAMES) + 1}"
    # Cheap deterministic hash (Knuth multiplicative + xorshift) to spread the variations.
    mixed = (index * 0x9E3779B1 + 0x7F4A7C15) & 0xFFFFFFFF
    mixed ^= mixed >> 15
    age = base.age_months * (70 + mixed % 61) // 100  # 70%..130% of the base age
    age = min(max(age, _MIN_AGE_MONTHS), _MAX_AGE_MONTHS)
    cents = _BASE_CENTS[slot] * (85 + (mixed >> 8) % 31) // 100  # 85%..115% of the base price
    cents = min(max((cents + 25) // 50 * 50, _MIN_PRICE_CENTS), _MAX_PRICE_CENTS)
    description = f"{base.breed}, {_age_text(age)}. {_LEADS[slot]}"
    if len(description) > _MAX_DESCRIPTION:
        description = _LEADS[slot][:_MAX_DESCRIPTION]
    return DemoPet(
        name=name,
        species=base.species,
        breed=base.breed,
        age_months=age,
        size=base.size,
        color=base.color,
        gender=base.gender,
        good_with_kids=base.good_with_kids,
        price=f"{cents // 100}.{cents % 100:02d}",
        currency=base.currency,
        description=description,
        status=base.status,
        vaccinated=base.vaccinated,
        spayed_neutered=base.spayed_neutered,
        microchipped=base.microchipped,
        special_needs=base.special_needs,
        health_notes=base.health_notes,
    )


def demo_pets(count: int) -> list[DemoPet]:
    """Return exactly ``count`` demo pets, identical on every call.

    The first ``min(count, len(CATALOG))`` are ``CATALOG`` in order; the rest are
    variations of catalog entries with unique generated names.
    """
    if count < 0:
        raise ValueError(f"count must be >= 0, got {count}")
    pets = list(CATALOG[:count])
    pets.extend(_variation(index) for index in range(count - len(pets)))
    return pets
