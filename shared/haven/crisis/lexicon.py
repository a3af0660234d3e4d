"""The lexicon classifier: multilingual keyword and phrase lexicons, one per language.

:class:`LexiconClassifier` is the transparent :class:`haven.crisis.classifier.Classifier`:
lexicons (``lexicons/*.json``) matched on whole words after accent, case and Arabic-orthography
normalisation. Every decision records the terms that made it. Triage runs it inside
:class:`haven.crisis.learned.LearnedClassifier`, which loads this module at its first
classification.

Lexicon format (``lexicons/<language>.json``)::

    {"language": "fr", "name": "Français", "stopwords": ["le", ...],
     "categories": {"<humaid class>": ["term", "multi word phrase", "prefix*", ...], ...},
     "hazards": {"<hazard>": [...], ...}}

A term is one or more words; a word ending in ``*`` matches any word that starts with it
(``évacu*`` matches "évacuation", "évacués"). Terms are normalised like the text, so lexicons are
written in ordinary spelling, accents and hamzas included.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

from haven.crisis.classifier import (
    CATEGORY_PRIORITY,
    HAZARD_PRIORITY,
    LEXICON_VERSION,
    MAX_CONFIDENCE,
    NO_MATCH_CONFIDENCE,
    UNDETERMINED,
    Classification,
    Kind,
    MatchedTerm,
    tokens,
)
from haven.crisis.taxonomy import HUMAID_CATEGORIES, Category, Hazard

# Proclitics glued to Arabic words ("and", "with", "for", "like", "so" + article), longest first.
_AR_PROCLITICS = ("وال", "بال", "فال", "كال", "لل", "ال", "و", "ف", "ب", "ل")
_AR_MIN_STEM = 2
#: Letters of a prefix term's first word its index is keyed by (the shortest prefix allowed).
_PREFIX_HEAD = 3


def _is_arabic(ch: str) -> bool:
    o = ord(ch)
    return 0x0600 <= o <= 0x06FF or 0x0750 <= o <= 0x077F or 0x08A0 <= o <= 0x08FF


def _forms(token: str) -> tuple[str, ...]:
    """The token, plus for an Arabic word its stems with one proclitic removed."""
    if not token or not _is_arabic(token[0]):
        return (token,)
    forms = [token]
    for prefix in _AR_PROCLITICS:
        if token.startswith(prefix) and len(token) - len(prefix) >= _AR_MIN_STEM:
            forms.append(token[len(prefix) :])
    return tuple(forms)


# --------------------------------------------------------------------------------------------
# Lexicons


@dataclass(frozen=True)
class _Word:
    text: str
    prefix: bool

    def matches(self, forms: Sequence[str]) -> bool:
        if self.prefix:
            return any(f.startswith(self.text) for f in forms)
        return self.text in forms


@dataclass(frozen=True)
class Term:
    kind: Kind
    label: str
    source: str
    words: tuple[_Word, ...]
    language: str

    @property
    def weight(self) -> float:
        """A phrase is more specific than a word: 1 for a word, +0.5 per extra word."""
        return 1.0 + 0.5 * (len(self.words) - 1)


@dataclass(frozen=True)
class Lexicon:
    language: str
    stopwords: frozenset[str]
    terms: tuple[Term, ...]
    _by_first: Mapping[str, tuple[Term, ...]] = field(repr=False, compare=False)
    #: Terms whose first word is a prefix, by its first 3 letters (a prefix has at least 3).
    _prefixed: Mapping[str, tuple[Term, ...]] = field(repr=False, compare=False)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Lexicon:
        language = str(data["language"])
        terms: list[Term] = []
        for name, words in data.get("categories", {}).items():
            category = Category(name)
            if category not in HUMAID_CATEGORIES:
                raise ValueError(f"{language}: {name} cannot be decided by a classifier")
            terms.extend(Term("category", str(category), w, _parse_term(w), language) for w in words)
        for name, words in data.get("hazards", {}).items():
            hazard = Hazard(name)
            terms.extend(Term("hazard", str(hazard), w, _parse_term(w), language) for w in words)
        by_first: dict[str, list[Term]] = {}
        prefixed: dict[str, list[Term]] = {}
        for term in terms:
            first = term.words[0]
            if first.prefix:
                prefixed.setdefault(first.text[:_PREFIX_HEAD], []).append(term)
            else:
                by_first.setdefault(first.text, []).append(term)
        stopwords = frozenset(" ".join(tokens(w)) for w in data.get("stopwords", []))
        return cls(
            language,
            stopwords,
            tuple(terms),
            {k: tuple(v) for k, v in by_first.items()},
            {k: tuple(v) for k, v in prefixed.items()},
        )

    def find(self, words: Sequence[tuple[str, ...]]) -> list[tuple[int, int, Term]]:
        """Every (start, end, term) occurrence in the word forms of a text."""
        found: list[tuple[int, int, Term]] = []
        by_first, prefixed = self._by_first, self._prefixed
        for i, forms in enumerate(words):
            if len(forms) == 1:  # a word with one form (all but some Arabic): nothing to merge
                [form] = forms
                candidates: Sequence[Term] = by_first.get(form, ()) + prefixed.get(form[:_PREFIX_HEAD], ())
            else:
                merged: list[Term] = []
                for f in forms:
                    merged.extend(by_first.get(f, ()))
                for head in sorted({f[:_PREFIX_HEAD] for f in forms}):
                    merged.extend(t for t in prefixed.get(head, ()) if t not in merged)
                candidates = merged
            for term in candidates:
                n = len(term.words)
                if i + n <= len(words) and all(w.matches(words[i + k]) for k, w in enumerate(term.words)):
                    found.append((i, i + n, term))
        return found


def _parse_term(source: str) -> tuple[_Word, ...]:
    words: list[_Word] = []
    for part in source.split():
        prefix = part.endswith("*")
        toks = tokens(part.rstrip("*"))
        if not toks:
            raise ValueError(f"empty word in lexicon term {source!r}")
        if prefix and len(toks[-1]) < _PREFIX_HEAD:
            raise ValueError(f"prefix shorter than 3 letters in lexicon term {source!r}")
        words.extend(_Word(t, prefix and k == len(toks) - 1) for k, t in enumerate(toks))
    return tuple(words)


@cache
def load_lexicons() -> dict[str, Lexicon]:
    """The packaged lexicons by language, read once (works from a zip or a Lambda layer)."""
    folder = resources.files("haven.crisis").joinpath("lexicons")
    lexicons: dict[str, Lexicon] = {}
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".json"):
            lexicon = Lexicon.from_dict(json.loads(entry.read_text(encoding="utf-8")))
            lexicons[lexicon.language] = lexicon
    if not lexicons:
        raise RuntimeError("no crisis lexicons packaged")
    return lexicons


# --------------------------------------------------------------------------------------------
# The lexicon classifier


def primary_language(tag: str | None) -> str | None:
    """``"fr-CA"`` → ``"fr"``; empty → None."""
    if tag is None:
        return None
    primary = tag.strip().replace("_", "-").split("-", 1)[0].lower()
    return primary or None


def _confidence(scores: Mapping[str, float]) -> float:
    """The winner's share of all matched weight x a strength that saturates with its weight."""
    if not scores:
        return NO_MATCH_CONFIDENCE
    best = max(scores.values())
    share = best / sum(scores.values())
    strength = 1.0 - float(0.5**best)  # 1 word 0.5, 2 words 0.75, 3 words 0.875
    return round(min(MAX_CONFIDENCE, 0.15 + 0.8 * share * strength), 4)


