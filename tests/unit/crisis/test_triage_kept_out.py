"""Issue 15: social posts judged irrelevant with confidence never open or grow an incident; they
stay listed with the reason for a responder to restore. Official feeds are unaffected."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from haven import ids
from haven.crisis.classifier import Classification, MatchedTerm
from haven.crisis.reports import Report, ReportStatus, restore_report
from haven.crisis.taxonomy import Category, Hazard
from haven.crisis.triage import NOT_HUMANITARIAN_CUTOFF, carried_labels, decide, keep_out_reason
from haven.errors import Conflict, NotFound
from haven.geo import Point

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def _report(source: str, **changes: object) -> Report:
    report = Report(
        report_id=ids.new_id(),
        tracking_token_hash="0" * 64,
        status=ReportStatus.RECEIVED,
        source=source,
        category=Category.UNKNOWN.value,
        description="Big sale this weekend, 50% off all phones",
        location=Point(18.54, -72.34),
        cell="87000000000ffff",
        received_at=NOW,
        expires_at=NOW + timedelta(days=30),
        version=1,
    )
    return replace(report, **changes)  # type: ignore[arg-type]


def _classified(
    category: Category = Category.NOT_HUMANITARIAN,
    confidence: float = 0.9,
    terms: tuple[MatchedTerm, ...] = (),
) -> Classification:
    return Classification(category, confidence, Hazard.OTHER, 0.1, "en", terms, "triage-model-test+lexicon")


ADVERT = (MatchedTerm("category", "not_humanitarian", "sale", "en"),)


@pytest.mark.parametrize("source", ["feed:mastodon", "feed:bluesky", "feed:x", "feed:rss"])
def test_a_confidently_irrelevant_social_post_is_kept_out_with_its_reason(source: str) -> None:
    decision = decide(_report(source), _classified(), [])
    assert decision.incident is None
    assert decision.status == ReportStatus.TRIAGED
    assert decision.kept_out == "not_humanitarian"
    assert decision.triage_record()["kept_out"] == "not_humanitarian"


@pytest.mark.parametrize(
    "source", ["feed:usgs", "feed:gdacs", "feed:gdacs_events", "feed:ea_floods", "feed:cap"]
)
def test_an_official_feed_item_is_never_kept_out(source: str) -> None:
    decision = decide(_report(source), _classified(terms=ADVERT, confidence=0.95), [])
    assert decision.incident is not None
    assert decision.status == ReportStatus.LINKED
    assert "kept_out" not in decision.triage_record()


def test_below_the_cutoff_a_social_post_goes_to_an_incident() -> None:
    decision = decide(_report("feed:mastodon"), _classified(confidence=NOT_HUMANITARIAN_CUTOFF - 0.01), [])
    assert decision.incident is not None
    assert decision.kept_out is None


def test_a_citizen_report_needs_explicit_lexicon_terms_to_be_kept_out() -> None:
    assert keep_out_reason(_report("citizen"), _classified()) is None
    assert keep_out_reason(_report("citizen"), _classified(terms=ADVERT)) == "not_humanitarian"


def test_a_category_the_reporter_chose_is_never_overruled() -> None:
    report = _report("feed:mastodon", category=Category.REQUESTS_OR_URGENT_NEEDS.value)
    assert keep_out_reason(report, _classified()) is None


def test_a_restored_report_is_never_kept_out_again() -> None:
    report = _report("feed:mastodon", restored_at=NOW, restored_by="responder-1")
    decision = decide(report, _classified(confidence=0.99), [])
    assert decision.incident is not None
    assert decision.kept_out is None


class Reports:
    def __init__(self, *reports: Report) -> None:
        self.by_id = {r.report_id: r for r in reports}
        self.restores = 0

    def get(self, report_id: str) -> Report | None:
        return self.by_id.get(report_id)

    def restore(self, report: Report, restored_at: datetime, restored_by: str) -> Report:
        stored = self.by_id[report.report_id]
        if stored.version != report.version or stored.kept_out is None:
            raise Conflict("changed")
        self.restores += 1
        restored = replace(
            stored,
            status=ReportStatus.RECEIVED,
            restored_at=restored_at,
            restored_by=restored_by,
            version=(stored.version or 0) + 1,
        )
        self.by_id[report.report_id] = restored
        return restored


class Queue:
    def __init__(self) -> None:
        self.sent: list[str] = []

    def enqueue(self, report_id: str) -> None:
        self.sent.append(report_id)


def _kept_out() -> Report:
    return _report("feed:mastodon", status=ReportStatus.TRIAGED, triage={"kept_out": "not_humanitarian"})


def test_restoring_sends_a_kept_out_report_back_to_triage() -> None:
    report = _kept_out()
    reports, queue = Reports(report), Queue()
    restored = restore_report(report.report_id, actor="responder-1", reports=reports, queue=queue)
    assert restored.status == ReportStatus.RECEIVED
    assert restored.restored_by == "responder-1"
    assert restored.restored_at is not None
    assert queue.sent == [report.report_id]
    assert keep_out_reason(restored, _classified(confidence=0.99)) is None


def test_restoring_twice_is_harmless() -> None:
    report = _kept_out()
    reports, queue = Reports(report), Queue()
    restore_report(report.report_id, actor="responder-1", reports=reports, queue=queue)
    again = restore_report(report.report_id, actor="responder-2", reports=reports, queue=queue)
    assert reports.restores == 1
    assert again.restored_by == "responder-1"
    assert queue.sent == [report.report_id, report.report_id]  # triage triages it once


def test_only_a_kept_out_report_can_be_restored() -> None:
    linked = _report("feed:mastodon", status=ReportStatus.LINKED, incident_id=ids.new_id())
    with pytest.raises(Conflict):
        restore_report(linked.report_id, actor="r", reports=Reports(linked), queue=Queue())
    with pytest.raises(NotFound):
        restore_report(ids.new_id(), actor="r", reports=Reports(), queue=Queue())
    with pytest.raises(NotFound):
        restore_report("not-an-id", actor="r", reports=Reports(), queue=Queue())


def test_a_stored_report_carries_its_own_labels_and_every_one_its_triage_record_lists() -> None:
    untriaged = {"category": "requests_or_urgent_needs", "hazard": None, "triage": None}
    assert carried_labels(untriaged) == ({"requests_or_urgent_needs"}, {None})
    # Triaged before categories and hazards were recorded: its one category and hazard.
    before = {"category": "injured_or_dead_people", "hazard": "flood", "triage": {"classification": {}}}
    assert carried_labels(before) == ({"injured_or_dead_people"}, {"flood"})
    triaged = {
        "category": "injured_or_dead_people",
        "hazard": "storm",
        "triage": {
            "classification": {
                "categories": ["injured_or_dead_people", "requests_or_urgent_needs"],
                "hazards": ["storm", "flood"],
            }
        },
    }
    assert carried_labels(triaged) == (
        {"injured_or_dead_people", "requests_or_urgent_needs"},
        {"storm", "flood"},
    )
    # The shape it reads is the one a decision writes.
    decided = Classification(
        category=Category.INJURED_OR_DEAD_PEOPLE,
        category_confidence=0.8,
        hazard=Hazard.STORM,
        hazard_confidence=0.7,
        language="en",
        matched_terms=(),
        classifier_version="test",
        hazards=(Hazard.STORM, Hazard.FLOOD),
        categories=(Category.INJURED_OR_DEAD_PEOPLE, Category.REQUESTS_OR_URGENT_NEEDS),
    )
    decision = decide(_report("web", description="Water for the injured, the storm flooded us"), decided, [])
    written = {
        "category": str(decision.category),
        "hazard": str(decision.hazard),
        "triage": decision.triage_record(),
    }
    assert carried_labels(written) == carried_labels(triaged)
