"""The information portal's content and language negotiation."""

from __future__ import annotations

import pytest

from haven.errors import NotFound
from haven.recruitment import portal

TOPICS = {
    "no-recruitment-fees",
    "employer-pays",
    "keep-your-passport",
    "read-your-contract",
    "red-flags",
    "file-a-complaint",
}


def test_every_article_exists_in_every_language_with_valid_front_matter() -> None:
    assert set(portal.slugs()) == TOPICS
    for slug in TOPICS:
        assert portal.languages_of(slug) == list(portal.LANGUAGES)
        for lang in portal.LANGUAGES:
            article = portal.library()[(lang, slug)]
            assert article.title
            assert article.summary
            assert article.body.startswith("# ")
            assert article.version == portal.library()[("en", slug)].version


def test_english_is_the_source_and_unreviewed_translations_say_so() -> None:
    for (lang, _), article in portal.library().items():
        if lang == "en":
            assert article.translation == "source"
        else:
            assert article.translation in ("reviewed", "pending_review")
            assert article.listed()["pending_review"] is (article.translation == "pending_review")


@pytest.mark.parametrize(
    ("lang", "accept", "expected"),
    [
        ("fr", "ar", "fr"),
        (None, "ne-NP, en;q=0.5", "ne"),
        (None, "de-DE, fil;q=0.8, fr;q=0.7", "tl"),
        (None, "es, ar;q=0.1", "ar"),
        (None, "ar;q=0, fr;q=0.2", "fr"),
        ("es", None, "en"),
        (None, "garbage;q=x", "en"),
        (None, None, "en"),
    ],
)
def test_language_negotiation(lang: str | None, accept: str | None, expected: str) -> None:
    assert portal.negotiate(lang, accept) == expected


def test_unknown_article_is_not_found() -> None:
    with pytest.raises(NotFound):
        portal.article("no-such-topic", "en")
