"""PynamoDB models: the tables' keys, indexes and attributes.

The CDK app derives each table's key schema and indexes from these classes, and an infra test
checks the synthesized template against them. Access patterns (all Query/GetItem/BatchGet):

idempotency
  - GetItem / conditional PutItem by ``key`` (route#caller#Idempotency-Key); TTL ``expires_at``.
reports
  - GetItem by ``report_id`` (reporter's status view, triage).
  - Query ``by_status`` (status, received_at) for the responders' report list, newest first.
  - Query ``by_incident`` (incident_id, received_at): the reports of one incident.
incidents
  - GetItem by ``incident_id``.
  - Query ``by_hazard_cell`` (hazard#cell at the hazard's resolution, last_report_at) on the
    seven cells around a report: clustering, whatever the number of stored incidents.
  - Query ``by_status`` (status, updated_at) for the ops list and the public verified list.
incident-claims
  - BatchGet (consistent) of the seven ``cell`` keys around a report: which incidents opened
    there, read strongly where the ``by_hazard_cell`` index may lag; a conditional write on
    each ``sequence`` read serialises the openings of one neighbourhood (haven.crisis.triage).
safety
  - GetItem ``person#<id>``/``person``; Query ``person#<id>`` for its notes (deletion).
  - Name search: Query ``name#<key>`` for the sound keys of the query's words and joined
    words (a bounded number, each read up to a cap; see haven.safety.names), then BatchGet
    of the best-ranked persons. ``make reindex-names`` re-keys stored records (ADR 0033).
  - Query ``by_entry`` (entry day, entry date#id) per day since a date: PFIF incremental sync.
  - UpdateItem ADD on ``rate#<client>``/``<window>``: search rate limit; TTL ``expires_at``.
evidence
  - Query ``month#<YYYY-MM>`` per month of the requested range: the displacement cells.
  - GetItem / TransactWrite on ``incident#<id>``/``contribution`` (conditional on the version
    read) with ADD on the cells it moves: idempotent, incremental aggregation.
alerts / alert-messages
  - GetItem by ``alert_id`` / ``message_id``; Query alerts ``by_state`` ("active", updated_at)
    for the public list and feed; Query alert-messages ``by_alert`` for a thread's messages.
subscriptions / subscription-cells
  - GetItem by ``subscription_id``; Query subscription-cells by ``cell`` (one per cell of an
    alert's area at H3 resolution 4) for the fan-out.
alert-deliveries
  - Conditional PutItem on (message_id, subscription_id) to claim a delivery; Query by
    ``message_id`` for the delivery status of one message.
accreditation
  - GetItem by ``application_id``; conditional writes on ``version`` (TransactWrite with the
    audit entry and the roster entries for a transition; with the audit entry alone when a
    substantiated complaint opens a compliance review).
  - Query ``by_org`` (org_id, created_at): a recruiter's applications.
  - Query ``by_state`` (state, updated_at): the auditors' work lists.
  - Query ``by_due`` (state, due_at <= now): the scheduled jobs (renewal notice, expiry, lapse
    of deferrals, end of suspensions). Sparse: only states with a deadline carry ``due_at``.
accreditation-audit
  - Query by ``application_id`` (seq ascending): the trail. Conditional PutItem only.
roster
  - GetItem ``licence#<CC>#<number>``/``licence``: licence verification, one call.
  - GetItem ``recruiter#<id>``/``profile``: one recruiter.
  - Query ``by_term`` (term, term_sort) with ``begins_with`` for names: ``name#<2 chars>``
    (token#id), ``country#<CC>``, ``corridor#<O>><D>``, ``roster`` (name#id): search and lists.
  - Query ``by_term`` = ``roster`` page after page: the export (every listed recruiter, capped).
complaints
  - GetItem by ``complaint_id`` (staff view, transitions, acks, escalation notes).
  - Query ``by_tracking`` (tracking_hash): the complainant's tracking page (the code's SHA-256).
  - Query ``by_status`` (status, filed_at): the auditors' complaint list, newest first.
partners
  - GetItem by ``partner_id`` (admin, delivery worker); BatchGet for a referral's partners.
  - Query ``by_state`` (state active|inactive, name): the admin list and routing (active only).
referrals
  - GetItem by ``referral_id`` (delivery worker, partner ack).
  - Query ``by_partner`` (partner_id, updated_at >= since): a partner's pull API.
  - Query ``by_sla`` (awaiting_ack, sla_due_at <= now): the escalation schedule. Sparse: only
    referrals still waiting for a first acknowledgement carry ``awaiting_ack``.
feed-sources
  - GetItem by ``source_id``; conditional writes on ``version`` (PATCH, health, cursor).
  - Query ``by_schedule`` (``enabled``, next_poll_at <= now): the sources due (scheduler);
    (``enabled`` | ``disabled``, next_poll_at): the responders' list.
conversations (text channels: SMS, WhatsApp, Twilio; see haven.channels)
  - Conditional UpdateItem (ALL_NEW) / PutItem / DeleteItem ``dialogue#<sender key>``: a
    sender's lease (one message answered at a time) and dialogue state, sealed, with its number
    sealed; TTL ``expires_at`` (30 minutes after the last message).
  - GetItem / PutItem ``alerts#<sender key>``: the alert subscriptions a sender made by text
    (sealed), for STOP; TTL a year after the last change.
  - Conditional PutItem / UpdateItem / DeleteItem ``message#<provider>#<id>``: a provider's
    message claimed once (dedupe), with the reply sealed until sent; TTL two days.
  The sender key is a keyed hash (HMAC) of channel and number: no number is a key.
feed-items
  - BatchGet by (source_id, native_id): which fetched items are already stored (dedupe).
  - TransactWrite of new or newer items (conditional on the stored ``updated_at`` being older),
    their reports and the source's cursor; TTL ``expires_at``.
"""

