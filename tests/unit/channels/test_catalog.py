"""The catalogs: the same keywords and templates in every language, every reply within three
SMS segments whatever its values, GSM-7 where the language's script allows."""

from __future__ import annotations

import json
import string
from importlib import resources

import pytest

from haven.channels import catalog, segments
from haven.complaints.complaints import new_tracking_code

LANGUAGES = catalog.LANGUAGES
ENGLISH = catalog.catalog("en")
#: The longest values a reply can carry: a report code (id.token), a complaint code, names and
#: places at their cap, the longest status of the language, a long public message.
REPORT_CODE = "01JDZ6Y3W6B8Q8V0K1M2N3P4Q5." + "A" * 32


def _worst(cat: catalog.Catalog) -> dict[str, str]:
    long_name = ("Maria Fernanda de los Santos " * 4)[: catalog.MAX_VALUE_CHARS]
    status = max(cat.statuses.values(), key=len)
    person = f"{long_name} ({long_name}): {status}"
    return {
        "code": REPORT_CODE,
        "name": long_name,
        "place": long_name,
        "days": "365",
        "people": "; ".join([person] * 3),
        "status": status,
        "statuses": "; ".join([status] * 3),
        "currency": "NPR",
        "message": "We have referred your complaint to the labour inspectorate. " * 8,
    }


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_every_language_has_every_keyword_template_and_status() -> None:
    for language in LANGUAGES:
        cat = catalog.catalog(language)
        assert cat.language == language
        assert cat.keywords.keys() == ENGLISH.keywords.keys()
        assert cat.replies.keys() == ENGLISH.replies.keys()
        assert cat.statuses.keys() == ENGLISH.statuses.keys()
        for name, template in cat.replies.items():
            assert _fields(template) == _fields(ENGLISH.replies[name]), (language, name)


def test_one_catalog_file_per_language() -> None:
    files = resources.files("haven.channels").joinpath("messages")
    assert sorted(p.name for p in files.iterdir() if p.name.endswith(".json")) == sorted(
        f"{lang}.json" for lang in LANGUAGES
    )
    for language in LANGUAGES:
        json.loads(files.joinpath(f"{language}.json").read_text("utf-8"))


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_template_fits_three_segments_with_its_longest_values(language: str) -> None:
    cat = catalog.catalog(language)
    worst = _worst(cat)
    for name, template in cat.replies.items():
        values = {k: worst[k] for k in _fields(template)}
        rendered = cat.reply(name, **values)
        assert segments.segments(rendered) <= segments.MAX_SEGMENTS, (language, name, rendered)
        # The template itself fits without any cut (only values are ever shortened).
        bare = template.format(**{k: "" for k in _fields(template)})
        assert segments.segments(bare) <= segments.MAX_SEGMENTS, (language, name)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(
    ("template", "code"),
    # One code made once, named by the template: a test's id must be the same in every worker.
    [("report_done", REPORT_CODE), ("complain_done", new_tracking_code())],
    ids=["report_done", "complain_done"],
)
def test_codes_are_never_cut(language: str, template: str, code: str) -> None:
    assert code in catalog.catalog(language).reply(template, code=code)


@pytest.mark.parametrize("language", ["en", "fr", "es", "tl"])
def test_latin_languages_reply_in_gsm7(language: str) -> None:
    for name, template in catalog.catalog(language).replies.items():
        assert segments.encoding(template) == "GSM-7", (language, name, template)


@pytest.mark.parametrize(
    ("text", "word", "languages", "rest"),
    [
        ("SAFE Maria Lopez", "safe", ("en",), "Maria Lopez"),
        ("safe", "safe", ("en",), ""),
        ("Arrêt", "stop", ("fr",), ""),
        ("ARRET", "stop", ("fr",), ""),
        ("stop", "stop", ("en", "fr", "es", "ar", "ne", "tl"), ""),
        ("  Plainte  ", "complain", ("fr",), ""),
        ("شكوى", "complain", ("ar",), ""),
        ("उजुरी", "complain", ("ne",), ""),
        ("ligtas Juan", "safe", ("tl",), "Juan"),
        ("BUSCAR Ana", "find", ("es",), "Ana"),
        ("help!", "help", ("en",), ""),
    ],
)
def test_keywords(text: str, word: str, languages: tuple[str, ...], rest: str) -> None:
    found = catalog.keyword(text, catalog.COMMANDS)
    assert found is not None
    assert (found.word, found.languages, found.rest) == (word, languages, rest)


@pytest.mark.parametrize("text", ["", "hello", "safety first", "1", "SAFEST"])
def test_not_keywords(text: str) -> None:
    assert catalog.keyword(text, catalog.COMMANDS) is None


def test_no_keyword_means_two_different_things() -> None:
    meanings: dict[str, set[str]] = {}
    for language in LANGUAGES:
        for word, keys in catalog.catalog(language).keywords.items():
            for key in keys:
                meanings.setdefault(key, set()).add(word)
    assert {k: v for k, v in meanings.items() if len(v) > 1} == {}
