"""Crisis triage: taxonomy and hazards, classification, credibility and incident clustering.

Pure domain code (no AWS imports): the triage worker and the API call into it.

The names below are loaded from their modules at first access (PEP 562): importing one module
of the package (``haven.crisis.reports`` for an upload) does not load the classifier's lexicons
or the clustering (ADR 0039).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from haven.crisis.classifier import (
        LEXICON_VERSION,
        Classification,
        Classifier,
        MatchedTerm,
    )
    from haven.crisis.clustering import (
        choose_incident,
        merge,
        open_incident,
        severity,
    )
    from haven.crisis.credibility import (
        CREDIBILITY_VERSION,
        Contribution,
        Credibility,
        CredibilitySignals,
        ReporterHistory,
        category_hazard_consistent,
        credibility,
    )
    from haven.crisis.incident import Incident, Severity
    from haven.crisis.lexicon import LexiconClassifier
    from haven.crisis.taxonomy import (
        HUMAID_CATEGORIES,
        PROFILES,
        Category,
        Hazard,
        HazardProfile,
        hazard_cell_key,
        hazard_cell_keys_around,
        profile,
    )

__all__ = [
    "CREDIBILITY_VERSION",
    "HUMAID_CATEGORIES",
    "LEXICON_VERSION",
    "PROFILES",
    "Category",
    "Classification",
    "Classifier",
    "Contribution",
    "Credibility",
    "CredibilitySignals",
    "Hazard",
    "HazardProfile",
    "Incident",
    "LexiconClassifier",
    "MatchedTerm",
    "ReporterHistory",
    "Severity",
    "category_hazard_consistent",
    "choose_incident",
    "credibility",
    "hazard_cell_key",
    "hazard_cell_keys_around",
    "merge",
    "open_incident",
    "profile",
    "severity",
]

#: Each exported name → the module that defines it (read from the imports above).
_HOMES = {
    "LEXICON_VERSION": "haven.crisis.classifier",
    "Classification": "haven.crisis.classifier",
    "Classifier": "haven.crisis.classifier",
    "LexiconClassifier": "haven.crisis.lexicon",
    "MatchedTerm": "haven.crisis.classifier",
    "Incident": "haven.crisis.incident",
    "Severity": "haven.crisis.incident",
    "choose_incident": "haven.crisis.clustering",
    "merge": "haven.crisis.clustering",
    "open_incident": "haven.crisis.clustering",
    "severity": "haven.crisis.clustering",
    "CREDIBILITY_VERSION": "haven.crisis.credibility",
    "Contribution": "haven.crisis.credibility",
    "Credibility": "haven.crisis.credibility",
    "CredibilitySignals": "haven.crisis.credibility",
    "ReporterHistory": "haven.crisis.credibility",
    "category_hazard_consistent": "haven.crisis.credibility",
    "credibility": "haven.crisis.credibility",
    "HUMAID_CATEGORIES": "haven.crisis.taxonomy",
    "PROFILES": "haven.crisis.taxonomy",
    "Category": "haven.crisis.taxonomy",
    "Hazard": "haven.crisis.taxonomy",
    "HazardProfile": "haven.crisis.taxonomy",
    "hazard_cell_key": "haven.crisis.taxonomy",
    "hazard_cell_keys_around": "haven.crisis.taxonomy",
    "profile": "haven.crisis.taxonomy",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value
    return value
