"""The environment of local mode: where state lives and what the functions are told."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from haven import resources
from haven.resources import BUCKETS, BUS_NAME_ENV, QUEUES, TABLE_PREFIX_ENV, bucket_env, queue_env

REPO = Path(__file__).resolve().parent.parent
ACCOUNT = "123456789012"
REGION = "eu-west-1"
STAGE = "local"
PREFIX = resources.stage_prefix(STAGE)
ISSUER = "haven-local"
AUDIENCE = "haven"


def state_dir() -> Path:
    path = Path(os.environ.get("HAVEN_STATE_DIR", REPO / ".local-state"))
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    path.chmod(0o700)  # its files hold reports, contacts and keys: the owner's only
    return path


def _persistent_secret(name: str) -> str:
    path = state_dir() / name
    if not path.exists():
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


def endpoint_path() -> Path:
    """Where a running local platform writes its embedded AWS's endpoint (make redrive)."""
    return state_dir() / "aws-endpoint"


def running_aws_endpoint() -> str | None:
    path = endpoint_path()
    return path.read_text().strip() if path.exists() else None


def outbox_path() -> Path:
    return state_dir() / "outbox.jsonl"


def queue_name(logical: str) -> str:
    return resources.queue_name(PREFIX, logical)


def dlq_name(logical: str) -> str:
    return resources.dead_letter_queue_name(PREFIX, logical)


def bucket_name(logical: str) -> str:
    return f"{PREFIX}-{logical}"


def topic_name(logical: str) -> str:
    return f"{PREFIX}-{logical}"


def topic_arn(logical: str) -> str:
    return f"arn:aws:sns:{REGION}:{ACCOUNT}:{topic_name(logical)}"


def bus_name() -> str:
    return f"haven-{STAGE}"


def function_environment(aws_endpoint: str) -> dict[str, str]:
    """What every in-process function sees, as a Lambda would see its configuration."""
    from local import tokens

    env = {
        "HAVEN_MODE": "local",
        "HAVEN_STAGE": STAGE,
        TABLE_PREFIX_ENV: PREFIX,
        BUS_NAME_ENV: bus_name(),
        "HAVEN_AUTH_ISSUER": ISSUER,
        "HAVEN_AUTH_AUDIENCE": AUDIENCE,
        "HAVEN_AUTH_JWKS_FILE": str(tokens.jwks_path()),
        "HAVEN_SIGNING_KEY": _persistent_secret("signing-key"),
        "AWS_ENDPOINT_URL": aws_endpoint,
        "AWS_ACCESS_KEY_ID": "local",
        "AWS_SECRET_ACCESS_KEY": "local",
        "AWS_REGION": REGION,
        "AWS_DEFAULT_REGION": REGION,
        "HAVEN_OUTBOX_FILE": str(outbox_path()),
        "POWERTOOLS_TRACE_DISABLED": "true",
        "POWERTOOLS_METRICS_DISABLED": "true",
        "POWERTOOLS_LOG_LEVEL": os.environ.get("HAVEN_LOG_LEVEL", "WARNING"),
    }
    for q in QUEUES:
        env[queue_env(q.name)] = f"{aws_endpoint}/{ACCOUNT}/{queue_name(q.name)}"
    for b in BUCKETS:
        env[bucket_env(b.name)] = bucket_name(b.name)
    return env
