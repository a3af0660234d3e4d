"""CAP 1.2's severities ranked, least to most severe: how a subscription's or a responder's
threshold is compared with an alert's or an incident's severity.

Its own module so that subscribing (:mod:`haven.alerts.subscriptions`) and the responder
matching load the ranking, not the alert domain and its CAP model.
"""

from __future__ import annotations

SEVERITY_RANK = {"Unknown": 0, "Minor": 1, "Moderate": 2, "Severe": 3, "Extreme": 4}
