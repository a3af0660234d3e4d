"""The events Haven publishes on its bus: one port, one envelope, one typed detail per event.

A use case builds the detail of what happened (a dataclass of this package, one module per
publishing domain: :mod:`haven.events.crisis`, ``.alerts``, ``.complaints``, ``.recruitment``,
``.uploads``) and hands it to its
:class:`EventSink`; the adapter (:mod:`haven.adapters.events`) wraps it in the EventBridge
envelope, ``source`` ``haven.<domain>`` and ``detail-type`` from the class, and consumers parse
the envelope back into the same class. Every detail carries ``id`` (the entity it is about),
``occurred_at`` and ``schema_version``; ``events/schemas/<detail-type>.json`` documents each one
and a test keeps the schema and the class in agreement (ADR 0042).

Plain dataclasses, not pydantic models: building and publishing an event needs no validation
library, and a worker's import loads none (the consumers' parser models are made at their
first batch). Without generated ``__eq__``, ``__repr__`` or frozen ``__setattr__``: each generated
method is compiled when the module is imported, and every worker imports this one (frozen with
equality and repr, these classes cost 17 ms of import; so, 6 ms). Nothing compares events or
changes one once built: a use case builds one and publishes it. One module per domain, so that a
worker loads the details of its own domain only (ADR 0049); :func:`catalog` loads them all.
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import asdict, dataclass
from typing import Any, ClassVar, Literal, Protocol

#: detail-type → its detail class: every concrete event loaded so far (filled as the classes are
#: defined; :func:`catalog` loads every module first).
CATALOG: dict[str, type[Event]] = {}


@dataclass(kw_only=True, eq=False, repr=False)
class Event:
    """What every detail carries. A concrete event sets ``detail_type`` and ``domain``."""

    detail_type: ClassVar[str]
    #: The publishing domain: the envelope's ``source`` is ``haven.<domain>``.
    domain: ClassVar[str]

    id: str
    occurred_at: str
    schema_version: Literal["1"] = "1"

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "detail_type" in cls.__dict__:
            CATALOG[cls.detail_type] = cls

    @classmethod
    def detail_types(cls) -> tuple[str, ...]:
        """The detail-types this class stands for: its own, or those of its subclasses."""
        return tuple(name for name, kind in CATALOG.items() if issubclass(kind, cls))

    def detail(self) -> dict[str, Any]:
        """The envelope's ``detail``: the fields in their declared order."""
        return asdict(self)


class EventSink(Protocol):
    """Where the domain publishes its events (EventBridge in AWS, a list in unit tests)."""

    def publish(self, event: Event) -> None: ...


def catalog() -> dict[str, type[Event]]:
    """Every detail-type and its class: each domain's module of this package imported first."""
    for module in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{module.name}")
    return dict(CATALOG)
