"""Credibility of a report: a score in [0, 1] from explainable signals.

The score is the sum of one contribution per signal, clamped to [0, 1]; each contribution comes
with a sentence that says why, so a responder sees what the score is made of and the stored
record can be re-explained later. Deterministic (no clock, no randomness), and monotonic in
corroboration: more corroborating reports or feed items never lower the score, and their
contributions saturate (the tenth corroboration adds little).

Contributions (``CREDIBILITY_VERSION``):

===============================  ==========================================================
signal                           contribution
===============================  ==========================================================
source                           official_feed 0.55, verified_account 0.35, citizen 0.25,
                                 social 0.15
corroborating_reports            0.25 x (1 - 0.5^n)       (1: 0.125, 2: 0.1875, ... → 0.25)
corroborating_feed_items         0.15 x (1 - 0.5^n)       (→ 0.15)
official_feed_corroboration      0.20 if an official feed reports it nearby, else 0
has_media                        0.05 with photo/video attached, else 0
reporter_history                 0.15 x (verified - dismissed) / (verified + dismissed + 2),
                                 0 for an anonymous reporter or no history
category_hazard_consistent       0 if consistent, -0.10 if not
classifier_confidence            0.10 x (confidence - 0.5)   (-0.05 .. +0.05)
===============================  ==========================================================
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any, Literal, get_args

from haven.crisis.taxonomy import Category, Hazard

CREDIBILITY_VERSION = "credibility-2026.11.1"

Source = Literal["citizen", "verified_account", "official_feed", "social"]
SOURCES: tuple[str, ...] = get_args(Source)

SOURCE_PRIOR: dict[str, float] = {
    "official_feed": 0.55,
    "verified_account": 0.35,
    "citizen": 0.25,
    "social": 0.15,
}
REPORTS_MAX = 0.25
FEED_ITEMS_MAX = 0.15
OFFICIAL_CORROBORATION = 0.20
MEDIA = 0.05
HISTORY_MAX = 0.15
INCONSISTENT_PENALTY = -0.10
CLASSIFIER_WEIGHT = 0.10

#: Categories that say nothing about the hazard: consistent with any hazard.
_NEUTRAL = frozenset(
    {
        Category.SYMPATHY_AND_SUPPORT,
        Category.OTHER_RELEVANT_INFORMATION,
        Category.UNKNOWN,
    }
)


def category_hazard_consistent(category: Category, hazard: Hazard) -> bool:
    """Whether a category and a hazard make sense together.

    Every humanitarian class can arise from every hazard (a fire damages infrastructure,
    displaces people, injures them...), and the neutral classes (sympathy, other information,
    unknown) go with anything. ``not_humanitarian`` (ads, promotions) is consistent only with
    hazard ``other``: a named hazard on a non-humanitarian message is a contradiction.
    """
    category, hazard = Category(category), Hazard(hazard)
    if category in _NEUTRAL or hazard is Hazard.OTHER:
        return True
    return category is not Category.NOT_HUMANITARIAN


@dataclass(frozen=True)
class ReporterHistory:
    """A reporter's earlier reports that were verified or dismissed by responders."""

    verified: int
    dismissed: int

    def __post_init__(self) -> None:
        if self.verified < 0 or self.dismissed < 0:
            raise ValueError("report counts must not be negative")


@dataclass(frozen=True)
class CredibilitySignals:
    corroborating_reports: int = 0
    corroborating_feed_items: int = 0
    official_feed_corroboration: bool = False
    has_media: bool = False
    source: Source = "citizen"
    reporter_history: ReporterHistory | None = None
    category_hazard_consistent: bool = True
    classifier_confidence: float = 0.5

    def __post_init__(self) -> None:
        if self.corroborating_reports < 0 or self.corroborating_feed_items < 0:
            raise ValueError("corroboration counts must not be negative")
        if self.source not in SOURCES:
            raise ValueError(f"source must be one of {', '.join(SOURCES)}")
        if not 0.0 <= self.classifier_confidence <= 1.0:
            raise ValueError("classifier_confidence must be between 0 and 1")

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Contribution:
    signal: str
    contribution: float
    explanation: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Credibility:
    """``score`` = clamp(sum of ``contributions``) to [0, 1]; ``signals`` are what was scored."""

    score: float
    contributions: tuple[Contribution, ...]
    signals: CredibilitySignals
    version: str = CREDIBILITY_VERSION

    @property
    def raw_score(self) -> float:
        return math.fsum(c.contribution for c in self.contributions)

    def to_dict(self) -> dict[str, Any]:
        return {
            "score": self.score,
            "contributions": [c.to_dict() for c in self.contributions],
            "signals": self.signals.to_dict(),
            "version": self.version,
        }


def _saturating(maximum: float, n: int) -> float:
    return maximum * (1.0 - 0.5**n)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def credibility(signals: CredibilitySignals) -> Credibility:
    s = signals
    parts: list[Contribution] = [
        Contribution(
            "source",
            SOURCE_PRIOR[s.source],
            f"submitted by {s.source.replace('_', ' ')}: base {SOURCE_PRIOR[s.source]:+.2f}",
        )
    ]

    n = s.corroborating_reports
    parts.append(
        Contribution(
            "corroborating_reports",
            _saturating(REPORTS_MAX, n),
            f"{_plural(n, 'other report')} nearby in the hazard's time window "
            f"(saturates at {REPORTS_MAX:+.2f})",
        )
    )
    n = s.corroborating_feed_items
    parts.append(
        Contribution(
            "corroborating_feed_items",
            _saturating(FEED_ITEMS_MAX, n),
            f"{_plural(n, 'feed item')} nearby in the hazard's time window "
            f"(saturates at {FEED_ITEMS_MAX:+.2f})",
        )
    )
    parts.append(
        Contribution(
            "official_feed_corroboration",
            OFFICIAL_CORROBORATION if s.official_feed_corroboration else 0.0,
            "an official feed reports the same hazard nearby"
            if s.official_feed_corroboration
            else "no official feed reports it (yet)",
        )
    )
    parts.append(
        Contribution(
            "has_media",
            MEDIA if s.has_media else 0.0,
            "photo or video attached" if s.has_media else "no media attached",
        )
    )

    h = s.reporter_history
    if h is None:
        parts.append(Contribution("reporter_history", 0.0, "anonymous reporter: no history"))
    else:
        value = HISTORY_MAX * (h.verified - h.dismissed) / (h.verified + h.dismissed + 2)
        parts.append(
            Contribution(
                "reporter_history",
                value,
                f"reporter's earlier reports: {h.verified} verified, {h.dismissed} dismissed",
            )
        )

    parts.append(
        Contribution(
            "category_hazard_consistent",
            0.0 if s.category_hazard_consistent else INCONSISTENT_PENALTY,
            "category and hazard are consistent"
            if s.category_hazard_consistent
            else "category and hazard contradict each other",
        )
    )
    parts.append(
        Contribution(
            "classifier_confidence",
            CLASSIFIER_WEIGHT * (s.classifier_confidence - 0.5),
            f"classifier confidence {s.classifier_confidence:.2f} (neutral at 0.50)",
        )
    )

    raw = math.fsum(p.contribution for p in parts)
    return Credibility(score=min(1.0, max(0.0, raw)), contributions=tuple(parts), signals=s)
