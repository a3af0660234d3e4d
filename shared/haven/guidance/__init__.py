"""Guidance: best practice for using social media and phones in a crisis, per audience.

The texts are Markdown files versioned in this package (``content/<lang>/<audience>.md``),
each opening with a front matter of ``version`` and ``title``. The language is the ``lang``
asked for, else the best of ``Accept-Language`` that exists, else English. A text is read
once per process; its ETag is the hash of its bytes, so a cache revalidates cheaply.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from haven.errors import FieldError, ValidationFailed

CONTENT = Path(__file__).resolve().parent / "content"
AUDIENCES = ("citizen", "responder", "police")
DEFAULT_LANGUAGE = "en"


@dataclass(frozen=True)
class Guidance:
    audience: str
    language: str
    version: str
    title: str
    markdown: str
    etag: str


@cache
def languages() -> tuple[str, ...]:
    return tuple(sorted(p.name for p in CONTENT.iterdir() if p.is_dir()))


def _ranges(accept_language: str) -> list[str]:
    """Language ranges of an Accept-Language header, best first (q=0 excluded)."""
    weighted = []
    for position, part in enumerate(accept_language.split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                continue
        if tag and quality > 0:
            weighted.append((-quality, position, tag.strip().lower()))
    return [tag for _, _, tag in sorted(weighted)]


def negotiate(lang: str | None, accept_language: str | None) -> str:
    available = languages()
    wanted = [lang.lower()] if lang else _ranges(accept_language or "")
    for tag in wanted:
        primary = tag.split("-")[0]
        if primary in available:
            return primary
    return DEFAULT_LANGUAGE


@cache
def load(audience: str, language: str) -> Guidance:
    raw = (CONTENT / language / f"{audience}.md").read_bytes()
    text = raw.decode("utf-8")
    _, front, body = text.split("---\n", 2)
    meta = dict(line.split(": ", 1) for line in front.strip().splitlines())
    return Guidance(
        audience=audience,
        language=language,
        version=meta["version"],
        title=meta["title"],
        markdown=body.lstrip("\n"),
        etag='"' + hashlib.sha256(raw).hexdigest()[:32] + '"',
    )


def guidance(audience: str, lang: str | None, accept_language: str | None) -> Guidance:
    if audience not in AUDIENCES:
        raise ValidationFailed([FieldError("audience", f"must be one of {', '.join(AUDIENCES)}")])
    return load(audience, negotiate(lang, accept_language))
