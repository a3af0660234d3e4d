"""The learned triage model (issue 15): what triage runs, pure Python, explainable, versioned."""

from __future__ import annotations

import hashlib
import json
import math
import os
import subprocess
import sys
from array import array
from importlib import resources
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from haven.crisis.classifier import Classification, Classifier, default_classifier
from haven.crisis.learned import MODEL_CATEGORIES, MODEL_HAZARDS, LearnedClassifier
from haven.crisis.lexicon import LexiconClassifier
from haven.crisis.model import (
    ARTIFACT_BIN,
    ARTIFACT_JSON,
    MAX_TOKENS,
    FeatureSpec,
    LabelModel,
    TriageModel,
    bucket,
    featurize,
    from_bytes,
    load_model,
    picker,
)
from haven.crisis.taxonomy import Category, Hazard

REPO = Path(__file__).resolve().parents[3]
#: The committed artifact's bytes, as ``make model`` wrote them.
ARTIFACT = REPO / "shared" / "haven" / "crisis"
#: At most 5 MB shipped in the Lambda layer (issue 15).
MAX_ARTIFACT_BYTES = 5 * 1024 * 1024


def _artifact() -> tuple[bytes, bytes]:
    return (ARTIFACT / ARTIFACT_JSON).read_bytes(), (ARTIFACT / ARTIFACT_BIN).read_bytes()


def test_the_committed_artifact_is_the_version_triage_reports() -> None:
    meta, weights = _artifact()
    digest = hashlib.sha256(meta + b"\n" + weights).hexdigest()
    assert json.loads(meta)["weights_sha256"] == hashlib.sha256(weights).hexdigest()
    version = default_classifier().version
    assert version.startswith(f"triage-model-{digest[:16]}+lexicon-")
    assert default_classifier().classify("flood", "en").classifier_version == version


def test_the_artifact_is_small_and_packaged() -> None:
    meta, weights = _artifact()
    assert len(meta) + len(weights) <= MAX_ARTIFACT_BYTES
    packaged = resources.files("haven.crisis")
    assert packaged.joinpath(ARTIFACT_BIN).read_bytes() == weights


def test_weights_that_are_not_the_described_ones_are_refused() -> None:
    meta, weights = _artifact()
    tampered = bytes([weights[0] ^ 1]) + weights[1:]
    with pytest.raises(ValueError, match="do not match"):
        from_bytes(meta, tampered)
    with pytest.raises(ValueError, match="do not match"):
        from_bytes(meta, weights[:-1])


def test_default_classifier_is_the_learned_one_and_a_classifier() -> None:
    classifier = default_classifier()
    assert isinstance(classifier, LearnedClassifier)
    assert isinstance(classifier, Classifier)


@pytest.mark.parametrize(
    ("text", "language", "category", "hazard"),
    [
        ("We need water and food, the children have not eaten since yesterday", "en",
         Category.REQUESTS_OR_URGENT_NEEDS, None),
        ("Nou bezwen dlo ak manje, tanpri ede nou", None, Category.REQUESTS_OR_URGENT_NEEDS, None),
        ("The earthquake destroyed our house, we are sleeping in the street", "en", None, Hazard.EARTHQUAKE),
        ("Flood: the river burst its banks, water is rising in the streets", "en", None, Hazard.FLOOD),
        ("Hurricane winds tore the roofs off in Les Cayes", "en", None, Hazard.STORM),
        ("Fire! The building is burning, smoke everywhere", "en", None, Hazard.FIRE),
    ],
)  # fmt: skip
def test_known_messages(
    text: str, language: str | None, category: Category | None, hazard: Hazard | None
) -> None:
    result = default_classifier().classify(text, language)
    if category is not None:
        assert result.category == category, result
    if hazard is not None:
        assert result.hazard == hazard, result


def test_inference_is_deterministic() -> None:
    text = "Mwen bezwen tant ak dlo, kay la tonbe nan tranbleman de tè a"
    first = LearnedClassifier().classify(text, None).to_dict()
    again = LearnedClassifier().classify(text, None).to_dict()
    assert first == again


