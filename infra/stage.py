"""What differs between stages (``dev``, ``prod``, ...), and the physical names they share."""

from __future__ import annotations

import re
from dataclasses import dataclass

from aws_cdk import RemovalPolicy
from aws_cdk import aws_logs as logs

from haven import resources

_STAGE = re.compile(r"^[a-z][a-z0-9-]{0,19}$")

#: Stages that hold real people's data: deletion protection on, logs kept longer.
PRODUCTION_STAGES = frozenset({"prod"})


@dataclass(frozen=True)
class StageConfig:
    name: str
    #: API Gateway stage throttling: steady requests per second and burst.
    throttle_rate: float
    throttle_burst: int
    #: Stricter throttling of public writes and secret lookups (anyone can send them).
    public_write_rate: float
    public_write_burst: int
    #: Requests one address may send in five minutes before the web ACL answers 429 (generous:
    #: in a disaster many people share one carrier-NAT address).
    requests_per_address_per_5_minutes: int
    log_retention: logs.RetentionDays
    #: Protects tables and the user pool from deletion (and the stack from termination).
    protect_data: bool

    @classmethod
    def for_stage(cls, name: str) -> StageConfig:
        if not _STAGE.match(name):
            raise ValueError(f"stage {name!r} must match {_STAGE.pattern} (see haven.config)")
        if name in PRODUCTION_STAGES:
            return cls(
                name=name,
                throttle_rate=200,
                throttle_burst=400,
                public_write_rate=50,
                public_write_burst=100,
                requests_per_address_per_5_minutes=6_000,
                log_retention=logs.RetentionDays.THREE_MONTHS,
                protect_data=True,
            )
        return cls(
            name=name,
            throttle_rate=20,
            throttle_burst=40,
            public_write_rate=5,
            public_write_burst=10,
            requests_per_address_per_5_minutes=1_500,
            log_retention=logs.RetentionDays.TWO_WEEKS,
            protect_data=False,
        )

    @property
    def prefix(self) -> str:
        """Prefix of every physical name: ``haven-<stage>`` (also ``HAVEN_TABLE_PREFIX``)."""
        return resources.stage_prefix(self.name)

    def physical_name(self, logical: str) -> str:
        return f"{self.prefix}-{logical}"

    @property
    def log_removal_policy(self) -> RemovalPolicy:
        return RemovalPolicy.RETAIN if self.protect_data else RemovalPolicy.DESTROY


def pascal(name: str) -> str:
    """``report-intake`` → ``ReportIntake``: construct ids from catalog names."""
    return "".join(part.capitalize() for part in re.split(r"[-_\s]+", name) if part)
