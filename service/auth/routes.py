"""POST /auth/token, /auth/refresh and /auth/revoke."""

from __future__ import annotations

from typing import Any

from flask import current_app, request
from flask.views import MethodView
from flask_smorest import Blueprint

from service.auth.access import BEARER, bearer_token, current_session_id, require_roles, token_cache
from service.auth.refusals import RefreshTokenReused
from service.auth.schemas import RefreshRequest, TokenRequest, TokenResponse
from service.auth.sessions import (
    SIGNED_OUT,
    DeviceTokens,
    SessionPolicy,
    digest,
    end_session_by_id,
    open_device_session,
    refresh_device_session,
    revoke_legacy_token,
)
from service.auth.sign_in import authenticate
from service.database import db
from service.events.hashing import format_instant
from service.models import utcnow

blp = Blueprint("auth", __name__, url_prefix="/api/v1/auth", description="Sign in, refresh and sign out.")


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
        session = db.session
        user = authenticate(session, config, credentials["username"], credentials["password"])
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
        try:
            tokens = refresh_device_session(db.session, body["refresh_token"], request.user_agent.string,
                                            SessionPolicy.from_settings(current_app.config))
        except RefreshTokenReused:
            token_cache().clear()  # its session was just ended: no token of it may stay trusted here
            raise
        return token_body(tokens)


@blp.route("/revoke")
class RevokeView(MethodView):
    """End the session of the presented token."""

    @blp.doc(security=BEARER)
    @require_roles()
    @blp.response(204)
    def post(self) -> None:
        """Sign out: the session's access and refresh tokens stop working at once."""
        session_id, token = current_session_id(), bearer_token()
        assert token is not None
        if session_id is None:
            revoke_legacy_token(db.session, token)
        else:
            end_session_by_id(db.session, session_id, SIGNED_OUT)
        db.session.commit()
        token_cache().forget(digest=digest(token), session_id=session_id)