from __future__ import annotations

import os

from pynamodb.attributes import (
    BooleanAttribute,
    JSONAttribute,
    ListAttribute,
    MapAttribute,
    NumberAttribute,
    TTLAttribute,
    UnicodeAttribute,
    VersionAttribute,
)
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex, KeysOnlyProjection
from pynamodb.models import Model


def table_name(logical: str) -> str:
    return f"{os.environ.get('HAVEN_TABLE_PREFIX', 'haven-local')}-{logical}"


def _region() -> str:
    return os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "eu-west-1"


class HavenMeta:
    """Settings every table shares; each model's ``Meta`` adds its ``table_name``."""

    region = _region()
    billing_mode = "PAY_PER_REQUEST"
    max_retry_attempts = 3
    connect_timeout_seconds = 2
    read_timeout_seconds = 5


class RateWindow(Model):
    """Requests of one client in one class of routes during one fixed window.

    ``subject`` is a keyed hash of the class and the client's address (no address is stored);
    the item expires one window after its own.
    """

    class Meta(HavenMeta):
        table_name = table_name("rate-limits")

    subject = UnicodeAttribute(hash_key=True)
    window_start = NumberAttribute(range_key=True)
    hits = NumberAttribute(default=0)
    expires_at = TTLAttribute()


class IdempotencyRecord(Model):
    class Meta(HavenMeta):
        table_name = table_name("idempotency")

    key = UnicodeAttribute(hash_key=True)
    fingerprint = UnicodeAttribute()
    state = UnicodeAttribute()  # in_progress | completed
    response_status = NumberAttribute(null=True)
    response_body = UnicodeAttribute(null=True)
    content_type = UnicodeAttribute(null=True)
    expires_at = TTLAttribute()


# --- crisis reports --------------------------------------------------------------------------


class ReportsByStatus(GlobalSecondaryIndex["Report"]):
    class Meta:
        index_name = "by_status"
        projection = AllProjection()

    status = UnicodeAttribute(hash_key=True)
    received_at = UnicodeAttribute(range_key=True)


class ReportsByIncident(GlobalSecondaryIndex["Report"]):
    class Meta:
        index_name = "by_incident"
        projection = AllProjection()

    incident_id = UnicodeAttribute(hash_key=True)
    received_at = UnicodeAttribute(range_key=True)


