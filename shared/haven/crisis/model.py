"""The learned triage model: hashed word and character n-grams, one linear model per label.

Pure Python at run time (no scikit-learn, no numpy): :func:`featurize` turns a text into the
names of its features (whole words, word pairs, character n-grams inside words, and the lexicon
terms it matched), each hashed by CRC-32 into one of ``2**bits`` buckets. A label's score is its
bias plus the sum of its weights over the text's distinct buckets, divided by the square root of
their number (a binary, L2-normalised vector); a Platt curve fitted on the validation split
turns the score into a probability. Training (``make model``, ``bench/train_classifier.py``)
uses the same :func:`featurize`, so what was measured is what runs.

The artifact is two files beside this module: ``triage_model.json`` (labels, biases, scales,
calibration, thresholds, feature settings and the SHA-256 of the weights) and
``triage_model.bin`` (the weights: per label, ``2**bits`` signed bytes; weight = byte x scale).
Its version is ``triage-model-`` and the first 16 hex digits of the SHA-256 of both files, so a
stored decision names exactly the weights that made it.
"""

from __future__ import annotations

import hashlib
import json
import math
import zlib
from array import array
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from itertools import pairwise
from operator import itemgetter
from typing import Any

from haven.crisis.classifier import tokens

ARTIFACT_JSON = "triage_model.json"
ARTIFACT_BIN = "triage_model.bin"
#: Words of a text the model reads (the rest is ignored: bounded cost on any input).
MAX_TOKENS = 200
#: Characters of a word the character n-grams are taken from.
MAX_WORD_CHARS = 24


