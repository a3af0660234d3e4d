"""The public roster: what job seekers see of accredited and suspended recruiters.

Search is served by Queries, never a Scan. Each roster entry is written with *search terms*
(see :func:`search_terms`) that a ``by_term`` index answers:

- ``name#<first two characters of a token>`` sorted by the token: a name search Queries the
  bucket of its longest word with ``begins_with`` and checks the other words on the result;
- ``country#<CC>`` and ``corridor#<origin>><destination>`` sorted by the normalised name;
- ``roster`` for the whole list, sorted by name.

Names are normalised (:func:`normalise`): accents removed, case folded, punctuation dropped,
so that ``Société Générale d'Emploi`` is found by ``societe generale demploi`` or ``GENERALE``.
Licences are verified by one GetItem on the key ``<country>#<normalised number>``.

A recruiter's id is its organisation's id, ``org_id``: the ``custom:org_id`` claim of its
recruiters' tokens, which only administrators set (1 to :data:`RECRUITER_ID_MAX` characters,
no other format). It is what the roster shows and what a complaint names.
The export (:func:`export`) pages through the ``roster`` term: every listed recruiter, by name.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import unicodedata
from dataclasses import dataclass
from typing import Any, Literal, Protocol

from haven.errors import FieldError, ValidationFailed

#: The longest recruiter id (the user pool's limit on ``custom:org_id``).
RECRUITER_ID_MAX = 64
#: Index terms per recruiter are written in one transaction with the state change.
MAX_NAME_TOKENS = 40
MIN_QUERY_CHARS = 2
#: A name query holds a word of at least that many letters or digits, punctuation aside
#: (``S.A.`` is one; ``q=0`` and ``q=a.`` are not).
QUERY_RULE = re.compile(r"[^\W_](?:[^\w\s]|_)*[^\W_]")
_BUCKET_CHARS = 2
_PUNCTUATION = re.compile(r"[^\w\s]|_", re.UNICODE)
_SEPARATORS = re.compile(r"[\s\-/.,&+_]+", re.UNICODE)
_WORD_PARTS = re.compile(r"[\W_]+", re.UNICODE)
_LICENCE_NOISE = re.compile(r"[^0-9A-Z]")
#: An export is one HTTP answer (a Lambda answers at most 6 MB): at most this many recruiters.
MAX_EXPORT = 5_000
_EXPORT_PAGE = 500
#: A spreadsheet would run a cell starting with one of these as a formula.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

ExportFormat = Literal["csv", "json"]


def fold(text: str) -> str:
    """Accents removed and case folded (``Société`` → ``societe``)."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def normalise(text: str) -> str:
    """Folded, punctuation dropped, single spaces: the form names are searched in."""
    words = (_PUNCTUATION.sub("", word) for word in _SEPARATORS.split(fold(text)))
    return " ".join(w for w in words if w)


def name_tokens(names: list[str]) -> list[str]:
    """Every word of every name, punctuation removed, and the word parts around punctuation
    (``S.A.`` gives ``sa``; ``d'Emploi`` gives ``demploi`` and ``emploi``)."""
    tokens: list[str] = []
    for name in names:
        for raw in fold(name).split():
            candidates = [_PUNCTUATION.sub("", raw), *_WORD_PARTS.split(raw)]
            tokens.extend(c for c in candidates if c and c not in tokens)
    return tokens[:MAX_NAME_TOKENS]


def licence_number(number: str) -> str:
    """``POEA-123/2020`` and ``poea 1232020`` are the same licence."""
    return _LICENCE_NOISE.sub("", fold(number).upper())


def licence_key(country: str, number: str) -> str:
    return f"{country.upper()}#{licence_number(number)}"


def corridor_key(origin: str, destination: str) -> str:
    return f"{origin.upper()}>{destination.upper()}"


def _name_bucket(token: str) -> str:
    return f"name#{token[:_BUCKET_CHARS]}"


@dataclass(frozen=True)
class Entry:
    """What the roster shows of one recruiter (the same projection in every index entry)."""

    recruiter_id: str
    application_id: str
    legal_name: str
    trading_names: list[str]
    status: str
    countries: list[str]
    corridors: list[dict[str, str]]
    licences: list[dict[str, str]]
    valid_from: str
    valid_until: str
    updated_at: str

    @property
    def sort_name(self) -> str:
        return normalise(self.legal_name)

    def public(self) -> dict[str, Any]:
        return {
            "recruiter_id": self.recruiter_id,
            "legal_name": self.legal_name,
            "trading_names": self.trading_names,
            "status": self.status,
            "suspended": self.status == "suspended",
            "countries": self.countries,
            "corridors": self.corridors,
            "licences": self.licences,
            "valid_from": self.valid_from,
            "valid_until": self.valid_until,
            "updated_at": self.updated_at,
        }

    def search_terms(self) -> list[tuple[str, str]]:
        """(term, sort key) pairs under which the ``by_term`` index finds this entry."""
        tail = f"#{self.recruiter_id}"
        terms = [("roster", self.sort_name + tail)]
        terms += [(_name_bucket(t), t + tail) for t in name_tokens([self.legal_name, *self.trading_names])]
        terms += [(f"country#{c}", self.sort_name + tail) for c in self.countries]
        terms += [
            (f"corridor#{corridor_key(c['origin'], c['destination'])}", self.sort_name + tail)
            for c in self.corridors
        ]
        return terms

    def licence_keys(self) -> list[str]:
        return sorted({licence_key(lic["country"], lic["number"]) for lic in self.licences})