def test_the_decision_is_explained_by_its_features() -> None:
    text = "We need water and food in Carrefour please help"
    classifier = default_classifier()
    result = classifier.classify(text, "en")
    assert result.category == Category.REQUESTS_OR_URGENT_NEEDS
    decided = [f for f in result.features if f.kind == "category"]
    assert decided, "a category the model decided names the features that weighed"
    model = load_model()
    weights = model.label("category:requests_or_urgent_needs")
    names = featurize(text, [f"{m.kind}:{m.label}" for m in result.matched_terms], model.spec)
    for feature in decided:
        assert feature.label == "requests_or_urgent_needs"
        assert feature.feature in names
        assert feature.weight == pytest.approx(
            weights.weight(bucket(feature.feature, model.spec.bits)), abs=1e-4
        )
        assert feature.weight > 0
    stored = result.to_dict()
    assert stored["features"][0] == decided[0].to_dict()
    assert stored["classifier_version"] == classifier.version


def test_lexicon_decisions_read_as_before() -> None:
    """Stored decisions of the lexicon classifier keep their meaning: no features, same keys."""
    stored = LexiconClassifier().classify("flood in the street", "en").to_dict()
    assert stored["features"] == []
    assert {"category", "hazard", "matched_terms", "classifier_version", "language"} <= set(stored)
    old = Classification(
        Category.OTHER_RELEVANT_INFORMATION, 0.1, Hazard.OTHER, 0.1, "en", (), "lexicon-2026.11.1"
    )
    assert old.features == ()


def test_a_long_text_costs_a_bounded_number_of_features() -> None:
    model = load_model()
    long = " ".join(f"word{n}" for n in range(5_000))
    names = featurize(long, [], model.spec)
    assert len([n for n in names if n.startswith("w:")]) == MAX_TOKENS


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=400))
def test_any_text_in_any_script_classifies(text: str) -> None:
    result = default_classifier().classify(text, None)
    assert result.category in Category
    assert result.hazard in Hazard
    assert 0.0 <= result.category_confidence <= 1.0
    assert 0.0 <= result.hazard_confidence <= 1.0


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "🔥🔥🔥",
        "☃︎ ★ ✈",
        "地震了，房子倒了",
        "Землетрясение, дома разрушены",
        "भूकंप से घर गिर गए",
        "\x00\u200b\ufeff",
    ],
)
def test_odd_texts_classify(text: str) -> None:
    result = default_classifier().classify(text, None)
    assert result.classifier_version == default_classifier().version


def test_the_model_loads_without_scikit_learn_numpy_or_scipy() -> None:
    """The Lambda layer has none of them: import them and the child fails."""
    code = """
import importlib.abc, sys
class Blocked(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in {"sklearn", "numpy", "scipy", "joblib"}:
            raise ImportError(f"{name} is not in the Lambda layer")
        return None
sys.meta_path.insert(0, Blocked())
from haven.crisis.classifier import default_classifier
from haven.crisis import model
classifier = default_classifier()
assert model.load_model.cache_info().currsize == 0, "loaded before first use"
result = classifier.classify("We need water and food, the earthquake destroyed our house", "en")
assert model.load_model.cache_info().currsize == 1
print(result.category, result.hazard, result.classifier_version)
assert not any(m.split(".")[0] in {"sklearn", "numpy", "scipy"} for m in sys.modules)
"""
    env = {**os.environ, "PYTHONPATH": str(REPO / "shared")}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False)
    assert out.returncode == 0, out.stderr
    category, hazard, version = out.stdout.split()
    assert (category, hazard) == ("requests_or_urgent_needs", "earthquake")
    assert version == default_classifier().version