@dataclass(frozen=True)
class FeatureSpec:
    """How a text becomes features; stored in the artifact, so training and inference agree."""

    bits: int = 18
    char_min: int = 3
    char_max: int = 5
    bigrams: bool = True

    def to_dict(self) -> dict[str, Any]:
        return {
            "bits": self.bits,
            "char_min": self.char_min,
            "char_max": self.char_max,
            "bigrams": self.bigrams,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> FeatureSpec:
        return cls(int(data["bits"]), int(data["char_min"]), int(data["char_max"]), bool(data["bigrams"]))


def featurize(text: str, lexicon_labels: Iterable[str], spec: FeatureSpec) -> list[str]:
    """The distinct feature names of a text (``w:`` word, ``b:`` word pair, ``c:`` characters
    of a word with ``<`` ``>`` at its ends, ``lex:`` a lexicon label it matched)."""
    words = tokens(text)[:MAX_TOKENS]
    found: dict[str, None] = {}
    for word in words:
        found["w:" + word] = None
        padded = "<" + word[:MAX_WORD_CHARS] + ">"
        for n in range(spec.char_min, spec.char_max + 1):
            for i in range(len(padded) - n + 1):
                found["c:" + padded[i : i + n]] = None
    if spec.bigrams:
        for first, second in pairwise(words):
            found["b:" + first + " " + second] = None
    for label in lexicon_labels:
        found["lex:" + label] = None
    return list(found)


def bucket(feature: str, bits: int) -> int:
    return zlib.crc32(feature.encode("utf-8")) & ((1 << bits) - 1)


def buckets(features: Sequence[str], bits: int) -> list[int]:
    """The distinct buckets of the features (collisions merge, as in training)."""
    mask = (1 << bits) - 1
    return list({zlib.crc32(f.encode("utf-8")) & mask for f in features})


@dataclass(frozen=True)
class LabelModel:
    name: str
    bias: float
    scale: float
    #: Platt calibration: probability = 1 / (1 + exp(-(a * score + b))).
    platt_a: float
    platt_b: float
    #: Decide the label when its probability reaches this (tuned on the validation split).
    threshold: float
    weights: array[int]

    def score(self, picked: Iterable[int], norm: float) -> float:
        """The score of a text from its buckets' weights, as :func:`picker` picks them."""
        return self.bias + sum(picked) * self.scale * norm

    def probability(self, score: float) -> float:
        z = self.platt_a * score + self.platt_b
        if z < -60:
            return 0.0
        return 1.0 / (1.0 + math.exp(-z))

    def weight(self, cell: int) -> float:
        return self.weights[cell] * self.scale


@dataclass(frozen=True)
class TriageModel:
    version: str
    spec: FeatureSpec
    labels: tuple[LabelModel, ...]
    meta: Mapping[str, Any]
    #: The labels by name: the decision rule reads each several times a classification.
    by_name: Mapping[str, LabelModel] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_name", {m.name: m for m in self.labels})

    def featurize(self, text: str, lexicon_labels: Iterable[str]) -> list[str]:
        """The text's features as this model was trained on them (:func:`featurize`)."""
        return featurize(text, lexicon_labels, self.spec)

    def label(self, name: str) -> LabelModel:
        return self.by_name[name]

    def cells(self, features: Sequence[str]) -> list[int]:
        """The bucket of each feature, in order (hashed once per classification)."""
        mask = (1 << self.spec.bits) - 1
        return [zlib.crc32(f.encode("utf-8")) & mask for f in features]

    def probabilities(self, features: Sequence[str], cells: Sequence[int] | None = None) -> dict[str, float]:
        distinct = list(set(self.cells(features) if cells is None else cells))
        norm = 1.0 / math.sqrt(len(distinct)) if distinct else 0.0
        pick = picker(distinct)
        return {m.name: round(m.probability(m.score(pick(m.weights), norm)), 4) for m in self.labels}

    def explain(
        self, name: str, features: Sequence[str], top: int = 5, cells: Sequence[int] | None = None
    ) -> list[tuple[str, float]]:
        """The features that pushed ``name`` up most, with their weights (strongest first)."""
        model = self.label(name)
        weights = model.weights
        # (-weight, feature) sorts strongest first, ties by name.
        located = zip(features, cells or self.cells(features), strict=True)
        pushed = [(-w, f) for f, c in located if (w := weights[c]) > 0]
        pushed.sort()
        return [(f, round(-w * model.scale, 4)) for w, f in pushed[:top]]


def picker(cells: Sequence[int]) -> Callable[[array[int]], Iterable[int]]:
    """A function reading ``cells`` out of a label's weights: one C call per label (an
    ``itemgetter``, twice as fast as a ``map`` over them; it returns a bare value for one cell)."""
    if len(cells) > 1:
        return itemgetter(*cells)
    return lambda weights: [weights[c] for c in cells]


def artifact_version(meta_bytes: bytes, weight_bytes: bytes) -> str:
    digest = hashlib.sha256(meta_bytes + b"\n" + weight_bytes).hexdigest()
    return f"triage-model-{digest[:16]}"


def from_bytes(meta_bytes: bytes, weight_bytes: bytes) -> TriageModel:
    """A model from its two artifact files; refuses weights that are not the ones described."""
    meta = json.loads(meta_bytes)
    spec = FeatureSpec.from_dict(meta["features"])
    if hashlib.sha256(weight_bytes).hexdigest() != meta["weights_sha256"]:
        raise ValueError("triage model weights do not match their description")
    size = 1 << spec.bits
    if len(weight_bytes) != size * len(meta["labels"]):
        raise ValueError("triage model weights have the wrong size")
    labels = []
    for k, entry in enumerate(meta["labels"]):
        weights = array("b")
        weights.frombytes(weight_bytes[k * size : (k + 1) * size])
        labels.append(
            LabelModel(
                name=str(entry["name"]),
                bias=float(entry["bias"]),
                scale=float(entry["scale"]),
                platt_a=float(entry["platt"][0]),
                platt_b=float(entry["platt"][1]),
                threshold=float(entry["threshold"]),
                weights=weights,
            )
        )
    return TriageModel(artifact_version(meta_bytes, weight_bytes), spec, tuple(labels), meta)


@cache
def load_model() -> TriageModel:
    """The packaged model, read once on first use (works from a zip or a Lambda layer)."""
    folder = resources.files("haven.crisis")
    return from_bytes(
        folder.joinpath(ARTIFACT_JSON).read_bytes(),
        folder.joinpath(ARTIFACT_BIN).read_bytes(),
    )
