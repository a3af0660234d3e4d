"""Name normalisation, deletion keys and matching: typos, accents, order, scripts."""

from __future__ import annotations

import pytest

from haven.safety import names


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("María-José  GARCÍA", ["maria", "jose", "garcia"]),
        ("Ｍａｒｉａ", ["maria"]),
        ("أحمد", ["احمد"]),
        ("مُحَمَّد", ["محمد"]),
        ("Γιώργος", ["γιωργοσ"]),
        ("Straße", ["strasse"]),
        ("O'Brien", ["o", "brien"]),
        ("山田 太郎", ["山田", "太郎"]),
    ],
)
def test_tokens_fold_accents_case_and_variants(raw: str, expected: list[str]) -> None:
    assert names.tokens(raw) == expected


@pytest.mark.parametrize(
    ("query", "name"),
    [
        ("garcia maria", "María García"),  # order and accents
        ("garsia", "García"),  # substitution
        ("garca", "García"),  # deletion
        ("garciia", "García"),  # insertion
        ("gracia", "García"),  # transposition
        ("иванова наталя", "Наталья Иванова"),  # Cyrillic, one deletion
        ("علي محمد", "مُحَمَّد علي"),  # Arabic, order and diacritics
        ("太郎 山田", "山田 太郎"),
    ],
)
def test_one_typo_per_word_matches_through_a_shared_key(query: str, name: str) -> None:
    query_tokens, name_tokens = names.tokens(query), names.tokens(name)
    assert names.matches(query_tokens, name_tokens)
    # The index finds it: the looked-up token shares a key with a name token.
    assert names.deletion_keys(names.lookup_token(query_tokens)) & names.index_keys(name_tokens)


@pytest.mark.parametrize(
    ("query", "name"),
    [
        ("garcia", "Gonzalez"),
        ("grasia", "García"),  # two edits
        ("li", "Lu"),  # short words match exactly only
        ("maria marta", "María García"),  # each query word needs its own name word
        ("garcia smith", "María García"),
    ],
)
def test_more_than_a_typo_does_not_match(query: str, name: str) -> None:
    assert not names.matches(names.tokens(query), names.tokens(name))


def test_distance_is_damerau_capped() -> None:
    assert names.distance("abcd", "abdc") == 1
    assert names.distance("abcd", "abcd") == 0
    assert names.distance("abcd", "wxyz") == 2
