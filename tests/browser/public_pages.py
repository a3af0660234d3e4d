"""What the browser tests of the public app's pages share: the words a language's catalog shows,
the two widths a page must fit without scrolling sideways, and the API calls that set the scene."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import requests
from playwright.sync_api import Page, ViewportSize

from tests.e2e.conftest import REPO, Platform

MESSAGES = REPO / "web" / "src" / "public" / "messages"
PHONE: ViewportSize = {"width": 360, "height": 640}
#: 200 % zoom on the 360-pixel phone: the browser then lays the page out in 180 CSS pixels, so a
#: 180-wide viewport is what the page meets at that zoom (device pixels aside).
ZOOMED: ViewportSize = {"width": 180, "height": 320}


def words(language: str) -> dict[str, str]:
    """Every message of the public app in ``language``, as the page shows it."""
    merged: dict[str, str] = {}
    for area in sorted((MESSAGES / language).glob("*.json")):
        merged.update(json.loads(area.read_text(encoding="utf-8")))
    return merged


def choose_language(page: Page, language: str) -> None:
    page.locator("header select").select_option(language)
    page.wait_for_function("lang => document.documentElement.lang === lang", arg=language)


def scroll_width(page: Page) -> int:
    return int(page.evaluate("document.documentElement.scrollWidth"))


def fits(page: Page, width: int) -> None:
    """Nothing is wider than ``width`` CSS pixels: the page never scrolls sideways."""
    wide = page.evaluate(
        """w => [...document.querySelectorAll('body *')]
            .filter(e => !e.parentElement.closest('.table-scroll'))
            .filter(e => e.getBoundingClientRect().right > w + 0.5 || e.getBoundingClientRect().left < -0.5
              || (e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).overflowX === 'visible'))
            .slice(0, 8).map(e => `${e.tagName}.${e.getAttribute('class')} ${Math.round(e.getBoundingClientRect().left)}..`
              + `${Math.round(e.getBoundingClientRect().right)} ${(e.textContent || '').slice(0, 30)}`)""",
        width,
    )
    assert scroll_width(page) <= width, f"{scroll_width(page)} wider than {width}px: {wide}"


@contextmanager
def at_200_percent(page: Page) -> Iterator[None]:
    """The page as it is at 200 % zoom on the phone (a 180-pixel-wide layout), then back."""
    page.set_viewport_size(ZOOMED)
    try:
        yield
    finally:
        page.set_viewport_size(PHONE)


def api(platform: Platform, method: str, path: str, token: str | None = None, **kwargs: Any) -> Any:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    headers |= kwargs.pop("headers", {})
    answer = requests.request(method, platform.url + path, headers=headers, timeout=10, **kwargs)
    assert answer.status_code in (200, 201, 202), answer.text
    return answer.json()


def unique_key() -> str:
    return str(uuid.uuid4())