def test_the_lambda_layer_has_no_training_packages() -> None:
    runtime = (REPO / "requirements" / "runtime.txt").read_text()
    pinned = {line.split("==")[0].split("[")[0].strip().lower() for line in runtime.splitlines()}
    assert not pinned & {"scikit-learn", "numpy", "scipy", "joblib"}
    assert "scikit-learn==" in (REPO / "requirements" / "dev.txt").read_text()


def test_a_data_set_with_another_hash_stops_the_build(tmp_path: Path) -> None:
    from bench.triage_data import SHA256, verify

    changed = tmp_path / "disaster_response_messages.csv"
    changed.write_text("id,split,message\n1,train,hello\n")
    with pytest.raises(SystemExit, match=SHA256):
        verify(changed)


def test_a_report_carries_every_hazard_it_names_the_decided_one_first() -> None:
    text = "The storm brought heavy rain and the streets are flooded"
    result = default_classifier().classify(text, "en")
    assert result.hazard == Hazard.STORM
    assert result.hazards == (Hazard.STORM, Hazard.FLOOD)
    explained = {f.label for f in result.features if f.kind == "hazard"}
    assert explained == {"storm", "flood"}, "each hazard the model decided names its features"
    assert result.to_dict()["hazards"] == ["storm", "flood"]
    only = default_classifier().classify("flood in the street", "en")
    assert only.hazards == (Hazard.FLOOD,)


def test_hazards_start_with_the_decided_hazard() -> None:
    old = Classification(Category.OTHER_RELEVANT_INFORMATION, 0.1, Hazard.FLOOD, 0.1, "en", (), "v")
    assert old.hazards == (Hazard.FLOOD,), "a decision stored before hazards reads as its one hazard"
    assert LexiconClassifier().classify("flood in the street", "en").to_dict()["hazards"] == ["flood"]
    for wrong in ((Hazard.STORM, Hazard.FLOOD), (Hazard.FLOOD, Hazard.FLOOD)):
        with pytest.raises(ValueError, match="hazards"):
            Classification(
                Category.OTHER_RELEVANT_INFORMATION, 0.1, Hazard.FLOOD, 0.1, "en", (), "v", hazards=wrong
            )


def test_eval_scores_a_hazard_on_every_hazard_the_report_carries() -> None:
    from bench.eval_classifier import decided
    from bench.triage_data import TARGETS

    flood = next(t for t in TARGETS if t.name == "hazard:flood")
    result = default_classifier().classify("The storm brought heavy rain and the streets are flooded", "en")
    assert result.hazards[0] != Hazard.FLOOD
    assert decided(result, flood)
    assert not decided(result, flood, primary_only=True)


def _constant_model(probability: dict[str, float]) -> TriageModel:
    """A model whose every label has the given probability whatever the text (threshold 0.5)."""
    spec = FeatureSpec(bits=4)
    names = [
        *(f"category:{c}" for c in (*MODEL_CATEGORIES, Category.NOT_HUMANITARIAN)),
        *(f"hazard:{h}" for h in MODEL_HAZARDS),
    ]
    labels = tuple(
        LabelModel(
            name=name,
            bias=math.log(p / (1 - p)),
            scale=1.0,
            platt_a=1.0,
            platt_b=0.0,
            threshold=0.5,
            weights=array("b", bytes(1 << spec.bits)),
        )
        for name in names
        for p in [probability.get(name, 0.1)]
    )
    return TriageModel("triage-model-test", spec, labels, {})


@pytest.mark.parametrize(
    ("needy", "irrelevant", "decided"),
    [
        (0.6, 0.9, Category.NOT_HUMANITARIAN),  # far surer irrelevant than needy
        (0.9, 0.6, Category.REQUESTS_OR_URGENT_NEEDS),
        (0.7, 0.7, Category.REQUESTS_OR_URGENT_NEEDS),  # a tie goes to the need
        (0.2, 0.6, Category.NOT_HUMANITARIAN),
    ],
)
def test_the_category_that_passes_its_cut_most_widely_is_decided_not_humanitarian_included(
    needy: float, irrelevant: float, decided: Category
) -> None:
    model = _constant_model(
        {"category:requests_or_urgent_needs": needy, "category:not_humanitarian": irrelevant}
    )
    assert LearnedClassifier(model=model).classify("anything at all", "en").category == decided


