"""Who is calling, and what they may do.

The API adapter verifies the bearer token (see ``haven.adapters.tokens``) and hands the domain
a :class:`Principal`. Use cases state the roles they need with :func:`require`.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from haven.errors import Forbidden, Unauthenticated


class Role(StrEnum):
    RESPONDER = "responder"
    AUDITOR = "auditor"
    ADMIN = "admin"
    RECRUITER = "recruiter"
    PARTNER = "partner"


STAFF_ROLES = frozenset({Role.RESPONDER, Role.AUDITOR, Role.ADMIN})


@dataclass(frozen=True)
class Principal:
    """An authenticated caller. ``subject`` is an opaque id, never an e-mail or a name."""

    subject: str
    roles: frozenset[Role]
    org_id: str | None = None
    partner_id: str | None = None

    def has(self, *roles: Role) -> bool:
        # admin may do everything staff can do; it does not act as a recruiter or a partner.
        if Role.ADMIN in self.roles and any(r in STAFF_ROLES for r in roles):
            return True
        return any(r in self.roles for r in roles)


def require(principal: Principal | None, *roles: Role) -> Principal:
    """The principal, if it holds one of ``roles``; 401 without a token, 403 without the role."""
    if principal is None:
        raise Unauthenticated("a bearer token is required")
    if not principal.has(*roles):
        raise Forbidden("this action needs the role " + " or ".join(r.value for r in roles))
    if Role.RECRUITER in roles and Role.RECRUITER in principal.roles and not principal.org_id:
        raise Forbidden("recruiter token carries no org_id")
    if Role.PARTNER in roles and Role.PARTNER in principal.roles and not principal.partner_id:
        raise Forbidden("partner token carries no partner_id")
    return principal
