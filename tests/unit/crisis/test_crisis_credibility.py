from __future__ import annotations

import itertools
import math
from dataclasses import replace

import pytest

from haven.crisis.credibility import (
    CREDIBILITY_VERSION,
    FEED_ITEMS_MAX,
    REPORTS_MAX,
    CredibilitySignals,
    ReporterHistory,
    category_hazard_consistent,
    credibility,
)
from haven.crisis.taxonomy import Category, Hazard

SOURCES = ("citizen", "verified_account", "official_feed", "social")
HISTORIES = (None, ReporterHistory(0, 0), ReporterHistory(9, 0), ReporterHistory(0, 9))


def all_signals() -> list[CredibilitySignals]:
    """A grid over every signal, including the extremes that clamp."""
    grid = []
    for source, media, official, consistent, history, confidence, feeds in itertools.product(
        SOURCES,
        (False, True),
        (False, True),
        (False, True),
        HISTORIES,
        (0.0, 0.5, 1.0),
        (0, 3),
    ):
        grid.append(
            CredibilitySignals(
                corroborating_reports=0,
                corroborating_feed_items=feeds,
                official_feed_corroboration=official,
                has_media=media,
                source=source,  # type: ignore[arg-type]
                reporter_history=history,
                category_hazard_consistent=consistent,
                classifier_confidence=confidence,
            )
        )
    return grid


def test_bounds_and_explanations_sum() -> None:
    for signals in all_signals():
        result = credibility(signals)
        assert 0.0 <= result.score <= 1.0
        raw = math.fsum(c.contribution for c in result.contributions)
        assert result.raw_score == pytest.approx(raw)
        assert result.score == pytest.approx(min(1.0, max(0.0, raw)))
        assert all(c.explanation for c in result.contributions)
        assert len({c.signal for c in result.contributions}) == len(result.contributions)


def test_extremes_clamp() -> None:
    best = CredibilitySignals(
        corroborating_reports=50,
        corroborating_feed_items=50,
        official_feed_corroboration=True,
        has_media=True,
        source="official_feed",
        reporter_history=ReporterHistory(100, 0),
        category_hazard_consistent=True,
        classifier_confidence=1.0,
    )
    worst = CredibilitySignals(
        source="social",
        reporter_history=ReporterHistory(0, 100),
        category_hazard_consistent=False,
        classifier_confidence=0.0,
    )
    assert credibility(best).raw_score > 1.0
    assert credibility(best).score == 1.0
    assert credibility(worst).raw_score < 0.0
    assert credibility(worst).score == 0.0


def test_unclamped_score_is_the_exact_sum() -> None:
    result = credibility(CredibilitySignals(corroborating_reports=1, has_media=True))
    assert 0.0 < result.raw_score < 1.0
    assert result.score == result.raw_score
    by_signal = {c.signal: c.contribution for c in result.contributions}
    assert by_signal["source"] == pytest.approx(0.25)
    assert by_signal["corroborating_reports"] == pytest.approx(REPORTS_MAX / 2)
    assert by_signal["has_media"] == pytest.approx(0.05)
    assert by_signal["reporter_history"] == 0.0
    assert by_signal["classifier_confidence"] == 0.0


@pytest.mark.parametrize("field", ["corroborating_reports", "corroborating_feed_items"])
def test_monotonic_and_saturating_in_corroboration(field: str) -> None:
    for base in all_signals()[::7]:
        previous = -1.0
        previous_gain = math.inf
        previous_raw = credibility(base).raw_score
        for n in range(0, 40):
            changed = (
                replace(base, corroborating_reports=n)
                if field == "corroborating_reports"
                else replace(base, corroborating_feed_items=n)
            )
            result = credibility(changed)
            assert result.score >= previous
            gain = result.raw_score - previous_raw
            if n > 0:
                assert gain > 0 or n > 30  # strictly increasing until float saturation
                assert gain <= previous_gain + 1e-12  # diminishing returns
                previous_gain = gain
            previous, previous_raw = result.score, result.raw_score
        cap = REPORTS_MAX if field == "corroborating_reports" else FEED_ITEMS_MAX
        contribution = next(c.contribution for c in result.contributions if c.signal == field)
        assert contribution <= cap


def test_official_corroboration_never_lowers() -> None:
    for base in all_signals():
        with_official = replace(base, official_feed_corroboration=True)
        assert credibility(with_official).score >= credibility(base).score


def test_source_order() -> None:
    scores = [credibility(CredibilitySignals(source=s)).score for s in SOURCES]  # type: ignore[arg-type]
    citizen, verified, official, social = scores
    assert official > verified > citizen > social


def test_reporter_history() -> None:
    def score(history: ReporterHistory | None) -> float:
        return credibility(CredibilitySignals(reporter_history=history)).score

    assert score(ReporterHistory(5, 0)) > score(None) == score(ReporterHistory(0, 0))
    assert score(None) > score(ReporterHistory(0, 5))
    assert score(ReporterHistory(20, 0)) > score(ReporterHistory(2, 0))


def test_media_consistency_and_classifier_confidence() -> None:
    base = CredibilitySignals()
    assert credibility(replace(base, has_media=True)).score > credibility(base).score
    inconsistent = replace(base, category_hazard_consistent=False)
    assert credibility(inconsistent).score < credibility(base).score
    sure = replace(base, classifier_confidence=0.9)
    unsure = replace(base, classifier_confidence=0.2)
    assert credibility(sure).score > credibility(base).score > credibility(unsure).score


def test_deterministic_and_stored_with_signals() -> None:
    signals = CredibilitySignals(corroborating_reports=2, source="verified_account")
    assert credibility(signals) == credibility(signals)
    stored = credibility(signals).to_dict()
    assert stored["version"] == CREDIBILITY_VERSION
    assert stored["signals"]["corroborating_reports"] == 2
    assert stored["signals"]["source"] == "verified_account"
    assert stored["contributions"][0]["signal"] == "source"
    assert math.fsum(c["contribution"] for c in stored["contributions"]) == pytest.approx(stored["score"])


@pytest.mark.parametrize(
    "kwargs",
    [
        {"corroborating_reports": -1},
        {"corroborating_feed_items": -1},
        {"classifier_confidence": 1.1},
        {"classifier_confidence": math.nan},
        {"source": "rumour"},
    ],
)
def test_rejects_invalid_signals(kwargs: dict[str, object]) -> None:
    with pytest.raises(ValueError):  # noqa: PT011
        CredibilitySignals(**kwargs)  # type: ignore[arg-type]


def test_rejects_negative_history() -> None:
    with pytest.raises(ValueError, match="negative"):
        ReporterHistory(-1, 0)


def test_category_hazard_consistency() -> None:
    assert category_hazard_consistent(Category.INFRASTRUCTURE_AND_UTILITY_DAMAGE, Hazard.FIRE)
    assert category_hazard_consistent(Category.INJURED_OR_DEAD_PEOPLE, Hazard.CONFLICT)
    for hazard in Hazard:
        assert category_hazard_consistent(Category.SYMPATHY_AND_SUPPORT, hazard)
        assert category_hazard_consistent(Category.OTHER_RELEVANT_INFORMATION, hazard)
        assert category_hazard_consistent(Category.UNKNOWN, hazard)
        assert category_hazard_consistent(Category.NOT_HUMANITARIAN, hazard) is (hazard is Hazard.OTHER)
    for category in Category:
        assert category_hazard_consistent(category, Hazard.OTHER)
