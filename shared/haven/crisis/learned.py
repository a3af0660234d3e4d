"""The classifier triage runs: the learned model, with the lexicon where the lexicon knows better.

:func:`haven.crisis.classifier.default_classifier` builds it. The model's artifact
(:mod:`haven.crisis.model`) and the lexicons (:mod:`haven.crisis.lexicon`) are loaded at the
first classification, not when a worker starts: the decision rule below is all a cold start pays.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from haven.crisis.classifier import (
    MAX_CONFIDENCE,
    NO_MATCH_CONFIDENCE,
    Classification,
    Feature,
    Kind,
)
from haven.crisis.taxonomy import Category, Hazard

if TYPE_CHECKING:
    from haven.crisis.lexicon import LexiconClassifier
    from haven.crisis.model import TriageModel

#: Characters of a text the classifier reads (bounded cost; 99% of the training messages are
#: shorter than 430).
MAX_CHARS = 1000

#: Category labels the model decides, most urgent first (the order breaks ties).
MODEL_CATEGORIES: tuple[Category, ...] = (
    Category.INJURED_OR_DEAD_PEOPLE,
    Category.MISSING_OR_FOUND_PEOPLE,
    Category.REQUESTS_OR_URGENT_NEEDS,
    Category.DISPLACED_PEOPLE_AND_EVACUATIONS,
)
MODEL_HAZARDS: tuple[Hazard, ...] = (Hazard.EARTHQUAKE, Hazard.FLOOD, Hazard.STORM, Hazard.FIRE)
#: Hazards the lexicon names precisely enough to take its word over the model's.
LEXICON_HAZARDS = frozenset({Hazard.EARTHQUAKE, Hazard.FLOOD})
#: ...unless the model's hazard passes its cut this many times more widely than the lexicon's
#: (a hurricane's flooding is the storm's: on validation 1.5 is where storms, floods and
#: earthquakes all beat the reference; floods and storms share a third of their messages).
OVERRIDE_RATIO = 1.5
#: Features stored with a decision, per decided label.
EXPLAINED_FEATURES = 5


class LearnedClassifier:
    """The triage model combined with the lexicon (:func:`haven.crisis.classifier.default_classifier`).

    Category: of the model's categories and ``not_humanitarian`` whose probability reaches its
    threshold, the one that passes it by the widest margin (ratio; chosen on validation: a text
    far surer irrelevant than needy is not a request); else the lexicon's decision for a class
    the model does not learn (caution and advice, sympathy, infrastructure, rescue and
    donations); else ``other_relevant_information``.

    Categories: the decided one, then every other model category that passes its cut (widest
    ratio first): a report can be a request and about the injured. A text decided not
    humanitarian carries that alone.

    Hazard: a flood or earthquake the lexicon names is taken (its terms are precise there),
    unless the model's hazard passes its cut :data:`OVERRIDE_RATIO` times more widely; else the
    model's hazard that passes its cut by the widest ratio; else the lexicon's (it alone knows
    landslides and conflict); else ``other``.

    Every decision stores the lexicon terms it matched and the model features that weighed
    most for the decided labels, and the version of both (``<model>+<lexicon>``).
    """

    def __init__(self, lexicon: LexiconClassifier | None = None, model: TriageModel | None = None) -> None:
        self._lexicon = lexicon
        self._model = model

    @property
    def lexicon(self) -> LexiconClassifier:
        if self._lexicon is None:
            from haven.crisis.lexicon import LexiconClassifier

            self._lexicon = LexiconClassifier()
        return self._lexicon

    @property
    def model(self) -> TriageModel:
        if self._model is None:
            from haven.crisis.model import load_model

            self._model = load_model()
        return self._model

    @property
    def version(self) -> str:
        return f"{self.model.version}+{self.lexicon.version}"

    def classify(self, text: str, language: str | None = None) -> Classification:
        model = self.model
        text = text[:MAX_CHARS]
        lexicon = self.lexicon.classify(text, language)
        matched = sorted({f"{m.kind}:{m.label}" for m in lexicon.matched_terms})
        features = model.featurize(text, matched)
        cells = model.cells(features)
        probabilities = model.probabilities(features, cells)

        category, category_confidence = self._category(lexicon, probabilities)
        other_categories = self._secondary_categories(category, probabilities)
        hazard, hazard_confidence, hazard_by_model = self._hazard(lexicon, probabilities)
        secondary = self._secondary_hazards(hazard, lexicon, probabilities)

        explained: list[Feature] = []
        for carried in (category, *other_categories):
            if f"category:{carried}" in probabilities:  # decided by the model, not the lexicon
                explained += self._explain("category", str(carried), features, cells)
        if hazard_by_model:
            explained += self._explain("hazard", str(hazard), features, cells)
        for other, by_model in secondary:
            if by_model:
                explained += self._explain("hazard", str(other), features, cells)
        return Classification(
            category=category,
            category_confidence=category_confidence,
            hazard=hazard,
            hazard_confidence=hazard_confidence,
            language=lexicon.language,
            matched_terms=lexicon.matched_terms,
            classifier_version=f"{model.version}+{lexicon.classifier_version}",
            features=tuple(explained),
            hazards=(hazard, *(h for h, _ in secondary)),
            categories=(category, *other_categories),
        )

    def _ratio(self, name: str, probabilities: Mapping[str, float]) -> float:
        return probabilities[name] / self.model.label(name).threshold

    def _passes(self, name: str, probabilities: Mapping[str, float]) -> bool:
        """The one test of a label's cut: its probability reaches its threshold."""
        return probabilities[name] >= self.model.label(name).threshold

    def _passing(self, names: Sequence[str], probabilities: Mapping[str, float]) -> tuple[str, float] | None:
        best: tuple[float, str] | None = None
        for name in names:
            if self._passes(name, probabilities):
                ratio = self._ratio(name, probabilities)
                if best is None or ratio > best[0]:
                    best = (ratio, name)
        return (best[1], probabilities[best[1]]) if best else None

    def _category(
        self, lexicon: Classification, probabilities: Mapping[str, float]
    ) -> tuple[Category, float]:
        # not_humanitarian last: a tie goes to the category that matters for life safety.
        names = [f"category:{c}" for c in (*MODEL_CATEGORIES, Category.NOT_HUMANITARIAN)]
        passing = self._passing(names, probabilities)
        if passing is not None:
            return Category(passing[0].split(":", 1)[1]), passing[1]
        learned = {*MODEL_CATEGORIES, Category.NOT_HUMANITARIAN, Category.OTHER_RELEVANT_INFORMATION}
        if lexicon.category not in learned:
            return lexicon.category, lexicon.category_confidence
        relevant = round(
            min(
                MAX_CONFIDENCE,
                max(NO_MATCH_CONFIDENCE, 1.0 - max(probabilities[n] for n in names)),
            ),
            4,
        )
        return Category.OTHER_RELEVANT_INFORMATION, relevant

    def _secondary_categories(self, primary: Category, probabilities: Mapping[str, float]) -> list[Category]:
        """The other model categories whose probability passes their cut, widest ratio first
        (a tie in :data:`MODEL_CATEGORIES` order); none for a text decided not humanitarian."""
        if primary == Category.NOT_HUMANITARIAN:
            return []
        found = [
            (-self._ratio(f"category:{c}", probabilities), k, c)
            for k, c in enumerate(MODEL_CATEGORIES)
            if c != primary and self._passes(f"category:{c}", probabilities)
        ]
        return [c for _, _, c in sorted(found)]

    def _hazard(
        self, lexicon: Classification, probabilities: Mapping[str, float]
    ) -> tuple[Hazard, float, bool]:
        passing = self._passing([f"hazard:{h}" for h in MODEL_HAZARDS], probabilities)
        if lexicon.hazard in LEXICON_HAZARDS:
            named = f"hazard:{lexicon.hazard}"
            if (
                passing is None
                or passing[0] == named
                or self._ratio(passing[0], probabilities)
                < (OVERRIDE_RATIO * max(1.0, self._ratio(named, probabilities)))
            ):
                return lexicon.hazard, lexicon.hazard_confidence, False
        if passing is not None:
            return Hazard(passing[0].split(":", 1)[1]), passing[1], True
        if lexicon.hazard != Hazard.OTHER:
            return lexicon.hazard, lexicon.hazard_confidence, False
        return Hazard.OTHER, NO_MATCH_CONFIDENCE, False

    def _secondary_hazards(
        self, primary: Hazard, lexicon: Classification, probabilities: Mapping[str, float]
    ) -> list[tuple[Hazard, bool]]:
        """The other hazards the report carries, widest margin first, each with whether the
        model decided it (its probability passes its cut) or the lexicon did (it names a flood
        or an earthquake)."""
        named = {Hazard(m.label) for m in lexicon.matched_terms if m.kind == "hazard"}
        found: list[tuple[float, Hazard, bool]] = []
        for hazard in MODEL_HAZARDS:
            if hazard == primary:
                continue
            ratio = self._ratio(f"hazard:{hazard}", probabilities)
            if self._passes(f"hazard:{hazard}", probabilities):
                found.append((ratio, hazard, True))
            elif hazard in LEXICON_HAZARDS and hazard in named:
                found.append((ratio, hazard, False))
        return [(h, by_model) for _, h, by_model in sorted(found, key=lambda f: (-f[0], str(f[1])))]

    def _explain(
        self, kind: Kind, label: str, features: Sequence[str], cells: Sequence[int]
    ) -> list[Feature]:
        explained = self.model.explain(f"{kind}:{label}", features, EXPLAINED_FEATURES, cells)
        return [Feature(kind, label, name, weight) for name, weight in explained]
