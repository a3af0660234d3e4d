"""The one source of truth for Haven's AWS resources.

The CDK app (``infra/``) and the local runtime (``local/``) both build every table, queue,
bucket, bus rule, schedule and function from these definitions, so that local mode has exactly
the resources of a deployment. Functions find the physical names through the environment
variables named here (see :mod:`haven.adapters.names`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

BUS_NAME_ENV = "HAVEN_EVENT_BUS"
TABLE_PREFIX_ENV = "HAVEN_TABLE_PREFIX"


def queue_env(name: str) -> str:
    return "HAVEN_QUEUE_" + name.upper().replace("-", "_")


def bucket_env(name: str) -> str:
    return "HAVEN_BUCKET_" + name.upper().replace("-", "_")


@dataclass(frozen=True)
class Queue:
    name: str
    #: The function that consumes it (an SQS event source with partial batch failures).
    consumer: str
    batch_size: int = 10
    max_receive_count: int = 5
    visibility_timeout_s: int = 180
    batching_window_s: int = 0
    retention_days: int = 4


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
class Schedule:
    name: str
    every_minutes: int
    function: str


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
    puts_events: bool = False
    env: dict[str, str] = field(default_factory=dict)

    @property
    def module(self) -> str:
        """The handler's import path from the repository root (local runtime, tests)."""
        return self.path.replace("/", ".") + "." + self.handler.rsplit(".", 1)[0]

    @property
    def attribute(self) -> str:
        return self.handler.rsplit(".", 1)[1]


# --- the catalog ------------------------------------------------------------------------------

#: Logical table names; the keys and indexes are the PynamoDB models' (see ``table_models``).
TABLES: tuple[str, ...] = ("idempotency", "reports", "incidents")

BUCKETS: tuple[Bucket, ...] = (
    Bucket("media", expire_days=90, accepts_uploads=True),
    Bucket("exports", expire_days=30),
)

QUEUES: tuple[Queue, ...] = (Queue("report-intake", consumer="triage", batch_size=10, max_receive_count=5),)

RULES: tuple[Rule, ...] = ()

SCHEDULES: tuple[Schedule, ...] = ()

FUNCTIONS: tuple[Function, ...] = (
    Function(
        "api",
        path="functions/api",
        handler="app.handler",
        description="REST API (Chalice app): every public, ops, admin and partner route",
        timeout_s=29,
        memory_mb=1024,
        reads=("idempotency", "reports", "incidents"),
        writes=("idempotency", "reports", "incidents"),
        sends_to=("report-intake",),
        reads_buckets=("media",),
        writes_buckets=("media",),
        puts_events=True,
    ),
    Function(
        "triage",
        path="functions/triage",
        handler="handler.handler",
        description="Classifies, scores and clusters reports into incidents",
        timeout_s=30,
        reads=("reports", "incidents"),
        writes=("reports", "incidents"),
        puts_events=True,
    ),
)


def function(name: str) -> Function:
    for f in FUNCTIONS:
        if f.name == name:
            return f
    raise KeyError(name)


def queue(name: str) -> Queue:
    for q in QUEUES:
        if q.name == name:
            return q
    raise KeyError(name)


def table_models() -> dict[str, type]:
    """Logical table name → PynamoDB model (imported lazily: only infra and tooling need it)."""
    from haven.adapters.dynamo import models

    return {name: models.MODELS[name] for name in TABLES}
