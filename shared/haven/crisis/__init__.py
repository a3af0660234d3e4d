"""Crisis triage: taxonomy and hazards, classification, credibility and incident clustering.

Pure domain code (no AWS imports): the triage worker and the API call into it.
"""

from haven.crisis.classifier import (
    LEXICON_VERSION,
    Classification,
    Classifier,
    LexiconClassifier,
    MatchedTerm,
)
from haven.crisis.clustering import (
    IncidentSnapshot,
    IncidentUpdate,
    Severity,
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
    "IncidentSnapshot",
    "IncidentUpdate",
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