class MediaItem(MapAttribute[str, object]):
    key = UnicodeAttribute()
    content_type = UnicodeAttribute()
    size_bytes = NumberAttribute()


class Report(Model):
    class Meta(HavenMeta):
        table_name = table_name("reports")

    report_id = UnicodeAttribute(hash_key=True)
    tracking_token_hash = UnicodeAttribute()
    status = UnicodeAttribute()
    source = UnicodeAttribute()
    category = UnicodeAttribute()
    hazard = UnicodeAttribute(null=True)
    description = UnicodeAttribute()
    lat = NumberAttribute()
    lon = NumberAttribute()
    accuracy_m = NumberAttribute(null=True)
    cell = UnicodeAttribute()
    occurred_at = UnicodeAttribute(null=True)
    received_at = UnicodeAttribute()
    people_affected = NumberAttribute(null=True)
    language = UnicodeAttribute(null=True)
    contact = UnicodeAttribute(null=True)
    anonymous = BooleanAttribute(default=False)
    media = ListAttribute(of=MediaItem, default=list)
    incident_id = UnicodeAttribute(null=True)
    triage = JSONAttribute(null=True)
    restored_at = UnicodeAttribute(null=True)
    restored_by = UnicodeAttribute(null=True)
    version = VersionAttribute()
    expires_at = TTLAttribute(null=True)

    by_status = ReportsByStatus()
    by_incident = ReportsByIncident()


class IncidentsByHazardCell(GlobalSecondaryIndex["Incident"]):
    """Which incidents are near: keys only (triage then reads the items strongly)."""

    class Meta:
        index_name = "by_hazard_cell"
        projection = KeysOnlyProjection()

    hazard_cell = UnicodeAttribute(hash_key=True)
    last_report_at = UnicodeAttribute(range_key=True)


class IncidentsByStatus(GlobalSecondaryIndex["Incident"]):
    class Meta:
        index_name = "by_status"
        projection = AllProjection()

    status = UnicodeAttribute(hash_key=True)
    updated_at = UnicodeAttribute(range_key=True)


class Incident(Model):
    class Meta(HavenMeta):
        table_name = table_name("incidents")

    incident_id = UnicodeAttribute(hash_key=True)
    hazard = UnicodeAttribute()
    category = UnicodeAttribute()
    hazard_cell = UnicodeAttribute()
    status = UnicodeAttribute()
    lat = NumberAttribute()
    lon = NumberAttribute()
    radius_km = NumberAttribute()
    report_count = NumberAttribute()
    feed_item_count = NumberAttribute(default=0)
    people_affected = NumberAttribute(default=0)
    severity = UnicodeAttribute()
    credibility = NumberAttribute()
    opened_at = UnicodeAttribute()
    last_report_at = UnicodeAttribute()
    updated_at = UnicodeAttribute()
    assignee = UnicodeAttribute(null=True)
    notes = JSONAttribute(default=list)
    history = JSONAttribute(default=list)
    version = VersionAttribute()

    by_hazard_cell = IncidentsByHazardCell()
    by_status = IncidentsByStatus()


class IncidentClaim(Model):
    """The incidents opened around a hazard cell (latest first) and how many openings it saw."""

    class Meta(HavenMeta):
        table_name = table_name("incident-claims")

    cell = UnicodeAttribute(hash_key=True)
    incident_ids = ListAttribute(of=UnicodeAttribute)
    sequence = NumberAttribute()
    expires_at = TTLAttribute()


# --- complaints and referrals ------------------------------------------------------------------


class ComplaintsByTracking(GlobalSecondaryIndex["Complaint"]):
    class Meta:
        index_name = "by_tracking"
        projection = AllProjection()

    tracking_hash = UnicodeAttribute(hash_key=True)


class ComplaintsByStatus(GlobalSecondaryIndex["Complaint"]):
    class Meta:
        index_name = "by_status"
        projection = AllProjection()

    status = UnicodeAttribute(hash_key=True)
    filed_at = UnicodeAttribute(range_key=True)


