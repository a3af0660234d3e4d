"""The one source of truth for Haven's AWS resources.

The CDK app (``infra/``) and the local runtime (``local/``) both build every table, queue,
bucket, bus rule, schedule and function from these definitions, so that local mode has exactly
the resources of a deployment. Functions find the physical names through the environment
variables named here (see :mod:`haven.adapters.names`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

from haven.queue_catalog import QUEUES as QUEUES
from haven.queue_catalog import Queue as Queue
from haven.queue_catalog import queue as queue
from haven.resource_names import BUS_NAME_ENV as BUS_NAME_ENV
from haven.resource_names import TABLE_PREFIX_ENV as TABLE_PREFIX_ENV
from haven.resource_names import bucket_env as bucket_env
from haven.resource_names import dead_letter_queue_name as dead_letter_queue_name
from haven.resource_names import queue_env as queue_env
from haven.resource_names import queue_name as queue_name
from haven.resource_names import stage_prefix as stage_prefix


@dataclass(frozen=True)
class Bucket:
    name: str
    #: Customer-managed KMS key (complaint evidence) instead of S3-managed keys.
    kms: bool = False
    #: Objects expire after this many days (personal data, raw snapshots).
    expire_days: int | None = None
    #: Browsers and apps upload with presigned PUT/POST.
    accepts_uploads: bool = False


@dataclass(frozen=True)
class Rule:
    """An EventBridge rule on the ``haven`` bus that routes events to a queue."""

    name: str
    detail_types: tuple[str, ...]
    target_queue: str


@dataclass(frozen=True)
class StorageRule:
    """An EventBridge rule on the account's default bus, where S3 sends the events of buckets with
    EventBridge notifications: objects created in ``buckets`` are routed to a queue. The buckets
    it names are the ones that get those notifications."""

    name: str
    buckets: tuple[str, ...]
    target_queue: str

    #: What S3 puts in ``source`` and ``detail-type`` of the events it sends to EventBridge.
    SOURCE: ClassVar[str] = "aws.s3"
    DETAIL_TYPE: ClassVar[str] = "Object Created"


@dataclass(frozen=True)
class Schedule:
    name: str
    every_minutes: int
    function: str


#: The channels of haven.notifications.Message that a function may be granted.
NOTIFICATION_CHANNELS: tuple[str, ...] = ("sms", "push", "email")


@dataclass(frozen=True)
class Function:
    name: str
    #: Folder under the repository root; it becomes the function's code asset.
    path: str
    handler: str
    description: str
    timeout_s: int = 30
    memory_mb: int = 512
    reads: tuple[str, ...] = ()
    writes: tuple[str, ...] = ()
    sends_to: tuple[str, ...] = ()
    reads_buckets: tuple[str, ...] = ()
    writes_buckets: tuple[str, ...] = ()
    deletes_buckets: tuple[str, ...] = ()
    #: The notification channels it sends on (haven.adapters.notifier): ``sms`` and ``push``
    #: through SNS, ``email`` through SES. Each channel is a grant of its own.
    notifies: tuple[str, ...] = ()
    #: Loads the stage's signing key (cursors, tokens, sealed secrets: haven.adapters.secrets).
    reads_signing_key: bool = False
    #: Creates sign-in identities in the user pool (haven.adapters.logins).
    provisions_logins: bool = False
    puts_events: bool = False
    #: Secrets Manager name prefixes it reads (``"feeds/"``), under the stage's own prefix:
    #: ``haven-<stage>/feeds/*`` (haven.adapters.names.secret_name).
    reads_secrets: tuple[str, ...] = ()
    #: Secrets Manager name prefixes whose secrets it checks exist (DescribeSecret, never the
    #: value), under the stage's own prefix like ``reads_secrets``.
    describes_secrets: tuple[str, ...] = ()
    #: The text channels it replies on: ``sms`` (End User Messaging SMS ``SendTextMessage``)
    #: and ``whatsapp`` (End User Messaging Social ``SendWhatsAppMessage``).
    replies: tuple[str, ...] = ()
    env: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        unknown = set(self.notifies) - set(NOTIFICATION_CHANNELS)
        if unknown:
            raise ValueError(f"function {self.name}: unknown notification channels {sorted(unknown)}")

    @property
    def module(self) -> str:
        """The handler's import path from the repository root (local runtime, tests)."""
        return self.path.replace("/", ".") + "." + self.handler.rsplit(".", 1)[0]

    @property
    def attribute(self) -> str:
        return self.handler.rsplit(".", 1)[1]


