"""Which new passwords are accepted: the one rule, applied wherever a password is set (sign-up,
the CLI, a user changing theirs, staff setting someone's), after NIST SP 800-63B rev. 4.

- **Length**: 8 to 256 characters, counting code points after normalisation (and, for the
  maximum, as typed too, so that a password accepted here is never cut by the 256-character
  limit of the login forms). 8 is the contract's minimum and 800-63B's floor; the 15 that rev. 4
  asks of a password used as the only factor is not imposed (see README, "Passwords").
- **Characters**: anything printable, spaces and emoji included, no composition rules. Refused:
  control characters, line and paragraph separators, unpaired surrogates and unassigned code
  points (what no keyboard types, what cannot be hashed, and what a later Unicode version may
  normalise differently, which would lock the owner out).
- **Normalisation**: NFKC, before these checks and before hashing (:mod:`petstore.auth.passwords`),
  so that the same password typed on another keyboard or system still matches.
- **Blocklist**: not one of the common passwords of a breach corpus shipped with the package
  (``data/common-passwords.txt``, see its README), compared case-insensitively.
- **Context-specific words**: not containing the username, the email address or the name of
  the service; not one character repeated (``aaaaaaaa``, eight spaces) nor a straight run of
  consecutive characters (``abcdefgh``, ``87654321``). 800-63B names these as what a blocklist
  should hold beside breached passwords; the shipped list leaves such patterns out, because
  zxcvbn, where it comes from, finds them by rule.

A refused password answers 422 with one error per broken rule (``code`` names it); no message
repeats the password.
"""

from __future__ import annotations

import unicodedata
from functools import cache
from importlib import resources
from itertools import pairwise

from petstore.core.errors import FieldError, InvalidInput

MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 256
SERVICE_NAME = "petstore"
BLOCKLIST = "data/common-passwords.txt"
# Control (Cc), surrogate (Cs), unassigned (Cn), line and paragraph separators (Zl, Zp).
_REFUSED_CATEGORIES = frozenset({"Cc", "Cs", "Cn", "Zl", "Zp"})


def normalise(password: str) -> str:
    """The form of a password that is checked, hashed and verified."""
    return unicodedata.normalize("NFKC", password)


@cache
def common_passwords() -> frozenset[str]:
    """The blocklist, read from the package once per process."""
    text = resources.files(__package__).joinpath(BLOCKLIST).read_text(encoding="utf-8")
    return frozenset(line for line in text.splitlines() if line)


def _error(code: str, message: str) -> FieldError:
    return {"field": "password", "message": message, "code": code}


def _is_straight_run(folded: str) -> bool:
    steps = {ord(b) - ord(a) for a, b in pairwise(folded)}
    return steps in ({1}, {-1})


def password_refusals(password: str, *, username: str, email: str) -> list[FieldError]:
    """Every rule ``password`` breaks, for the account ``username`` / ``email`` it is for."""
    normalised = normalise(password)
    if max(len(password), len(normalised)) > MAX_PASSWORD_LENGTH:
        return [_error("password_too_long", f"must be at most {MAX_PASSWORD_LENGTH} characters")]
    folded = normalised.casefold()
    found: list[FieldError] = []
    if any(unicodedata.category(c) in _REFUSED_CATEGORIES for c in normalised):
        found.append(
            _error(
                "password_invalid_character",
                "must not contain control characters, line or paragraph separators, "
                "unpaired surrogates or unassigned code points",
            )
        )
    if len(normalised) < MIN_PASSWORD_LENGTH:
        found.append(
            _error("password_too_short", f"must be at least {MIN_PASSWORD_LENGTH} characters")
        )
    if len(set(folded)) == 1:
        found.append(_error("password_repeated_character", "must not be one character repeated"))
    elif _is_straight_run(folded):
        found.append(_error("password_sequence", "must not be a run of consecutive characters"))
    for code, word, what in (
        ("password_contains_username", username, "the username"),
        ("password_contains_email", email, "the email address"),
        (
            "password_contains_service_name",
            SERVICE_NAME,
            f"the name of the service ({SERVICE_NAME})",
        ),
    ):
        if word and word.casefold() in folded:
            found.append(_error(code, f"must not contain {what}"))
    if folded in common_passwords():
        found.append(_error("password_common", "is one of the most common passwords"))
    return found


def check_new_password(password: str, *, username: str, email: str) -> None:
    """Refuse (:class:`InvalidInput`, 422) a password that breaks any rule of the policy."""
    refusals = password_refusals(password, username=username, email=email)
    if refusals:
        rules = "; ".join(e["message"] for e in refusals)
        raise InvalidInput(f"The password was refused: it {rules}.", errors=refusals)
