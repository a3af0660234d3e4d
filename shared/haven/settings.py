"""The settings, validated at their first use instead of at import.

:mod:`haven.config` builds a pydantic-settings model; importing it loads pydantic, which in a
worker nothing else needs at import (ADR 0039). Handlers and adapters import :func:`get_settings`
or :data:`settings` from here: the first attribute read validates the environment through
:func:`haven.config.get_settings` (cached there, so ``cache_clear`` there still re-reads it).
A malformed variable fails the first invocation with the same validation error.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from haven.config import Settings


def get_settings() -> Settings:
    from haven.config import get_settings as validated

    return validated()


class _Settings:
    """Reads through to the current settings; each attribute as :class:`Settings` has it."""

    def __getattr__(self, name: str) -> Any:
        return getattr(get_settings(), name)

    def __repr__(self) -> str:
        return "<settings read at first use>"


if TYPE_CHECKING:
    settings: Settings
else:
    settings = _Settings()
