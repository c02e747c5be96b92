"""Who is calling: bearer-token authentication and role checks for views."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from flask import g, request

from service.auth.tokens import user_for_token
from service.database import db
from service.errors import abort
from service.models import User

F = TypeVar("F", bound=Callable[..., Any])

BEARER: list[dict[str, list[str]]] = [{"bearerAuth": []}]


def bearer_token() -> str | None:
    """The token in the Authorization header, if well formed."""
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def current_user() -> User:
    """The signed-in user of this request (set by `require_roles`)."""
    user: User = g.user
    return user


def require_roles(*roles: str) -> Callable[[F], F]:
    """Allow only signed-in users with one of `roles` (401 without a live token, 403 otherwise)."""

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            token = bearer_token()
            user = user_for_token(db.session, token) if token else None
            if user is None:
                abort(401, "Sign in with a valid bearer token (missing, expired or revoked).")
            if roles and user.role not in roles:
                abort(403, f"Your role ({user.role}) does not allow this.")
            g.user = user
            return view(*args, **kwargs)

        return cast(F, wrapper)

    return decorator
