"""Keywords and replies of the text channels, one catalog per language (``messages/<lang>.json``).

Keywords are matched whole, case- and accent-insensitively (``ARRET`` is ``ARRÊT``); a reply is
rendered from its template and always fits :data:`haven.channels.segments.MAX_SEGMENTS`.
"""

from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib import resources

from haven.channels import segments

LANGUAGES: tuple[str, ...] = ("en", "fr", "es", "ar", "ne", "tl")
DEFAULT_LANGUAGE = "en"
#: The commands a first message may start with, and the answers a dialogue understands.
COMMANDS: tuple[str, ...] = ("report", "safe", "find", "status", "complain", "alerts", "stop", "help")
ANSWERS: tuple[str, ...] = ("yes", "no", "skip")
#: Menu numbers (the guided start) → command.
MENU: dict[str, str] = {
    "1": "report",
    "2": "safe",
    "3": "find",
    "4": "status",
    "5": "complain",
    "6": "alerts",
}
#: The longest a value put into a reply may be before the reply is cut (names, places).
MAX_VALUE_CHARS = 60


def normal(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())


@dataclass(frozen=True)
class Catalog:
    language: str
    keywords: dict[str, tuple[str, ...]]
    replies: dict[str, str]
    statuses: dict[str, str]

    def reply(self, template: str, **values: str | int) -> str:
        return render(self.replies[template], **values)

    def status(self, status: str) -> str:
        return self.statuses.get(status, status)


@cache
def catalog(language: str) -> Catalog:
    if language not in LANGUAGES:
        language = DEFAULT_LANGUAGE
    raw = json.loads(
        resources.files("haven.channels").joinpath("messages").joinpath(f"{language}.json").read_text("utf-8")
    )
    return Catalog(
        language=raw["language"],
        keywords={word: tuple(normal(k) for k in words) for word, words in raw["keywords"].items()},
        replies=dict(raw["replies"]),
        statuses=dict(raw["statuses"]),
    )


@cache
def _keyword_index() -> dict[str, tuple[tuple[str, str], ...]]:
    """Normalised keyword → every (word, language) it means, in catalog order."""
    index: dict[str, list[tuple[str, str]]] = {}
    for language in LANGUAGES:
        for word, keys in catalog(language).keywords.items():
            for key in keys:
                if (word, language) not in index.get(key, []):
                    index.setdefault(key, []).append((word, language))
    return {key: tuple(meanings) for key, meanings in index.items()}


@dataclass(frozen=True)
class Keyword:
    word: str
    #: The languages in which it is this word (``STOP`` is English and French and more).
    languages: tuple[str, ...]
    #: What followed the keyword (``SAFE Maria Lopez`` → ``Maria Lopez``), as written.
    rest: str


def keyword(text: str, among: tuple[str, ...]) -> Keyword | None:
    """The keyword ``text`` starts with, if it is one of the words ``among``."""
    stripped = text.strip()
    first, _, rest = stripped.partition(" ")
    meanings = _keyword_index().get(normal(first.strip(".,!?¿¡؟।")), ())
    for word in among:
        languages = tuple(lang for w, lang in meanings if w == word)
        if languages:
            return Keyword(word, languages, rest.strip())
    return None


def script_language(text: str) -> str | None:
    """A language the script of ``text`` tells (Arabic, Devanagari); ``None`` for Latin."""
    for c in text:
        name = unicodedata.name(c, "")
        if name.startswith("ARABIC"):
            return "ar"
        if name.startswith("DEVANAGARI"):
            return "ne"
    return None


def render(template: str, **values: str | int) -> str:
    """The template with its values, cut so that the whole fits the segment limit: the values
    are shortened first (a name, a list of people), then the text itself as a last resort."""
    texts = {k: str(v) if k == "people" else str(v)[:MAX_VALUE_CHARS] for k, v in values.items()}
    cut: set[str] = set()

    def text() -> str:
        return template.format(**{k: v + "..." if k in cut else v for k, v in texts.items()})

    while segments.segments(text()) > segments.MAX_SEGMENTS:
        longest = max(
            (k for k in texts if k not in ("code", "days") and len(texts[k]) > 3),
            key=lambda k: len(texts[k]),
            default=None,
        )
        if longest is None:
            return segments.truncate(text())
        texts[longest] = texts[longest][: max(3, int(len(texts[longest]) * 0.8))].rstrip()
        cut.add(longest)
    return text()
