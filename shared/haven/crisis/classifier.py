"""Triage classification of a report's text into a humanitarian category and a hazard: the port.

:class:`Classifier` is the port triage calls; a decision is a :class:`Classification`, which
records the lexicon terms (:class:`MatchedTerm`) and model features (:class:`Feature`) that made
it and the classifier's version, so classifiers can be compared on stored decisions. The text
normalisation every classifier shares is here too (:func:`normalize`, :func:`tokens`).

Implementations: :class:`haven.crisis.lexicon.LexiconClassifier` (multilingual keyword and
phrase lexicons) and :class:`haven.crisis.learned.LearnedClassifier` (the learned model with
the lexicon), which :func:`default_classifier` builds for triage."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any, Literal, Protocol, runtime_checkable

from haven.crisis.taxonomy import Category, Hazard

LEXICON_VERSION = "lexicon-2026.11.1"

#: The language code reported when none is given and the guess finds nothing (BCP 47).
UNDETERMINED = "und"

#: Confidence reported for the fallback decision when no term matched.
NO_MATCH_CONFIDENCE = 0.1
#: Ceiling of the confidence a lexicon decision can reach.
MAX_CONFIDENCE = 0.95

#: When two categories score the same, the one that matters most for life safety wins.
CATEGORY_PRIORITY: tuple[Category, ...] = (
    Category.INJURED_OR_DEAD_PEOPLE,
    Category.MISSING_OR_FOUND_PEOPLE,
    Category.REQUESTS_OR_URGENT_NEEDS,
    Category.RESCUE_VOLUNTEERING_OR_DONATION_EFFORT,
    Category.DISPLACED_PEOPLE_AND_EVACUATIONS,
    Category.INFRASTRUCTURE_AND_UTILITY_DAMAGE,
    Category.CAUTION_AND_ADVICE,
    Category.SYMPATHY_AND_SUPPORT,
    Category.OTHER_RELEVANT_INFORMATION,
    Category.NOT_HUMANITARIAN,
)
#: Tie-break between hazards: the named natural hazards before conflict, ``other`` last.
HAZARD_PRIORITY: tuple[Hazard, ...] = (
    Hazard.EARTHQUAKE,
    Hazard.FLOOD,
    Hazard.LANDSLIDE,
    Hazard.STORM,
    Hazard.FIRE,
    Hazard.CONFLICT,
    Hazard.OTHER,
)

Kind = Literal["category", "hazard"]


# --------------------------------------------------------------------------------------------
# Results and the port


@dataclass(frozen=True)
class MatchedTerm:
    """One lexicon term found in the text: why a decision was made."""

    kind: Kind
    label: str
    term: str
    language: str

    def to_dict(self) -> dict[str, str]:
        return {
            "kind": self.kind,
            "label": self.label,
            "term": self.term,
            "language": self.language,
        }


@dataclass(frozen=True)
class Feature:
    """One feature of a learned model that weighed for a decided label: why it was decided."""

    kind: Kind
    label: str
    feature: str
    weight: float

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "label": self.label, "feature": self.feature, "weight": self.weight}


@dataclass(frozen=True)
class Classification:
    category: Category
    category_confidence: float
    hazard: Hazard
    hazard_confidence: float
    language: str
    matched_terms: tuple[MatchedTerm, ...]
    classifier_version: str
    #: The learned model's features that weighed most for the decided labels (none from the
    #: lexicon alone; decisions stored before the model have none either).
    features: tuple[Feature, ...] = ()
    #: Every hazard the report carries, the decided ``hazard`` first (a hurricane's flooding is
    #: a storm and a flood). Empty reads as ``(hazard,)``: decisions stored before it.
    hazards: tuple[Hazard, ...] = ()
    #: Every category the report carries, the decided ``category`` first (a call for water for
    #: the injured is a request and about the injured). ``not_humanitarian`` is alone. Empty
    #: reads as ``(category,)``: decisions stored before it.
    categories: tuple[Category, ...] = ()

    def __post_init__(self) -> None:
        for name in ("category_confidence", "hazard_confidence"):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"{name} must be between 0 and 1")
        for several, decided in (("hazards", "hazard"), ("categories", "category")):
            carried, first = getattr(self, several), getattr(self, decided)
            if not carried:
                object.__setattr__(self, several, (first,))
            elif carried[0] != first or len(set(carried)) != len(carried):
                raise ValueError(f"{several} must be distinct and start with the decided {decided}")
        if Category.NOT_HUMANITARIAN in self.categories and len(self.categories) > 1:
            raise ValueError("categories cannot be not_humanitarian and humanitarian at once")

    def to_dict(self) -> dict[str, Any]:
        return {
            "category": str(self.category),
            "category_confidence": self.category_confidence,
            "categories": [str(c) for c in self.categories],
            "hazard": str(self.hazard),
            "hazard_confidence": self.hazard_confidence,
            "hazards": [str(h) for h in self.hazards],
            "language": self.language,
            "matched_terms": [m.to_dict() for m in self.matched_terms],
            "classifier_version": self.classifier_version,
            "features": [f.to_dict() for f in self.features],
        }


@runtime_checkable
class Classifier(Protocol):
    """Decides a report's category and hazard; records its own version with each decision."""

    @property
    def version(self) -> str: ...

    def classify(self, text: str, language: str | None) -> Classification: ...


# --------------------------------------------------------------------------------------------
# Normalisation and tokens

_COMBINING_EXCEPTIONS = str.maketrans({"œ": "oe", "æ": "ae", "ß": "ss", "ø": "o", "ł": "l"})
# Arabic letter variants unified (alef forms with a hamza are handled by NFKD, see normalize).
_ARABIC = str.maketrans(
    {
        "\u0671": "\u0627",  # alef wasla -> alef
        "\u0649": "\u064a",  # alef maqsura -> yeh
        "\u0629": "\u0647",  # teh marbuta -> heh
        "\u06cc": "\u064a",  # farsi yeh -> yeh
        "\u06a9": "\u0643",  # keheh -> kaf
        "\u0640": None,  # tatweel
    }
)
_WORD = re.compile(r"\w+")


def normalize(text: str) -> str:
    """Case-folded, accents and Arabic diacritics stripped, Arabic letter variants unified.

    NFKD splits accented Latin letters and hamza-carrying alefs (أ إ آ) into a base letter and
    a combining mark; dropping every combining mark then strips accents, tashkeel and hamzas.
    NFKD also maps Arabic presentation forms to the base letters.
    """
    folded = text.casefold()
    if folded.isascii():  # nothing to decompose, strip or unify (most English reports)
        return folded
    folded = folded.translate(_COMBINING_EXCEPTIONS)
    decomposed = unicodedata.normalize("NFKD", folded)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return stripped.translate(_ARABIC)


def tokens(text: str) -> list[str]:
    """Whole words of the normalised text (apostrophes and hyphens separate words)."""
    return [t for t in _WORD.findall(normalize(text)) if t != "_"]


# --------------------------------------------------------------------------------------------
# The classifier triage runs


def default_classifier() -> Classifier:
    """The classifier triage runs, for the workers and for every tool and benchmark: the learned
    model combined with the lexicon (:class:`haven.crisis.learned.LearnedClassifier`). Cheap to
    call: the model and the lexicons are read on the first classification."""
    from haven.crisis.learned import LearnedClassifier

    return LearnedClassifier()
