"""The information portal: job seekers' rights, as versioned Markdown in the repository.

Articles live in ``content/<lang>/<slug>.md`` beside this module, each with a front matter
(``title``, ``summary``, ``version``, ``updated``, ``translation``). English is the source;
a translation says ``translation: pending_review`` until a reviewer fluent in the language
has checked it, and the API shows that flag. They are read once per process.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from haven.errors import NotFound

CONTENT = Path(__file__).parent / "content"
SOURCE_LANGUAGE = "en"
LANGUAGES = ("en", "fr", "ar", "ne", "tl")
#: Other tags for the same languages (Filipino is standardised Tagalog).
ALIASES = {"fil": "tl", "npi": "ne"}
_REQUIRED = ("title", "summary", "version", "updated", "translation")
TRANSLATION_STATES = ("source", "reviewed", "pending_review")


@dataclass(frozen=True)
class Article:
    slug: str
    lang: str
    title: str
    summary: str
    version: int
    updated: str
    translation: str
    body: str

    def listed(self) -> dict[str, Any]:
        return {
            "slug": self.slug,
            "lang": self.lang,
            "title": self.title,
            "summary": self.summary,
            "version": self.version,
            "updated": self.updated,
            "translation": self.translation,
            "pending_review": self.translation == "pending_review",
        }

    def full(self) -> dict[str, Any]:
        return {**self.listed(), "format": "markdown", "body": self.body}


class MalformedArticle(ValueError):
    pass


def parse(path: Path) -> Article:
    text = path.read_text(encoding="utf-8")
    if not text.startswith("---\n") or "\n---\n" not in text[4:]:
        raise MalformedArticle(f"{path}: no front matter")
    head, body = text[4:].split("\n---\n", 1)
    meta = dict(line.split(":", 1) for line in head.splitlines() if line.strip())
    meta = {k.strip(): v.strip() for k, v in meta.items()}
    absent = [k for k in _REQUIRED if not meta.get(k)]
    if absent or meta["translation"] not in TRANSLATION_STATES:
        raise MalformedArticle(f"{path}: front matter lacks {absent} or has a bad translation state")
    return Article(
        slug=path.stem,
        lang=path.parent.name,
        title=meta["title"],
        summary=meta["summary"],
        version=int(meta["version"]),
        updated=meta["updated"],
        translation=meta["translation"],
        body=body.strip() + "\n",
    )


@cache
def library() -> dict[tuple[str, str], Article]:
    return {(a.lang, a.slug): a for a in map(parse, sorted(CONTENT.glob("*/*.md")))}


def slugs() -> list[str]:
    return sorted({slug for lang, slug in library() if lang == SOURCE_LANGUAGE})


def _supported(tag: str) -> str | None:
    primary = tag.strip().lower().split("-")[0]
    primary = ALIASES.get(primary, primary)
    return primary if primary in LANGUAGES else None


def negotiate(lang: str | None, accept_language: str | None) -> str:
    """``lang`` if supported, else the best supported language of ``Accept-Language``, else en."""
    if lang and _supported(lang):
        return str(_supported(lang))
    ranked: list[tuple[float, int, str]] = []
    for n, part in enumerate((accept_language or "").split(",")[:20]):
        tag, _, params = part.partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                continue
        found = _supported(tag)
        if found and quality > 0:
            ranked.append((-quality, n, found))
    return min(ranked)[2] if ranked else SOURCE_LANGUAGE


def article(slug: str, lang: str) -> Article:
    """The article in ``lang``, or in English when it is not translated yet."""
    found = library().get((lang, slug)) or library().get((SOURCE_LANGUAGE, slug))
    if found is None:
        raise NotFound("no such article")
    return found


def articles(lang: str) -> list[Article]:
    return [article(slug, lang) for slug in slugs()]


def languages_of(slug: str) -> list[str]:
    return [lang for lang in LANGUAGES if (lang, slug) in library()]
