"""Providers and users (admin); users' sign-in sessions (admin, and managers for their provider's workers)."""

from __future__ import annotations

import uuid
from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from service.admin import service as admin
from service.admin.schemas import ProviderCreate, ProviderOut, SessionOut, UserCreate, UserOut, UserPatch
from service.auth.access import BEARER, current_session_id, current_user, require_roles, token_cache
from service.database import db
from service.models import Provider, SignInSession, User
from service.schemas import PaginationArgs, page_body, page_schema

blp = Blueprint("admin", __name__, url_prefix="/api/v1", description="Providers and users.")


@blp.route("/providers")
class ProvidersView(MethodView):
    """Providers."""

    @blp.doc(security=BEARER)
    @require_roles()
    @blp.arguments(PaginationArgs, location="query")
    @blp.response(200, page_schema(ProviderOut, "ProviderPage"))
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """List providers (any signed-in role)."""
        providers, total = admin.list_providers(db.session, args["page"], args["page_size"])
        return page_body(providers, args["page"], args["page_size"], total)

    @blp.doc(security=BEARER)
    @require_roles("admin")
    @blp.arguments(ProviderCreate)
    @blp.response(201, ProviderOut)
    def post(self, body: dict[str, Any]) -> Provider:
        """Add a provider (admin)."""
        return admin.add_provider(db.session, body["name"], body["kind"])


@blp.route("/users")
class UsersView(MethodView):
    """Users."""

    @blp.doc(security=BEARER)
    @require_roles("admin")
    @blp.arguments(PaginationArgs, location="query")
    @blp.response(200, page_schema(UserOut, "UserPage"))
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """List users (admin)."""
        users, total = admin.list_users(db.session, args["page"], args["page_size"])
        return page_body(users, args["page"], args["page_size"], total)

    @blp.doc(security=BEARER)
    @require_roles("admin")
    @blp.arguments(UserCreate)
    @blp.response(201, UserOut)
    def post(self, body: dict[str, Any]) -> User:
        """Add a user (admin). Workers and managers need a provider; passwords 12+ characters."""
        return admin.add_user(db.session, body["username"], body["password"], body["role"], body["provider_id"])


@blp.route("/users/<uuid:user_id>")
class UserView(MethodView):
    """One user."""

    @blp.doc(security=BEARER)
    @require_roles("admin")
    @blp.response(200, UserOut)
    def get(self, user_id: uuid.UUID) -> User:
        """A user (admin)."""
        return admin.get_user(db.session, user_id)

    @blp.doc(security=BEARER)
    @require_roles("admin")
    @blp.arguments(UserPatch)
    @blp.response(200, UserOut)
    def patch(self, body: dict[str, Any], user_id: uuid.UUID) -> User:
        """Deactivate (`active: false`) or reactivate a user, or reset their password (admin).

        Deactivating and resetting the password both end every session of the user at once.
        """
        user = admin.update_user(db.session, current_user(), user_id, body)
        if "password" in body or body.get("active") is False:
            token_cache().forget(user_id=user_id)  # the ended sessions stop at once in this process too
        return user


def _session_body(row: SignInSession) -> dict[str, Any]:
    return {"id": row.id, "kind": row.kind, "user_agent": row.user_agent, "created_at": row.created_at,
            "last_used_at": row.last_used_at, "expires_at": row.expires_at, "current": row.id == current_session_id()}


@blp.route("/users/<uuid:user_id>/sessions")
class UserSessionsView(MethodView):
    """A user's live sessions."""

    @blp.doc(security=BEARER)
    @require_roles("admin", "manager")
    @blp.arguments(PaginationArgs, location="query")
    @blp.response(200, page_schema(SessionOut, "SessionPage"))
    def get(self, args: dict[str, Any], user_id: uuid.UUID) -> dict[str, Any]:
        """Where the user is signed in: phones and browsers, most recently used first (admin; manager for their
        provider's workers)."""
        rows, total = admin.user_sessions(db.session, current_user(), user_id, args["page"], args["page_size"])
        return page_body([_session_body(row) for row in rows], args["page"], args["page_size"], total)


@blp.route("/users/<uuid:user_id>/sessions/<uuid:session_id>")
class UserSessionView(MethodView):
    """One session of a user."""

    @blp.doc(security=BEARER)
    @require_roles("admin", "manager")
    @blp.response(204)
    def delete(self, user_id: uuid.UUID, session_id: uuid.UUID) -> None:
        """End the session (a lost phone): its tokens or cookie stop working at once (admin; manager for their
        provider's workers)."""
        admin.revoke_user_session(db.session, current_user(), user_id, session_id)
        token_cache().forget(session_id=session_id)
