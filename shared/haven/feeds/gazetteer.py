"""A small bundled gazetteer: countries and large cities, to place items that name a place but
carry no coordinates. Cities win over countries (they are more precise). Deliberately small:
names are matched whole, case- and accent-insensitively; anything finer needs coordinates."""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable
from functools import cache
from importlib import resources

from haven.geo import Point


def _normal(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())


@cache
def _places() -> tuple[tuple[str, Point], ...]:
    data = json.loads(resources.files("haven.feeds").joinpath("gazetteer.json").read_text("utf-8"))
    return tuple(
        (_normal(name), Point(lat, lon))
        for kind in ("cities", "countries")
        for name, (lat, lon) in data[kind].items()
    )


@cache
def _pattern() -> re.Pattern[str]:
    names = sorted((re.escape(n) for n, _ in _places()), key=len, reverse=True)
    return re.compile(r"(?<!\w)(" + "|".join(names) + r")(?!\w)")


def locate(places: Iterable[str], text: str = "") -> Point | None:
    """The first of ``places`` the gazetteer knows (a city in it counts), else the first place
    named in ``text``; ``None`` when none is known."""
    for candidate in (*places, text):
        found = {m.group(1) for m in _pattern().finditer(_normal(candidate))}
        for name, point in _places():
            if name in found:
                return point
    return None