# --- the catalog ------------------------------------------------------------------------------

#: Logical table names; the keys and indexes are the PynamoDB models' (see ``table_models``).
TABLES: tuple[str, ...] = (
    "idempotency",
    "rate-limits",
    "reports",
    "incidents",
    "incident-claims",
    "alerts",
    "alert-messages",
    "subscriptions",
    "subscription-cells",
    "alert-deliveries",
    "complaints",
    "partners",
    "referrals",
    "safety",
    "evidence",
    "accreditation",
    "accreditation-audit",
    "roster",
    "feed-sources",
    "feed-items",
    "conversations",
)

BUCKETS: tuple[Bucket, ...] = (
    Bucket("media", expire_days=90, accepts_uploads=True),
    Bucket("exports", expire_days=30),
    # Photos of person records: deleted by the safety sweep when their record expires; the
    # lifecycle rule is a backstop beyond the longest retention a deployment may set.
    Bucket("safety-photos", expire_days=400, accepts_uploads=True),
    Bucket("complaint-evidence", kms=True, accepts_uploads=True),
    # Accreditation documents (licences, contracts, fee policies): kept for the audit trail.
    Bucket("evidence", kms=True, accepts_uploads=True),
    # Raw feed payloads as fetched: kept briefly to debug connectors and replay a poll.
    Bucket("feed-raw", expire_days=14),
)

#: The buckets browsers and apps upload to: every object they receive is screened.
UPLOAD_BUCKETS: tuple[str, ...] = tuple(b.name for b in BUCKETS if b.accepts_uploads)


@dataclass(frozen=True)
class Topic:
    """An SNS topic an AWS service publishes to, delivered to a queue (raw delivery off: each
    SQS body is SNS's notification envelope)."""

    name: str
    #: The service principal allowed to publish to it.
    publisher: str
    target_queue: str
    description: str


TOPICS: tuple[Topic, ...] = (
    Topic(
        "inbound-sms",
        publisher="sms-voice.amazonaws.com",
        target_queue="message-intake",
        description="Two-way SMS of the origination number (AWS End User Messaging SMS)",
    ),
    Topic(
        "inbound-whatsapp",
        publisher="social-messaging.amazonaws.com",
        target_queue="message-intake",
        description="WhatsApp events of the business account (AWS End User Messaging Social)",
    ),
)

RULES: tuple[Rule, ...] = (
    Rule(
        "responder-alerts",
        detail_types=("incident.opened", "incident.updated"),
        target_queue="incident-alerts",
    ),
    Rule(
        "alert-messages",
        detail_types=("alert.issued", "alert.updated", "alert.cancelled"),
        target_queue="alert-fanout",
    ),
    Rule(
        "displacement-evidence",
        detail_types=("incident.opened", "incident.updated"),
        target_queue="displacement-aggregation",
    ),
    Rule("complaint-referred", detail_types=("complaint.referred",), target_queue="referral-delivery"),
    Rule("compliance-reviews", detail_types=("complaint.resolved",), target_queue="compliance-reviews"),
)

STORAGE_RULES: tuple[StorageRule, ...] = (
    StorageRule("upload-screening", buckets=UPLOAD_BUCKETS, target_queue="upload-screening"),
)

