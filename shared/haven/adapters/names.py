"""Physical names of the resources this function may use, from the environment.

The CDK app and the local runtime set one variable per resource a function is granted (see
:mod:`haven.resources`); a missing one is a configuration error, reported by name.
"""

from __future__ import annotations

import os

from haven.resource_names import BUS_NAME_ENV, TABLE_PREFIX_ENV, bucket_env, queue_env


class MissingResource(RuntimeError):
    pass


def _env(name: str) -> str:
    value = os.environ.get(name)
    if not value:
        raise MissingResource(f"environment variable {name} is not set for this function")
    return value


def queue_url(queue: str) -> str:
    return _env(queue_env(queue))


def bucket(name: str) -> str:
    return _env(bucket_env(name))


def event_bus() -> str:
    return _env(BUS_NAME_ENV)


def secret_name(name: str) -> str:
    """The stage's secret ``name`` (``feeds/x`` → ``haven-<stage>/feeds/x``): each stage reads
    only its own secrets (resources.Function.reads_secrets)."""
    return f"{_env(TABLE_PREFIX_ENV)}/{name}"