class Complaint(Model):
    """A worker's complaint. ``contact`` is personal data: staff only, never logged or evented."""

    class Meta(HavenMeta):
        table_name = table_name("complaints")

    complaint_id = UnicodeAttribute(hash_key=True)
    tracking_hash = UnicodeAttribute()
    status = UnicodeAttribute()
    public_status = UnicodeAttribute()
    filed_at = UnicodeAttribute()
    updated_at = UnicodeAttribute()
    recruiter = JSONAttribute()
    categories = JSONAttribute()
    description = UnicodeAttribute()
    occurred_on = UnicodeAttribute(null=True)
    fees = JSONAttribute(null=True)
    origin_country = UnicodeAttribute()
    destination_country = UnicodeAttribute()
    contact = JSONAttribute(null=True)
    anonymous = BooleanAttribute(default=False)
    consent_share_identity = BooleanAttribute(default=False)
    language = UnicodeAttribute(null=True)
    evidence = JSONAttribute(default=list)
    priority = UnicodeAttribute(null=True)
    referrals = JSONAttribute(default=list)
    close_reason = UnicodeAttribute(null=True)
    timeline = JSONAttribute(default=list)
    public_messages = JSONAttribute(default=list)
    version = VersionAttribute()

    by_tracking = ComplaintsByTracking()
    by_status = ComplaintsByStatus()


class PartnersByState(GlobalSecondaryIndex["Partner"]):
    class Meta:
        index_name = "by_state"
        projection = AllProjection()

    state = UnicodeAttribute(hash_key=True)
    name = UnicodeAttribute(range_key=True)


class Partner(Model):
    """A partner authority. ``secrets`` are webhook signing secrets: never returned after creation."""

    class Meta(HavenMeta):
        table_name = table_name("partners")

    partner_id = UnicodeAttribute(hash_key=True)
    state = UnicodeAttribute()
    name = UnicodeAttribute()
    jurisdictions = JSONAttribute()
    categories = JSONAttribute()
    webhook_url = UnicodeAttribute(null=True)
    secrets = JSONAttribute()
    contact = JSONAttribute(null=True)
    sla_days = NumberAttribute()
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute()
    version = VersionAttribute()

    by_state = PartnersByState()


class ReferralsByPartner(GlobalSecondaryIndex["Referral"]):
    class Meta:
        index_name = "by_partner"
        projection = AllProjection()

    partner_id = UnicodeAttribute(hash_key=True)
    updated_at = UnicodeAttribute(range_key=True)


class ReferralsBySla(GlobalSecondaryIndex["Referral"]):
    class Meta:
        index_name = "by_sla"
        projection = AllProjection()

    awaiting_ack = UnicodeAttribute(hash_key=True)
    sla_due_at = UnicodeAttribute(range_key=True)


class DeliveryAttempt(MapAttribute[str, object]):
    n = NumberAttribute()
    at = UnicodeAttribute()
    ok = BooleanAttribute()
    http_status = NumberAttribute(null=True)
    error = UnicodeAttribute(null=True)


class Referral(Model):
    """A complaint referred to one partner: what it was sent, every delivery attempt, its acks."""

    class Meta(HavenMeta):
        table_name = table_name("referrals")

    referral_id = UnicodeAttribute(hash_key=True)
    complaint_id = UnicodeAttribute()
    partner_id = UnicodeAttribute()
    status = UnicodeAttribute()
    delivery_state = UnicodeAttribute()
    attempts = ListAttribute(of=DeliveryAttempt, default=list)
    payload = JSONAttribute()
    acks = JSONAttribute(default=list)
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute()
    sla_due_at = UnicodeAttribute()
    awaiting_ack = UnicodeAttribute(null=True)
    escalated_at = UnicodeAttribute(null=True)
    version = VersionAttribute()

    by_partner = ReferralsByPartner()
    by_sla = ReferralsBySla()


# --- alerts ----------------------------------------------------------------------------------