SCHEDULES: tuple[Schedule, ...] = (
    Schedule("safety-photo-sweep", every_minutes=60, function="safety-sweep"),
    Schedule("referral-escalation", every_minutes=60, function="referral-escalation"),
    Schedule("accreditation-jobs", every_minutes=60, function="accreditation-jobs"),
    Schedule("feed-schedule", every_minutes=2, function="feed-scheduler"),
)

FUNCTIONS: tuple[Function, ...] = (
    Function(
        "api",
        path="functions/api",
        handler="app.handler",
        description="REST API (Chalice app): every public, ops, admin and partner route",
        timeout_s=29,
        memory_mb=1024,
        reads=(
            "idempotency",
            "reports",
            "incidents",
            "alerts",
            "alert-messages",
            "subscriptions",
            "alert-deliveries",
            "complaints",
            "partners",
            "referrals",
            "safety",
            "evidence",
            "accreditation",
            "accreditation-audit",
            "roster",
            "feed-sources",
            "conversations",
        ),
        writes=(
            "idempotency",
            "rate-limits",
            "reports",
            "incidents",
            "alerts",
            "alert-messages",
            "subscriptions",
            "subscription-cells",
            "complaints",
            "partners",
            "referrals",
            "safety",
            "accreditation",
            "accreditation-audit",
            "roster",
            "feed-sources",
            "conversations",
        ),
        sends_to=("report-intake", "feed-poll", "subscription-confirmation"),
        reads_buckets=("media", "complaint-evidence", "safety-photos", "evidence"),
        writes_buckets=("media", "complaint-evidence", "safety-photos", "evidence"),
        deletes_buckets=("safety-photos",),
        puts_events=True,
        notifies=("email",),  # accreditation notices; subscription codes go through a queue
        reads_signing_key=True,
        provisions_logins=True,
        describes_secrets=("feeds/",),
        reads_secrets=("channels/",),  # the Twilio auth token (POST /v1/channels/twilio/sms)
    ),
    Function(
        "triage",
        path="functions/triage",
        handler="handler.handler",
        description="Classifies, scores and clusters reports into incidents",
        timeout_s=30,
        reads=("reports", "incidents", "incident-claims"),
        writes=("reports", "incidents", "incident-claims"),
        puts_events=True,
    ),
    Function(
        "alert-fanout",
        path="functions/alert_fanout",
        handler="handler.handler",
        description="Finds the subscribers of an alert message by H3 cell and queues one delivery each",
        timeout_s=60,
        reads=("alert-messages", "subscription-cells"),
        sends_to=("alert-delivery",),
    ),
    Function(
        "responder-alerts",
        path="functions/responder_alerts",
        handler="handler.handler",
        description="Notifies responders subscribed to the area and hazard of a severe incident",
        timeout_s=60,
        reads=("subscription-cells", "subscriptions", "alert-deliveries"),
        writes=("alert-deliveries",),
        notifies=NOTIFICATION_CHANNELS,
        reads_signing_key=True,
    ),
    Function(
        "alert-delivery",
        path="functions/alert_delivery",
        handler="handler.handler",
        description="Delivers an alert message to one subscriber (SMS, e-mail, push or signed webhook), once",
        timeout_s=30,
        reads=("alert-messages", "subscriptions", "alert-deliveries"),
        writes=("alert-deliveries",),
        notifies=NOTIFICATION_CHANNELS,
        reads_signing_key=True,
    ),
    Function(
        "subscription-confirmation",
        path="functions/subscription_confirmation",
        handler="handler.handler",
        description="Sends a new subscription its confirmation code (SMS, e-mail, push or webhook), once",
        timeout_s=30,
        reads=("subscriptions", "alert-deliveries"),
        writes=("alert-deliveries",),
        notifies=NOTIFICATION_CHANNELS,
        reads_signing_key=True,
    ),
    Function(
        "referral-delivery",
        path="functions/referral_delivery",
        handler="handler.handler",
        description="Delivers referred complaints to partner webhooks (signed CloudEvents)",
        timeout_s=60,
        reads=("referrals", "partners"),
        writes=("referrals",),
    ),
    Function(
        "referral-escalation",
        path="functions/referral_escalation",
        handler="handler.handler",
        description="Escalates referrals not acknowledged within their SLA",
        timeout_s=60,
        reads=("referrals", "complaints"),
        writes=("referrals", "complaints"),
        puts_events=True,
        notifies=("email",),
    ),
    Function(
        "safety-sweep",
        path="functions/safety_sweep",
        handler="handler.handler",
        description="Deletes the photos of expired person records (the records expire by TTL)",
        timeout_s=120,
        reads_buckets=("safety-photos",),
        deletes_buckets=("safety-photos",),
    ),
    Function(
        "evidence-aggregator",
        path="functions/evidence_aggregator",
        handler="handler.handler",
        description="Keeps the displacement evidence counters up to date from incident events",
        timeout_s=30,
        reads=("evidence",),
        writes=("evidence",),
    ),
    Function(
        "accreditation-jobs",
        path="functions/accreditation_jobs",
        handler="handler.handler",
        description="Renewal notices, expiry, lapse of deferrals and end of suspensions (idempotent)",
        timeout_s=300,
        reads=("accreditation", "accreditation-audit", "roster"),
        writes=("accreditation", "accreditation-audit", "roster"),
        puts_events=True,
        notifies=("email",),
    ),
    Function(
        "compliance-reviews",
        path="functions/compliance_reviews",
        handler="handler.handler",
        description="Opens a compliance review on an accreditation per complaint substantiated against it",
        timeout_s=60,
        reads=("roster", "accreditation"),
        writes=("accreditation", "accreditation-audit"),
    ),
    Function(
        "feed-scheduler",
        path="functions/feed_scheduler",
        handler="handler.handler",
        description="Queues a poll of every enabled feed source that is due (idempotent)",
        timeout_s=60,
        reads=("feed-sources",),
        writes=("feed-sources",),
        sends_to=("feed-poll",),
    ),
    Function(
        "feed-poller",
        path="functions/feed_poller",
        handler="handler.handler",
        description="Polls one feed source: fetch, parse, dedupe, relevant items to triage as reports",
        timeout_s=300,
        reads=("feed-sources", "feed-items"),
        writes=("feed-sources", "feed-items", "reports"),
        sends_to=("report-intake",),
        writes_buckets=("feed-raw",),
        reads_secrets=("feeds/",),
    ),
    Function(
        "message-intake",
        path="functions/message_intake",
        handler="handler.handler",
        description="Answers SMS and WhatsApp messages: report, safe, find, status, complain, alerts",
        timeout_s=30,
        reads=(
            "conversations",
            "reports",
            "incidents",
            "safety",
            "complaints",
            "roster",
            "subscriptions",
        ),
        writes=(
            "conversations",
            "rate-limits",
            "reports",
            "safety",
            "complaints",
            "subscriptions",
            "subscription-cells",
        ),
        sends_to=("report-intake", "subscription-confirmation"),
        puts_events=True,
        reads_signing_key=True,
        replies=("sms", "whatsapp"),
    ),
    Function(
        "upload-screening",
        path="functions/upload_screening",
        handler="handler.handler",
        description="Deletes uploads whose size, type or first bytes break their bucket's policy",
        timeout_s=30,
        reads_buckets=UPLOAD_BUCKETS,
        deletes_buckets=UPLOAD_BUCKETS,
        puts_events=True,
    ),
)


def notifying_buckets() -> frozenset[str]:
    """The buckets that send their object events to EventBridge: those a storage rule names."""
    return frozenset(name for rule in STORAGE_RULES for name in rule.buckets)


def function(name: str) -> Function:
    for f in FUNCTIONS:
        if f.name == name:
            return f
    raise KeyError(name)


def table_models() -> dict[str, type]:
    """Logical table name → PynamoDB model (imported lazily: only infra and tooling need it)."""
    from haven.adapters.dynamo import models

    every = models.all_models()
    return {name: every[name] for name in TABLES}
