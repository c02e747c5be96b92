"""Who is calling: bearer-token authentication and role checks for views."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from flask import Flask, current_app, g, request
from flask_smorest import Blueprint
from sqlalchemy import event
from sqlalchemy.orm import Session

from service.auth.refusals import NotSignedIn
from service.auth.sessions import SESSIONS_ENDED, Caller, SessionPolicy, caller_for_token, digest
from service.auth.token_cache import TokenCache
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


def current_session_id() -> uuid.UUID | None:
    """The session the request's bearer token belongs to (None for a token issued before sessions existed)."""
    caller: Caller = g.caller
    return caller.session_id


def init_token_cache(app: Flask) -> None:
    """Give the app its token cache (TOKEN_CACHE_SECONDS), emptied by every commit that ends a sign-in session.

    `service.auth.sessions` marks the database session whenever it ends sessions (sign-out,
    revocation, password reset, deactivation, refresh-token reuse), from the API or the pages
    alike; at commit this process then trusts no cached token, so the change holds at once here
    (other processes: within TOKEN_CACHE_SECONDS). Sessions end rarely, so emptying is cheap.
    """
    app.extensions["token_cache"] = TokenCache(float(app.config["TOKEN_CACHE_SECONDS"]))

    def _after_commit(session: Session) -> None:
        if session.info.pop(SESSIONS_ENDED, False):
            app.extensions["token_cache"].clear()

    def _after_rollback(session: Session) -> None:
        session.info.pop(SESSIONS_ENDED, None)

    sessions = db.of(app).sessions
    event.listen(sessions, "after_commit", _after_commit)
    event.listen(sessions, "after_rollback", _after_rollback)


def token_cache() -> TokenCache:
    """This app's token cache in this process (see `init_token_cache`)."""
    cache: TokenCache = current_app.extensions["token_cache"]
    return cache


def authenticate_request() -> Caller:
    """The caller of this request by its bearer token (this process's token cache first), or a 401 saying why not."""
    token = bearer_token()
    if token is None:
        raise NotSignedIn("Sign in and send `Authorization: Bearer <access_token>`.")
    session, cache, key = db.session, token_cache(), digest(token)
    cached = cache.get(session, key)
    if cached is not None:
        return cached
    caller = caller_for_token(session, token, SessionPolicy.from_settings(current_app.config))
    if caller.touched:
        session.commit()
    return cache.put(session, key, caller)


def require_roles(*roles: str) -> Callable[[F], F]:
    """Allow only signed-in users with one of `roles` (401 without a live token, 403 otherwise)."""

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            caller = authenticate_request()
            user = caller.user
            if roles and user.role not in roles:
                abort(403, f"Your role ({user.role}) does not allow this.")
            g.user, g.caller = user, caller
            return view(*args, **kwargs)

        # The OpenAPI document names the roles (and so declares the 403) next to the bearer requirement.
        documented = Blueprint.doc(security=BEARER, **({"x-roles": list(roles)} if roles else {}))
        return cast(F, documented(wrapper))

    return decorator
