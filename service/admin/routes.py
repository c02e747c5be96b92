"""Providers and users (admin)."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint
from sqlalchemy import select

from service.admin.accounts import AccountError, create_provider, create_user
from service.admin.schemas import ProviderCreate, ProviderOut, UserCreate, UserOut
from service.auth.access import BEARER, require_roles
from service.database import db
from service.errors import abort
from service.models import Provider, User
from service.pagination import paginate
from service.schemas import PaginationArgs, page_body, page_schema

blp = Blueprint("admin", __name__, url_prefix="/api/v1", description="Providers and users.")


def _refuse(error: AccountError) -> None:
    """Turn an AccountError into the standard error response."""
    abort(error.status, error.message, {error.field: [error.message]})


@blp.route("/providers")
class ProvidersView(MethodView):
    """Providers."""

    @blp.doc(security=BEARER)
    @require_roles()
    @blp.arguments(PaginationArgs, location="query")
    @blp.response(200, page_schema(ProviderOut, "ProviderPage"))
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """List providers (any signed-in role)."""
        rows, total = paginate(db.session, select(Provider).order_by(Provider.name, Provider.id),
                               args["page"], args["page_size"])
        return page_body([row[0] for row in rows], args["page"], args["page_size"], total)

    @blp.doc(security=BEARER)
    @require_roles("admin")
    @blp.arguments(ProviderCreate)
    @blp.response(201, ProviderOut)
    def post(self, body: dict[str, Any]) -> Provider:
        """Add a provider (admin)."""
        try:
            provider = create_provider(db.session, body["name"], body["kind"])
        except AccountError as error:
            _refuse(error)
        db.session.commit()
        return provider


@blp.route("/users")
class UsersView(MethodView):
    """Users."""

    @blp.doc(security=BEARER)
    @require_roles("admin")
    @blp.arguments(PaginationArgs, location="query")
    @blp.response(200, page_schema(UserOut, "UserPage"))
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """List users (admin)."""
        rows, total = paginate(db.session, select(User).order_by(User.username), args["page"], args["page_size"])
        return page_body([row[0] for row in rows], args["page"], args["page_size"], total)

    @blp.doc(security=BEARER)
    @require_roles("admin")
    @blp.arguments(UserCreate)
    @blp.response(201, UserOut)
    def post(self, body: dict[str, Any]) -> User:
        """Add a user (admin). Workers and managers need a provider; passwords 12+ characters."""
        try:
            user = create_user(db.session, body["username"], body["password"], body["role"], body["provider_id"])
        except AccountError as error:
            _refuse(error)
        db.session.commit()
        return user
