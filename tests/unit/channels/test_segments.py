"""SMS segment counting (3GPP TS 23.038 / 23.040): GSM-7 160/153 septets, UCS-2 70/67 units."""

from __future__ import annotations

import pytest

from haven.channels import segments


@pytest.mark.parametrize(
    ("text", "encoding", "units", "count"),
    [
        ("", "GSM-7", 0, 0),
        ("Hello", "GSM-7", 5, 1),
        ("a" * 160, "GSM-7", 160, 1),
        ("a" * 161, "GSM-7", 161, 2),
        ("a" * 306, "GSM-7", 306, 2),
        ("a" * 307, "GSM-7", 307, 3),
        ("a" * 459, "GSM-7", 459, 3),
        ("a" * 460, "GSM-7", 460, 4),
        ("{" * 80, "GSM-7", 160, 1),  # an extension character costs two septets
        ("{" * 81, "GSM-7", 162, 2),
        ("€10 [ok]", "GSM-7", 11, 1),
        ("¿Qué pasó?", "UCS-2", 10, 1),  # ó is not in the GSM default alphabet
        ("¿Qué paso?", "GSM-7", 10, 1),
        ("ş" * 70, "UCS-2", 70, 1),
        ("ş" * 71, "UCS-2", 71, 2),
        ("ş" * 134, "UCS-2", 134, 2),
        ("ş" * 135, "UCS-2", 135, 3),
        ("😀" * 35, "UCS-2", 70, 1),  # outside the BMP: two UTF-16 units each
        ("😀" * 36, "UCS-2", 72, 2),
        ("مرحبا", "UCS-2", 5, 1),
    ],
)
def test_cost(text: str, encoding: str, units: int, count: int) -> None:
    cost = segments.cost(text)
    assert (cost.encoding, cost.units, cost.segments) == (encoding, units, count)


@pytest.mark.parametrize("text", ["word " * 200, "كلمة " * 200, "x" * 1000, "€" * 400])
def test_truncate_fits_three_segments(text: str) -> None:
    cut = segments.truncate(text)
    assert segments.segments(cut) <= 3
    assert cut.endswith("...")
    assert len(cut) > 100


def test_truncate_leaves_short_text_alone() -> None:
    assert segments.truncate("short") == "short"


def test_the_bench_gives_the_mean_and_the_worst_segments_of_each_reply_template(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from bench.channels import reply_segments
    from haven.channels import catalog

    reply_segments()
    out = capsys.readouterr().out
    assert "SMS segments by reply template" in out
    table = out.split("SMS segments by reply template")[1]
    rows = {line.split()[0]: line.split() for line in table.splitlines()[3:] if line.strip()}
    assert rows.keys() == catalog.catalog("en").replies.keys()
    for row in rows.values():
        mean, worst = float(row[1]), int(row[2])
        assert 1 <= mean <= worst <= 3
