"""Every language of the public app has every message (web/src/public/messages/<language>/),
with the same placeholders, and no message is empty."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

MESSAGES = Path(__file__).resolve().parents[2] / "web" / "src" / "public" / "messages"
LANGUAGES = ("en", "fr", "es", "ar", "ne", "tl")
PLACEHOLDER = re.compile(r"\{(\w+)\}")


def _catalog(language: str) -> dict[str, str]:
    merged: dict[str, str] = {}
    for area in sorted((MESSAGES / language).glob("*.json")):
        entries = json.loads(area.read_text(encoding="utf-8"))
        clash = set(entries) & set(merged)
        assert not clash, f"{language}/{area.name} repeats keys of another area: {sorted(clash)}"
        merged.update(entries)
    return merged


def test_the_languages_are_the_apps() -> None:
    assert sorted(p.name for p in MESSAGES.iterdir() if p.is_dir()) == sorted(LANGUAGES)


@pytest.mark.parametrize("language", LANGUAGES[1:])
def test_each_language_has_every_message_with_its_placeholders(language: str) -> None:
    english, other = _catalog("en"), _catalog(language)
    assert sorted(set(english) - set(other)) == [], f"{language} lacks these messages"
    assert sorted(set(other) - set(english)) == [], f"{language} has messages English lacks"
    for key, message in english.items():
        assert set(PLACEHOLDER.findall(other[key])) == set(PLACEHOLDER.findall(message)), (language, key)


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_message_is_empty(language: str) -> None:
    assert [key for key, message in _catalog(language).items() if not message.strip()] == []


def test_every_area_exists_in_every_language() -> None:
    areas = {p.name for p in (MESSAGES / "en").glob("*.json")}
    for language in LANGUAGES:
        assert {p.name for p in (MESSAGES / language).glob("*.json")} == areas, language