class AlertsByState(GlobalSecondaryIndex["Alert"]):
    class Meta:
        index_name = "by_state"
        projection = AllProjection()

    state = UnicodeAttribute(hash_key=True)
    updated_at = UnicodeAttribute(range_key=True)


class Alert(Model):
    """An alert thread: its current CAP message and state (version-checked)."""

    class Meta(HavenMeta):
        table_name = table_name("alerts")

    alert_id = UnicodeAttribute(hash_key=True)
    state = UnicodeAttribute()  # active | cancelled
    status = UnicodeAttribute()  # CAP status: Actual, Exercise, Test, Draft
    current_message_id = UnicodeAttribute()
    references = JSONAttribute()
    summary = JSONAttribute()
    updated_at = UnicodeAttribute()
    expires = UnicodeAttribute()
    version = VersionAttribute()

    by_state = AlertsByState()


class AlertMessagesByAlert(GlobalSecondaryIndex["AlertMessage"]):
    class Meta:
        index_name = "by_alert"
        projection = AllProjection()

    alert_id = UnicodeAttribute(hash_key=True)
    sent = UnicodeAttribute(range_key=True)


class AlertMessage(Model):
    """One CAP message, immutable once written (conditional put)."""

    class Meta(HavenMeta):
        table_name = table_name("alert-messages")

    message_id = UnicodeAttribute(hash_key=True)
    alert_id = UnicodeAttribute()
    msg_type = UnicodeAttribute()
    sent = UnicodeAttribute()
    status = UnicodeAttribute()
    xml = UnicodeAttribute()
    summary = JSONAttribute()
    infos = JSONAttribute()

    by_alert = AlertMessagesByAlert()


class Subscription(Model):
    """A public alert subscription. ``sealed_address`` is encrypted; it is never returned."""

    class Meta(HavenMeta):
        table_name = table_name("subscriptions")

    subscription_id = UnicodeAttribute(hash_key=True)
    state = UnicodeAttribute()  # pending | active
    channel = UnicodeAttribute()
    sealed_address = UnicodeAttribute()
    area = JSONAttribute()
    languages = ListAttribute(of=UnicodeAttribute, default=list)
    min_severity = UnicodeAttribute()
    cells = ListAttribute(of=UnicodeAttribute, default=list)
    token_hash = UnicodeAttribute()
    code_hash = UnicodeAttribute()
    webhook_secret = UnicodeAttribute(null=True)
    created_at = UnicodeAttribute()
    audience = UnicodeAttribute(default="public")  # public | responders
    hazards = ListAttribute(of=UnicodeAttribute, default=list)
    version = VersionAttribute()
    expires_at = TTLAttribute(null=True)  # pending subscriptions lapse after a day


class SubscriptionCell(Model):
    """The subscription index: one item per H3 cell (resolution 4) covering an active area.

    ``cell`` is the cell id for public subscriptions, ``responders#<cell>`` for responders'.
    """

    class Meta(HavenMeta):
        table_name = table_name("subscription-cells")

    cell = UnicodeAttribute(hash_key=True)
    subscription_id = UnicodeAttribute(range_key=True)
    entry = JSONAttribute()


class AlertDelivery(Model):
    """One alert message to one subscriber: claimed before sending, so it is sent once."""

    class Meta(HavenMeta):
        table_name = table_name("alert-deliveries")

    message_id = UnicodeAttribute(hash_key=True)
    subscription_id = UnicodeAttribute(range_key=True)
    channel = UnicodeAttribute()
    state = UnicodeAttribute()  # sending | delivered | failed
    attempts = NumberAttribute(default=0)
    claimed_at = UnicodeAttribute()
    updated_at = UnicodeAttribute()
    provider_id = UnicodeAttribute(null=True)
    last_error = UnicodeAttribute(null=True)
    expires_at = TTLAttribute()


# --- safety: person finder (see haven.safety) ---------------------------------------------


class SafetyByEntry(GlobalSecondaryIndex["SafetyRecord"]):
    class Meta:
        index_name = "by_entry"
        projection = AllProjection()

    entry_day = UnicodeAttribute(hash_key=True)
    entry_key = UnicodeAttribute(range_key=True)