def _pick(scores: Mapping[str, float], priority: Sequence[str]) -> str:
    best = max(scores.values())
    return next(label for label in priority if scores.get(label) == best)


def _non_overlapping(found: list[tuple[int, int, Term]]) -> list[tuple[int, int, Term]]:
    """Longest matches first; a word used by a longer term does not count again for a shorter.

    So "coups de feu" counts as conflict, not also as fire; "au secours" as a request, not also
    as rescue. Category and hazard terms are resolved separately: one word may signal both.
    """
    kept: list[tuple[int, int, Term]] = []
    used: set[tuple[Kind, int]] = set()
    for start, end, term in sorted(found, key=lambda m: (-(m[1] - m[0]), m[0], m[2].source)):
        span = {(term.kind, i) for i in range(start, end)}
        if span & used:
            continue
        used |= span
        kept.append((start, end, term))
    return sorted(kept, key=lambda m: (m[0], m[2].kind, m[2].label))


class LexiconClassifier:
    """Keyword and phrase lexicons per category and hazard, per language.

    Language: the given one (its primary subtag), else a guess from the script and stopword
    hits (``"und"`` when nothing is recognised). The text is matched against the lexicon of
    that language and the English one (English crisis words and hashtags are common in other
    languages' posts); against every lexicon when the language has none.

    Decision: each matched term adds its weight (1 for a word, 1.5 for two words, ...) to its
    label; the label with the most weight wins (ties: :data:`CATEGORY_PRIORITY`,
    :data:`HAZARD_PRIORITY`). Confidence grows with the winner's share of all matched weight
    and with its amount (saturating), capped at :data:`MAX_CONFIDENCE`. No category term →
    ``other_relevant_information``; no hazard term → ``other``; both at
    :data:`NO_MATCH_CONFIDENCE`. ``not_humanitarian`` is only decided on its own explicit terms
    (advertising, promotions).
    """

    def __init__(
        self,
        lexicons: Mapping[str, Lexicon] | None = None,
        version: str = LEXICON_VERSION,
    ) -> None:
        self._lexicons = dict(lexicons) if lexicons is not None else None
        self.version = version

    @property
    def lexicons(self) -> Mapping[str, Lexicon]:
        if self._lexicons is None:
            self._lexicons = load_lexicons()
        return self._lexicons

    @property
    def languages(self) -> tuple[str, ...]:
        return tuple(sorted(self.lexicons))

    def _guess_language(
        self,
        text: str,
        words: Sequence[str],
        forms: Sequence[tuple[str, ...]],
        found: dict[str, list[tuple[int, int, Term]]],
    ) -> str:
        """Arabic if Arabic letters outnumber Latin ones; else most stopword and term hits. The
        text comes split into ``words`` and their ``forms``; each lexicon's occurrences searched
        here are left in ``found``, by language, for the classification to reuse."""
        if not text.isascii() and "ar" in self.lexicons:  # an ASCII text has no Arabic letter
            arabic = sum(1 for ch in text if ch.isalpha() and _is_arabic(ch))
            latin = sum(1 for ch in text if ch.isalpha() and ord(ch) < 0x0250)
            if arabic > latin:
                return "ar"
        best: tuple[int, str] = (0, UNDETERMINED)
        for language in sorted(self.lexicons):
            if language == "ar":
                continue
            lexicon = self.lexicons[language]
            found[language] = lexicon.find(forms)
            hits = sum(1 for w in words if w in lexicon.stopwords)
            hits += len(_non_overlapping(found[language]))
            if hits > best[0]:
                best = (hits, language)
        return best[1]

    def classify(self, text: str, language: str | None = None) -> Classification:
        words = tokens(text)
        forms = [_forms(w) for w in words]
        # The occurrences of each lexicon, searched once: guessing the language searches most.
        searched: dict[str, list[tuple[int, int, Term]]] = {}
        lang = primary_language(language) or self._guess_language(text, words, forms, searched)
        if lang in self.lexicons:
            used = [lang]
            if lang != "en" and "en" in self.lexicons:
                used.append("en")
        else:
            used = sorted(self.lexicons)

        found: list[tuple[int, int, Term]] = []
        for name in used:
            if name not in searched:
                searched[name] = self.lexicons[name].find(forms)
            found.extend(searched[name])
        matches = _non_overlapping(found)

        category_scores: dict[str, float] = {}
        hazard_scores: dict[str, float] = {}
        for _, _, term in matches:
            scores = category_scores if term.kind == "category" else hazard_scores
            scores[term.label] = scores.get(term.label, 0.0) + term.weight

        category = (
            Category(_pick(category_scores, CATEGORY_PRIORITY))
            if category_scores
            else Category.OTHER_RELEVANT_INFORMATION
        )
        hazard = Hazard(_pick(hazard_scores, HAZARD_PRIORITY)) if hazard_scores else Hazard.OTHER

        seen: set[MatchedTerm] = set()
        explained: list[MatchedTerm] = []
        for _, _, term in matches:
            m = MatchedTerm(term.kind, term.label, term.source, term.language)
            if m not in seen:
                seen.add(m)
                explained.append(m)

        return Classification(
            category=category,
            category_confidence=_confidence(category_scores),
            hazard=hazard,
            hazard_confidence=_confidence(hazard_scores),
            language=lang,
            matched_terms=tuple(explained),
            classifier_version=self.version,
        )
