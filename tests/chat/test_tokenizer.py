"""The one tokenizer behind every token count, limit and stream chunk."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from petstore.chat.tokenizer import count, tokenize, truncate


def test_words_carry_the_space_before_them_and_punctuation_stands_alone() -> None:
    assert tokenize("Hi, Max!") == ["Hi", ",", " Max", "!"]
    assert tokenize("$250.00 each") == ["$", "250", ".", "00", " each"]
    assert tokenize("don't") == ["don", "'", "t"]
    assert tokenize("snake_case word42") == ["snake_case", " word42"]
    assert tokenize("**Zephyrine**") == ["*", "*", "Zephyrine", "*", "*"]


def test_every_punctuation_character_is_its_own_token() -> None:
    assert tokenize("?!.") == ["?", "!", "."]
    assert tokenize("e.g. (yes)") == ["e", ".", "g", ".", " (", "yes", ")"]


@pytest.mark.parametrize(
    "text",
    [
        "Hi, Max!",
        "  leading spaces",
        "trailing spaces   ",
        "lines\n\n- **Zephyrine** (small), 250.00 USD: http://x.test/v1/pets/1\n",
        "tabs\tand\r\nwindows newlines",
        "unicode: Zoë mag Käse 🐶 — ok",
    ],
)
def test_joining_the_tokens_gives_the_text_back(text: str) -> None:
    assert "".join(tokenize(text)) == text


@given(st.text())
def test_joining_the_tokens_gives_any_text_back(text: str) -> None:
    tokens = tokenize(text)
    assert "".join(tokens) == text
    assert all(tokens)
    assert count(text) == len(tokens)


def test_empty_text_has_no_tokens() -> None:
    assert tokenize("") == []
    assert count("") == 0
    assert truncate("", 1) == ("", False)


def test_truncate_keeps_the_first_tokens_and_says_whether_it_cut() -> None:
    text = "Hi, Max! Sit."
    n = count(text)
    assert n == 6  # Hi , " Max" ! " Sit" .
    assert truncate(text, n) == (text, False)
    assert truncate(text, n + 100) == (text, False)
    assert truncate(text, n - 1) == ("Hi, Max! Sit", True)
    assert truncate(text, 2) == ("Hi,", True)
    assert truncate(text, 1) == ("Hi", True)


@given(st.text(), st.integers(min_value=1, max_value=50))
def test_truncation_is_a_prefix_of_exactly_the_limit(text: str, limit: int) -> None:
    cut_text, cut = truncate(text, limit)
    assert text.startswith(cut_text)
    assert cut == (count(text) > limit)
    assert count(cut_text) == min(limit, count(text))