@dataclass(frozen=True)
class SearchPlan:
    """The one index Query a roster search runs, and the checks left for each result."""

    term: str
    prefix: str | None
    words: tuple[str, ...]
    country: str | None
    corridor: str | None
    status: str | None

    def accepts(self, entry: dict[str, Any]) -> bool:
        """Whether a roster entry (its public form) matches the whole search."""
        if self.status and entry["status"] != self.status:
            return False
        if self.country and self.country not in entry["countries"]:
            return False
        if self.corridor and self.corridor not in {
            corridor_key(c["origin"], c["destination"]) for c in entry["corridors"]
        }:
            return False
        return _named(self.words, [entry["legal_name"], *entry["trading_names"]])


def _query_words(q: str) -> tuple[str, ...]:
    return tuple(w for w in (_PUNCTUATION.sub("", raw) for raw in fold(q).split()) if w)


def _named(words: tuple[str, ...], names: list[str]) -> bool:
    """Whether each of ``words`` starts a word of one of ``names``."""
    tokens = name_tokens(names)
    return all(any(t.startswith(w) for t in tokens) for w in words)


def known_as(entry: Entry, name: str) -> bool:
    """Whether a roster search for ``name`` finds ``entry`` (by its legal or a trading name)."""
    words = _query_words(name)
    return bool(words) and _named(words, [entry.legal_name, *entry.trading_names])


def plan_search(
    q: str | None, country: str | None, corridor: tuple[str, str] | None, status: str | None
) -> SearchPlan:
    """Query the most selective term: a name word, else the corridor, else the country."""
    words = _query_words(q or "")
    corridor_term = corridor_key(*corridor) if corridor else None
    country_term = country.upper() if country else None
    if q is not None:
        if not words or not QUERY_RULE.search(q):
            raise ValidationFailed([FieldError("q", f"give at least {MIN_QUERY_CHARS} letters or digits")])
        longest = max(words, key=len)
        return SearchPlan(_name_bucket(longest), longest, words, country_term, corridor_term, status)
    if corridor_term:
        return SearchPlan(f"corridor#{corridor_term}", None, (), country_term, corridor_term, status)
    if country_term:
        return SearchPlan(f"country#{country_term}", None, (), country_term, None, status)
    return SearchPlan("roster", None, (), None, None, status)


def verification(key: str, entry: Entry | None, now_iso: str) -> dict[str, Any]:
    """The answer to "does this licence belong to an accredited recruiter?"."""
    if entry is None:
        return {"licence": key, "accredited": False, "status": "not_found"}
    lapsed = entry.valid_until <= now_iso
    return {
        "licence": key,
        "accredited": entry.status == "accredited" and not lapsed,
        "status": "expired" if lapsed else entry.status,
        "recruiter_id": entry.recruiter_id,
        "legal_name": entry.legal_name,
        "valid_from": entry.valid_from,
        "valid_until": entry.valid_until,
    }


class RosterPages(Protocol):
    def page(
        self, plan: SearchPlan, limit: int, position: dict[str, Any] | None
    ) -> tuple[list[Entry], Any]: ...


EXPORT_COLUMNS = (
    "recruiter_id",
    "legal_name",
    "trading_names",
    "status",
    "suspended",
    "countries",
    "corridors",
    "licences",
    "valid_from",
    "valid_until",
    "updated_at",
)


@dataclass(frozen=True)
class Export:
    """The listed recruiters in their public form, by name; ``truncated`` past the cap."""

    items: list[dict[str, Any]]
    truncated: bool

    def etag(self, fmt: ExportFormat) -> str:
        """Weak: the JSON form also carries the time it was generated."""
        content = json.dumps([fmt, self.truncated, self.items], sort_keys=True, separators=(",", ":"))
        return f'W/"{hashlib.sha256(content.encode()).hexdigest()[:32]}"'

    def as_json(self, generated_at: str) -> dict[str, Any]:
        return {"items": self.items, "truncated": self.truncated, "generated_at": generated_at}

    def as_csv(self) -> str:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(EXPORT_COLUMNS)
        writer.writerows([_cell(value) for value in _csv_row(item)] for item in self.items)
        return out.getvalue()


def _csv_row(item: dict[str, Any]) -> list[str]:
    """One cell per column; lists joined with ``; ``, corridors as ``PH-QA``, licences ``PH DOFE-42``."""
    return [
        item["recruiter_id"],
        item["legal_name"],
        "; ".join(item["trading_names"]),
        item["status"],
        "true" if item["suspended"] else "false",
        "; ".join(item["countries"]),
        "; ".join(f"{c['origin']}-{c['destination']}" for c in item["corridors"]),
        "; ".join(f"{lic['country']} {lic['number']}" for lic in item["licences"]),
        item["valid_from"],
        item["valid_until"],
        item["updated_at"],
    ]


def _cell(value: str) -> str:
    """Names come from applicants: never let a spreadsheet evaluate one (CSV injection)."""
    return f"'{value}" if value.startswith(_FORMULA_START) else value


def export(roster: RosterPages, cap: int = MAX_EXPORT) -> Export:
    """Every accredited and suspended recruiter, by name, in pages of the ``roster`` term."""
    plan = plan_search(None, None, None, None)
    entries: list[Entry] = []
    position: dict[str, Any] | None = None
    while len(entries) <= cap:
        page, position = roster.page(plan, min(_EXPORT_PAGE, cap + 1 - len(entries)), position)
        entries.extend(page)
        if position is None:
            break
    return Export([e.public() for e in entries[:cap]], truncated=len(entries) > cap)
