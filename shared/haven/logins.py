"""Sign-in identities for organisations Haven works with (partner authorities, recruiters).

Creating a partner gives its contact a login in the ``partner`` role carrying the partner's id,
so that the partner API only ever shows that partner its own referrals. In AWS that is a Cognito
user invited by e-mail; in local mode the invitation lands in the outbox with the command that
prints a token.
"""

from __future__ import annotations

from typing import Protocol

from haven.auth import Role


class LoginProvisioner(Protocol):
    def invite(self, *, email: str, role: Role, partner_id: str | None = None) -> str:
        """Create (and invite) the login; its username. :class:`~haven.errors.Conflict` if taken."""
        ...
