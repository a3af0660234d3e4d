"""How a resource's physical name reaches a function: the environment variables and name
patterns of :mod:`haven.resources`.

Apart from the catalog so that a function, which looks its resources up by these names
(:mod:`haven.adapters.names`), does not build the catalog at its cold start.
"""

from __future__ import annotations

BUS_NAME_ENV = "HAVEN_EVENT_BUS"
TABLE_PREFIX_ENV = "HAVEN_TABLE_PREFIX"


def stage_prefix(stage: str) -> str:
    """Prefix of every physical name of a stage: ``haven-<stage>`` (``HAVEN_TABLE_PREFIX``)."""
    return f"haven-{stage}"


def queue_name(prefix: str, queue: str) -> str:
    return f"{prefix}-{queue}"


def dead_letter_queue_name(prefix: str, queue: str) -> str:
    return f"{prefix}-{queue}-dlq"


def queue_env(name: str) -> str:
    return "HAVEN_QUEUE_" + name.upper().replace("-", "_")


def bucket_env(name: str) -> str:
    return "HAVEN_BUCKET_" + name.upper().replace("-", "_")
