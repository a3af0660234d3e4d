"""Dates and fees as people type them: the formats the questions name, digits of any script,
a future date told apart from an unreadable one, an amount with or without its currency."""

from __future__ import annotations

from datetime import date

import pytest

from haven.channels import parsing
from haven.channels.parsing import Fees

TODAY = date(2026, 12, 1)


@pytest.mark.parametrize(
    "text",
    ["12/03/2026", "12-03-2026", "12.03.2026", "2026-03-12", " 2026/3/12 ", "١٢/٠٣/٢٠٢٦", "१२/०३/२०२६"],
)
def test_a_date_in_the_asked_formats(text: str) -> None:
    assert parsing.parse_date(text, today=TODAY) == date(2026, 3, 12)


def test_today_is_not_the_future_and_tomorrow_is() -> None:
    assert parsing.parse_date("01/12/2026", today=TODAY) == TODAY
    with pytest.raises(parsing.InFuture):
        parsing.parse_date("02/12/2026", today=TODAY)


@pytest.mark.parametrize(
    "text", ["last week", "31/02/2026", "12/13/2026", "03/2026", "12/03/26", "01/01/1900", ""]
)
def test_what_is_not_a_date(text: str) -> None:
    with pytest.raises(parsing.Unreadable):
        parsing.parse_date(text, today=TODAY)


@pytest.mark.parametrize(
    ("text", "fees"),
    [
        ("1500 QAR", Fees(1500.0, "QAR")),
        ("qar 1500", Fees(1500.0, "QAR")),
        ("1500QAR", Fees(1500.0, "QAR")),
        ("1,500.5 usd", Fees(1500.5, "USD")),
        ("1500", Fees(1500.0, "NPR")),
        ("١٥٠٠ QAR", Fees(1500.0, "QAR")),
        ("QAR ١٬٥٠٠٫٥", Fees(1500.5, "QAR")),
        ("१५००", Fees(1500.0, "NPR")),
        ("0", None),
        ("0.00 QAR", None),
    ],
)
def test_fees_with_or_without_their_currency(text: str, fees: Fees | None) -> None:
    assert parsing.parse_fees(text, usual="NPR") == fees


@pytest.mark.parametrize(
    "text", ["a lot", "QAR 1500 USD", "1.234", "15,00", "1500 QA", "2000000000 QAR", "-5 QAR"]
)
def test_what_is_not_an_amount(text: str) -> None:
    with pytest.raises(parsing.Unreadable):
        parsing.parse_fees(text, usual="NPR")


def test_a_bare_number_needs_a_usual_currency() -> None:
    with pytest.raises(parsing.Unreadable):
        parsing.parse_fees("1500", usual=None)
    assert parsing.usual_currency(None, "NP") == "NPR"
    assert parsing.usual_currency("QA", "NP") == "QAR"
    assert parsing.usual_currency("AF", None) is None


def test_the_usual_currencies_are_iso_countries_and_codes() -> None:
    from haven.complaints.countries import ISO_3166_1_ALPHA_2

    assert set(parsing.USUAL_CURRENCY) <= ISO_3166_1_ALPHA_2
    assert all(len(c) == 3 and c.isupper() for c in parsing.USUAL_CURRENCY.values())