def test_a_report_carries_every_category_that_passes_its_cut_the_decided_one_first() -> None:
    model = _constant_model(
        {
            "category:requests_or_urgent_needs": 0.9,
            "category:injured_or_dead_people": 0.7,
            "category:displaced_people_and_evacuations": 0.8,
        }
    )
    result = LearnedClassifier(model=model).classify("water for the injured", "en")
    assert result.category == Category.REQUESTS_OR_URGENT_NEEDS
    assert result.categories == (
        Category.REQUESTS_OR_URGENT_NEEDS,
        Category.DISPLACED_PEOPLE_AND_EVACUATIONS,
        Category.INJURED_OR_DEAD_PEOPLE,
    ), "widest ratio first"
    assert result.to_dict()["categories"] == [str(c) for c in result.categories]


def test_a_report_about_the_dead_that_asks_for_help_carries_both_each_explained() -> None:
    text = "Flooding: the river overflowed, we need water and food, many people are dead"
    result = default_classifier().classify(text, "en")
    assert result.categories == (Category.INJURED_OR_DEAD_PEOPLE, Category.REQUESTS_OR_URGENT_NEEDS)
    explained = {f.label for f in result.features if f.kind == "category"}
    assert explained == {"injured_or_dead_people", "requests_or_urgent_needs"}
    assert default_classifier().classify("Flooding in the street", "en").categories == (
        Category.OTHER_RELEVANT_INFORMATION,
    )


def test_a_text_decided_not_humanitarian_carries_no_other_category() -> None:
    model = _constant_model({"category:requests_or_urgent_needs": 0.6, "category:not_humanitarian": 0.9})
    result = LearnedClassifier(model=model).classify("anything at all", "en")
    assert result.categories == (Category.NOT_HUMANITARIAN,)


def test_categories_start_with_the_decided_category() -> None:
    old = Classification(Category.REQUESTS_OR_URGENT_NEEDS, 0.1, Hazard.FLOOD, 0.1, "en", (), "v")
    assert old.categories == (Category.REQUESTS_OR_URGENT_NEEDS,), "a decision stored before reads as one"
    lexicon = LexiconClassifier().classify("we need water", "en")
    assert lexicon.to_dict()["categories"] == [str(lexicon.category)]
    requests, injured, irrelevant = (
        Category.REQUESTS_OR_URGENT_NEEDS,
        Category.INJURED_OR_DEAD_PEOPLE,
        Category.NOT_HUMANITARIAN,
    )
    for decided, wrong in (
        (requests, (injured, requests)),
        (requests, (requests, requests)),
        (requests, (requests, irrelevant)),
        (irrelevant, (irrelevant, requests)),
    ):
        with pytest.raises(ValueError, match="categories"):
            Classification(decided, 0.1, Hazard.FLOOD, 0.1, "en", (), "v", categories=wrong)


def test_eval_scores_a_category_on_every_category_the_report_carries() -> None:
    from bench.eval_classifier import decided
    from bench.triage_data import TARGETS

    injured = next(t for t in TARGETS if t.name == "category:injured_or_dead_people")
    both = Classification(
        Category.REQUESTS_OR_URGENT_NEEDS,
        0.9,
        Hazard.FLOOD,
        0.1,
        "en",
        (),
        "v",
        categories=(Category.REQUESTS_OR_URGENT_NEEDS, Category.INJURED_OR_DEAD_PEOPLE),
    )
    assert decided(both, injured)
    assert not decided(both, injured, primary_only=True)


@pytest.mark.parametrize("cells", [[], [3], [1, 3], [2, 2, 0]])
def test_a_text_reads_the_weights_of_each_of_its_cells(cells: list[int]) -> None:
    weights = array("b", [5, -7, 11, 13])
    assert list(picker(cells)(weights)) == [weights[c] for c in cells]
