"""The shared kernel: one Page, one StaleVersion, one bounded collect, used by every domain."""

from __future__ import annotations

from typing import Any

import pytest

from haven import kernel
from haven.kernel import Page, StaleVersion, collect


def _pages(*pages: Page) -> Any:
    calls: list[dict[str, Any] | None] = []

    def fetch(position: dict[str, Any] | None) -> Page:
        calls.append(position)
        return pages[len(calls) - 1]

    return fetch, calls


def test_collect_filters_across_pages_and_stops_at_limit() -> None:
    fetch, calls = _pages(
        Page([{"n": 1}, {"n": 2}], {"k": 1}),
        Page([{"n": 3}, {"n": 4}], {"k": 2}),
        Page([{"n": 5}], None),
    )
    page = collect(fetch, lambda i: i["n"] % 2 == 0, limit=2, position=None)
    assert page.items == [{"n": 2}, {"n": 4}]
    assert page.position == {"k": 2}
    assert calls == [None, {"k": 1}]


def test_collect_does_bounded_work() -> None:
    fetch, calls = _pages(*[Page([{"n": i}], {"k": i}) for i in range(10)])
    page = collect(fetch, lambda i: False, limit=5, position={"k": "start"}, max_pages=3)
    assert page.items == []
    assert page.position == {"k": 2}
    assert len(calls) == 3


def test_collect_ends_when_the_store_has_no_more() -> None:
    fetch, _ = _pages(Page([{"n": 1}], None))
    assert collect(fetch, lambda i: True, limit=5, position=None) == Page([{"n": 1}], None)


def test_stale_version_carries_the_current_state() -> None:
    with pytest.raises(StaleVersion) as raised:
        raise StaleVersion({"version": 3})
    assert raised.value.current == {"version": 3}


@pytest.mark.parametrize(
    "module",
    [
        "haven.crisis.incidents",
        "haven.complaints.complaints",
        "haven.complaints.referrals",
        "haven.complaints.partners",
        "haven.adapters.dynamo.complaints",
        "haven.adapters.dynamo.incidents",
    ],
)
def test_every_domain_uses_the_one_kernel_type(module: str) -> None:
    imported = __import__(module, fromlist=["StaleVersion"])
    assert imported.StaleVersion is kernel.StaleVersion
