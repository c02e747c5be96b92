"""POST /auth/token and /auth/revoke."""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask.views import MethodView
from flask_smorest import Blueprint
from sqlalchemy import select

from service.auth.access import BEARER, bearer_token, require_roles
from service.auth.passwords import verify_password
from service.auth.schemas import TokenRequest, TokenResponse
from service.auth.tokens import issue_token, recent_failures, record_failure, revoke_token
from service.database import db
from service.errors import abort
from service.models import User

blp = Blueprint("auth", __name__, url_prefix="/api/v1/auth", description="Sign in and out.")

BAD_CREDENTIALS = "The username or password is not right."


@blp.route("/token")
class TokenView(MethodView):
    """Exchange a username and password for a bearer token."""

    @blp.arguments(TokenRequest)
    @blp.response(200, TokenResponse)
    @blp.alt_response(401, description="Bad credentials")
    @blp.alt_response(429, description="Too many failed attempts for this username")
    def post(self, credentials: dict[str, Any]) -> dict[str, Any]:
        """Sign in and receive a bearer token."""
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
        token = issue_token(session, user, config["TOKEN_TTL_SECONDS"])
        session.commit()
        return {
            "access_token": token,
            "token_type": "Bearer",
            "expires_in": config["TOKEN_TTL_SECONDS"],
            "user": {"id": user.id, "username": user.username, "role": user.role,
                     "provider_id": user.provider_id},
        }


@blp.route("/revoke")
class RevokeView(MethodView):
    """Revoke the presented token."""

    @blp.doc(security=BEARER)
    @require_roles()
    @blp.response(204)
    def post(self) -> None:
        """Sign out: the token stops working at once."""
        token = bearer_token()
        assert token is not None
        revoke_token(db.session, token)
        db.session.commit()
