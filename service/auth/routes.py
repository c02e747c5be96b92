"""POST /auth/token, /auth/refresh and /auth/revoke."""

from __future__ import annotations

from typing import Any

from flask import current_app, request
from flask.views import MethodView
from flask_smorest import Blueprint
from sqlalchemy import select

from service.auth.access import BEARER, bearer_token, current_session_id, require_roles
from service.auth.passwords import verify_password
from service.auth.schemas import RefreshRequest, TokenRequest, TokenResponse
from service.auth.sessions import (
    SIGNED_OUT,
    DeviceTokens,
    SessionPolicy,
    check_may_sign_in,
    end_session_by_id,
    open_device_session,
    refresh_device_session,
    revoke_legacy_token,
)
from service.auth.tokens import recent_failures, record_failure
from service.database import db
from service.errors import abort
from service.events.hashing import format_instant
from service.models import User, utcnow

blp = Blueprint("auth", __name__, url_prefix="/api/v1/auth", description="Sign in, refresh and sign out.")

BAD_CREDENTIALS = "The username or password is not right."


def token_body(tokens: DeviceTokens) -> dict[str, Any]:
    """The sign-in and refresh response: both tokens, their lifetimes, and who they belong to."""
    now = utcnow()
    user = tokens.user
    return {
        "access_token": tokens.access_token,
        "token_type": "Bearer",
        "expires_in": round((tokens.access_expires_at - now).total_seconds()),
        "expires_at": format_instant(tokens.access_expires_at),
        "refresh_token": tokens.refresh_token,
        "refresh_expires_in": round((tokens.refresh_expires_at - now).total_seconds()),
        "user": {"id": user.id, "username": user.username, "role": user.role, "provider_id": user.provider_id},
    }


@blp.route("/token")
class TokenView(MethodView):
    """Exchange a username and password for a bearer token and a refresh token."""

    @blp.arguments(TokenRequest)
    @blp.response(200, TokenResponse)
    @blp.alt_response(401, description="Bad credentials, or the account is deactivated")
    @blp.alt_response(429, description="Too many failed attempts for this username")
    def post(self, credentials: dict[str, Any]) -> dict[str, Any]:
        """Sign in: start a device session with an access token and a refresh token."""
        config = current_app.config
        username = credentials["username"]
        window = config["LOGIN_FAILURE_WINDOW_SECONDS"]
        session = db.session
        if recent_failures(session, username, window) >= config["LOGIN_MAX_FAILURES"]:
            abort(429, "Too many failed sign-ins for this username; wait 15 minutes.")
        user = session.execute(select(User).where(User.username == username)).scalar_one_or_none()
        if not verify_password(user.password_hash if user else None, credentials["password"]) or user is None:
            record_failure(session, username, window)
            session.commit()
            abort(401, BAD_CREDENTIALS)
        check_may_sign_in(user)
        tokens = open_device_session(session, user, request.user_agent.string, SessionPolicy.from_settings(config))
        session.commit()
        return token_body(tokens)


@blp.route("/refresh")
class RefreshView(MethodView):
    """Renew a device session without the password."""

    @blp.arguments(RefreshRequest)
    @blp.response(200, TokenResponse)
    @blp.alt_response(401, description="The refresh token is unknown, expired, already used (the session is then "
                                       "ended) or its session has ended")
    def post(self, body: dict[str, Any]) -> dict[str, Any]:
        """Spend the refresh token for a new access token and a new refresh token."""
        tokens = refresh_device_session(db.session, body["refresh_token"], request.user_agent.string,
                                        SessionPolicy.from_settings(current_app.config))
        return token_body(tokens)


@blp.route("/revoke")
class RevokeView(MethodView):
    """End the session of the presented token."""

    @blp.doc(security=BEARER)
    @require_roles()
    @blp.response(204)
    def post(self) -> None:
        """Sign out: the session's access and refresh tokens stop working at once."""
        session_id = current_session_id()
        if session_id is None:
            token = bearer_token()
            assert token is not None
            revoke_legacy_token(db.session, token)
        else:
            end_session_by_id(db.session, session_id, SIGNED_OUT)
        db.session.commit()
