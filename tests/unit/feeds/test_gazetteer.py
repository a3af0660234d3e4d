"""The bundled gazetteer places the destinations of labour migration and the towns people come
from, also as they are written in Arabic and in Devanagari (a text message names its place so)."""

from __future__ import annotations

import pytest

from haven.feeds.gazetteer import locate


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("working in Doha", (25.2854, 51.531)),
        ("أنا في الدوحة", (25.2854, 51.531)),
        ("दोहा", (25.2854, 51.531)),
        ("Riyadh", (24.7136, 46.6753)),
        ("الرياض", (24.7136, 46.6753)),
        ("مدينة الكويت", (29.3759, 47.9774)),
        ("أبو ظبي", (24.4539, 54.3773)),
        ("Kuala Lumpur", (3.139, 101.6869)),
        ("मेरो घर पोखरा हो", (28.2096, 83.9856)),
        ("काठमाडौं", (27.7172, 85.324)),
        ("a camp in Qatar", (25.3548, 51.1839)),
        ("कतार", (25.3548, 51.1839)),
        ("السعودية", (23.8859, 45.0792)),
    ],
)
def test_places_of_migration_are_found_in_their_scripts(text: str, where: tuple[float, float]) -> None:
    point = locate([], text)
    assert point is not None, text
    assert (point.lat, point.lon) == where


def test_a_city_wins_over_a_country_and_an_unknown_place_is_none() -> None:
    point = locate([], "Doha, Qatar")
    assert point is not None
    assert (point.lat, point.lon) == (25.2854, 51.531)
    assert locate([], "a village with no name here") is None
