"""Why a bearer token, refresh token or cookie is not accepted (each a 401 in the standard error body)."""

from __future__ import annotations

from service.domain.errors import Unauthenticated


class NotSignedIn(Unauthenticated):
    """No usable credentials: the Authorization header is missing or not `Bearer <token>`."""

    reason = "not_signed_in"


class TokenInvalid(NotSignedIn):
    """A bearer token this service never issued."""

    reason = "token_invalid"


class TokenExpired(NotSignedIn):
    """A bearer token past its `expires_at`: refresh it (phones) or sign in again."""

    reason = "token_expired"


class TokenRevoked(NotSignedIn):
    """A token whose session has ended: signed out, revoked by a manager, password changed, or reuse detected."""

    reason = "token_revoked"


class AccountDeactivated(NotSignedIn):
    """The user has been deactivated; nothing of theirs is accepted any more."""

    reason = "account_deactivated"


class RefreshTokenInvalid(NotSignedIn):
    """A refresh token this service never issued."""

    reason = "refresh_token_invalid"


class RefreshTokenExpired(NotSignedIn):
    """A refresh token past its expiry: sign in again with the password."""

    reason = "refresh_token_expired"


class RefreshTokenReused(NotSignedIn):
    """A refresh token that was already spent: the whole session is revoked (a copy may have been stolen)."""

    reason = "refresh_token_reused"