class SafetyRecord(Model):
    """Persons, their notes and the name index, in one table.

    ``kind`` says which: person (pk ``person#<id>``, sk ``person``), note (pk ``person#<id>``,
    sk ``note#<note id>``), name (pk ``name#<key>``, sk ``<person id>``, with the person's
    ``tokens``).
    """

    class Meta(HavenMeta):
        table_name = table_name("safety")

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    kind = UnicodeAttribute()
    data = JSONAttribute(null=True)
    tokens = ListAttribute(of=UnicodeAttribute, null=True)
    latest_status = UnicodeAttribute(null=True)
    entry_day = UnicodeAttribute(null=True)
    entry_key = UnicodeAttribute(null=True)
    expires_at = TTLAttribute()

    by_entry = SafetyByEntry()


# --- evidence: displacement aggregates (see haven.evidence) ---------------------------------


class EvidenceRecord(Model):
    """Displacement counters and the contribution of each incident to them.

    cell: pk ``month#<YYYY-MM>``, sk ``<hazard>#<country>``, with ``incidents``, ``reports``,
    ``people_displaced``. contribution: pk ``incident#<id>``, sk ``contribution``, with the
    incident ``version`` last applied and what it added (``contribution``).
    """

    class Meta(HavenMeta):
        table_name = table_name("evidence")

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    incidents = NumberAttribute(null=True)
    reports = NumberAttribute(null=True)
    people_displaced = NumberAttribute(null=True)
    version = NumberAttribute(null=True)
    contribution = JSONAttribute(null=True)


# --- recruitment integrity: accreditation and the public roster -------------------------------


class ApplicationsByOrg(GlobalSecondaryIndex["AccreditationApplication"]):
    class Meta:
        index_name = "by_org"
        projection = AllProjection()

    org_id = UnicodeAttribute(hash_key=True)
    created_at = UnicodeAttribute(range_key=True)


class ApplicationsByState(GlobalSecondaryIndex["AccreditationApplication"]):
    class Meta:
        index_name = "by_state"
        projection = AllProjection()

    state = UnicodeAttribute(hash_key=True)
    updated_at = UnicodeAttribute(range_key=True)


class ApplicationsByDue(GlobalSecondaryIndex["AccreditationApplication"]):
    class Meta:
        index_name = "by_due"
        projection = AllProjection()

    state = UnicodeAttribute(hash_key=True)
    due_at = UnicodeAttribute(range_key=True)


class AccreditationApplication(Model):
    """A recruiter's application and, once accredited, its accreditation."""

    class Meta(HavenMeta):
        table_name = table_name("accreditation")

    application_id = UnicodeAttribute(hash_key=True)
    org_id = UnicodeAttribute()
    state = UnicodeAttribute()
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute()
    organisation = JSONAttribute(null=True)
    attestations = JSONAttribute(default=dict)
    questionnaire = JSONAttribute(default=dict)
    documents = JSONAttribute(default=list)
    submitted_at = UnicodeAttribute(null=True)
    deferred_at = UnicodeAttribute(null=True)
    audit = JSONAttribute(null=True)
    valid_from = UnicodeAttribute(null=True)
    valid_until = UnicodeAttribute(null=True)
    suspended_until = UnicodeAttribute(null=True)
    compliance_reviews = JSONAttribute(default=list)
    due_at = UnicodeAttribute(null=True)
    version = VersionAttribute()

    by_org = ApplicationsByOrg()
    by_state = ApplicationsByState()
    by_due = ApplicationsByDue()


class AccreditationAuditEntry(Model):
    """One transition of an application. Append-only: written once, conditionally, never updated."""

    class Meta(HavenMeta):
        table_name = table_name("accreditation-audit")

    application_id = UnicodeAttribute(hash_key=True)
    seq = NumberAttribute(range_key=True)
    at = UnicodeAttribute()
    actor = UnicodeAttribute()
    role = UnicodeAttribute()
    action = UnicodeAttribute()
    reason = UnicodeAttribute()
    before = JSONAttribute()
    after = JSONAttribute()


