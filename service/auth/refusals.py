"""Why a bearer token, refresh token or cookie is not accepted (each a 401 in the standard error body)."""

from __future__ import annotations

from service.domain_errors import DomainError


class NotSignedIn(DomainError):
    """No usable credentials: the Authorization header is missing or not `Bearer <token>`."""

    status = 401
    reason = "Unauthorized"


class TokenInvalid(NotSignedIn):
    """A bearer token this service never issued."""


class TokenExpired(NotSignedIn):
    """A bearer token past its `expires_at`: refresh it (phones) or sign in again."""


class TokenRevoked(NotSignedIn):
    """A token whose session has ended: signed out, revoked by a manager, password changed, or reuse detected."""


class AccountDeactivated(NotSignedIn):
    """The user has been deactivated; nothing of theirs is accepted any more."""


class RefreshTokenInvalid(NotSignedIn):
    """A refresh token this service never issued."""


class RefreshTokenExpired(NotSignedIn):
    """A refresh token past its expiry: sign in again with the password."""


class RefreshTokenReused(NotSignedIn):
    """A refresh token that was already spent: the whole session is revoked (a copy may have been stolen)."""