class RosterByTerm(GlobalSecondaryIndex["RosterItem"]):
    class Meta:
        index_name = "by_term"
        projection = AllProjection()

    term = UnicodeAttribute(hash_key=True)
    term_sort = UnicodeAttribute(range_key=True)


class RosterItem(Model):
    """The public roster. ``recruiter#<id>``/``profile``: a recruiter; ``recruiter#<id>``/
    ``term#<term>``: its search entries; ``licence#<CC>#<number>``/``licence``: verification."""

    class Meta(HavenMeta):
        table_name = table_name("roster")

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    term = UnicodeAttribute(null=True)
    term_sort = UnicodeAttribute(null=True)
    recruiter_id = UnicodeAttribute()
    application_id = UnicodeAttribute()
    entry = JSONAttribute()

    by_term = RosterByTerm()


# --- feed polling (see haven.feeds) -----------------------------------------------------------


class FeedSourcesBySchedule(GlobalSecondaryIndex["FeedSource"]):
    class Meta:
        index_name = "by_schedule"
        projection = AllProjection()

    schedule = UnicodeAttribute(hash_key=True)
    next_poll_at = UnicodeAttribute(range_key=True)


class FeedSource(Model):
    """A polled feed: its settings, cursor, health and reports not yet known to be queued."""

    class Meta(HavenMeta):
        table_name = table_name("feed-sources")

    source_id = UnicodeAttribute(hash_key=True)
    schedule = UnicodeAttribute()  # enabled | disabled
    next_poll_at = UnicodeAttribute()
    settings = JSONAttribute()
    cursor = UnicodeAttribute(null=True)
    health = JSONAttribute()
    pending_reports = JSONAttribute(default=list)
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute()
    version = VersionAttribute()

    by_schedule = FeedSourcesBySchedule()


class FeedItem(Model):
    """One item of a feed, deduplicated on (source, native id); a revision overwrites it."""

    class Meta(HavenMeta):
        table_name = table_name("feed-items")

    source_id = UnicodeAttribute(hash_key=True)
    native_id = UnicodeAttribute(range_key=True)
    updated_at = UnicodeAttribute()
    text = UnicodeAttribute()
    lat = NumberAttribute(null=True)
    lon = NumberAttribute(null=True)
    relevance = UnicodeAttribute()
    report_id = UnicodeAttribute(null=True)
    link = UnicodeAttribute(null=True)
    expires_at = TTLAttribute()


class ChannelRecord(Model):
    """One record of the text channels (see the access patterns above): a dialogue, a sender's
    subscriptions, or a provider's message claimed once. ``sealed`` is encrypted."""

    class Meta(HavenMeta):
        table_name = table_name("conversations")

    key = UnicodeAttribute(hash_key=True)
    sealed = UnicodeAttribute(null=True)
    state = UnicodeAttribute(null=True)  # messages: claimed | replying | sent
    claimed_at = UnicodeAttribute(null=True)
    #: Dialogues: until when one run answers this sender (the others wait their turn).
    lease_until = UnicodeAttribute(null=True)
    expires_at = TTLAttribute()


MODELS: dict[str, type[Model]] = {
    "accreditation": AccreditationApplication,
    "accreditation-audit": AccreditationAuditEntry,
    "roster": RosterItem,
    "alerts": Alert,
    "alert-messages": AlertMessage,
    "subscriptions": Subscription,
    "subscription-cells": SubscriptionCell,
    "alert-deliveries": AlertDelivery,
    "idempotency": IdempotencyRecord,
    "rate-limits": RateWindow,
    "reports": Report,
    "incidents": Incident,
    "incident-claims": IncidentClaim,
    "complaints": Complaint,
    "partners": Partner,
    "referrals": Referral,
    "safety": SafetyRecord,
    "evidence": EvidenceRecord,
    "feed-sources": FeedSource,
    "feed-items": FeedItem,
    "conversations": ChannelRecord,
}
