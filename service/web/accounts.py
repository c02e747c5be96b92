"""The administrator's pages: providers, and users (create, reset a password, deactivate)."""

from __future__ import annotations

import secrets
import uuid
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from service.admin.schemas import ProviderCreate, UserCreate
from service.admin.service import add_provider, add_user, list_providers, list_users, update_user
from service.database import db
from service.domain.errors import DomainError, NotFound
from service.errors import http_status
from service.models import Provider, User
from service.web.account_forms import ProviderForm, UserForm
from service.web.blueprint import web
from service.web.checking import place_refusal, schema_checked
from service.web.forms import options
from service.web.manager import problems_of
from service.web.session_auth import page_for, signed_in_user

ADMINS = ("admin",)
# Every provider and user on one page: a council has tens of them, not thousands.
LISTED = 500


def one_time_password() -> str:
    """A password to hand over once: 20 URL-safe characters (about 120 bits)."""
    return secrets.token_urlsafe(15)


def all_providers() -> list[Provider]:
    """Every provider, by name."""
    return list_providers(db.session, 1, LISTED)[0]


@web.route("/admin/providers", methods=["GET", "POST"])
@page_for(*ADMINS)
def admin_providers() -> ResponseReturnValue:
    """Every provider, and the form that adds one."""
    form = ProviderForm()
    status, created = 200, None
    if request.method == "POST":
        status = 422
        body = {"name": (form.name.data or "").strip(), "kind": form.kind.data}
        loaded = schema_checked(ProviderCreate(), body, form) if form.validate() else None
        if loaded is not None:
            try:
                created = add_provider(db.session, loaded["name"], loaded["kind"])
            except DomainError as error:
                db.session.rollback()
                place_refusal(form, error)
                status = http_status(error)
            else:
                form, status = ProviderForm(formdata=None), 201
    providers = all_providers()
    return render_template("web/admin_providers.html", form=form, providers=providers, created=created,
                           problems=problems_of(form) if status >= 400 else []), status


def user_rows() -> list[tuple[User, str]]:
    """Every user with their provider's name, by username."""
    names = {provider.id: provider.name for provider in all_providers()}
    users = list_users(db.session, 1, LISTED)[0]
    return [(user, names.get(user.provider_id, "") if user.provider_id else "") for user in users]


def user_form(blank: bool = False) -> UserForm:
    """The new-user form (as submitted, or blank) with the providers to choose from."""
    form = UserForm(formdata=None) if blank else UserForm()
    form.provider_id.choices = options([("", "None (commissioners and administrators)"),
                                        *((provider.id, provider.name) for provider in all_providers())])
    return form


def users_page(form: UserForm, status: int, **extra: Any) -> ResponseReturnValue:
    """The users page: the list and the new-user form."""
    return render_template("web/admin_users.html", form=form, rows=user_rows(), user_actions=True,
                           problems=problems_of(form) if status >= 400 else [], **extra), status


@web.route("/admin/users", methods=["GET", "POST"])
@page_for(*ADMINS)
def admin_users() -> ResponseReturnValue:
    """Every user; the form that adds one (a password made for them unless one is typed, shown once)."""
    form = user_form()
    if request.method == "GET":
        return users_page(form, 200)
    if not form.validate():
        return users_page(form, 422)
    password = form.password.data or one_time_password()
    body = {"username": (form.username.data or "").strip(), "password": password, "role": form.role.data,
            "provider_id": form.provider_id.data or None}
    loaded = schema_checked(UserCreate(), body, form)
    if loaded is None:
        return users_page(form, 422)
    try:
        user = add_user(db.session, loaded["username"], loaded["password"], loaded["role"], loaded["provider_id"])
    except DomainError as error:
        db.session.rollback()
        place_refusal(form, error)
        return users_page(form, http_status(error))
    shown = None if form.password.data else password
    return users_page(user_form(blank=True), 201, created=user, shown_password=shown)


def change_user(user_id: uuid.UUID, changes: dict[str, Any]) -> User | ResponseReturnValue:
    """Apply `changes` with the admin service (the API's PATCH /users/{id}); a refusal goes back to the list."""
    try:
        return update_user(db.session, signed_in_user(), user_id, changes)
    except NotFound:
        abort(404)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for("web.admin_users"), 303)


@web.route("/admin/users/<uuid:user_id>/password", methods=["POST"])
@page_for(*ADMINS)
def admin_reset_password(user_id: uuid.UUID) -> ResponseReturnValue:
    """Give the user a new password, shown once on this page; every session of theirs ends at once."""
    if user_id == signed_in_user().id:
        flash("Change your own password by asking another administrator; resetting it here would sign you out.",
              "error")
        return redirect(url_for("web.admin_users"), 303)
    password = one_time_password()
    user = change_user(user_id, {"password": password})
    if not isinstance(user, User):
        return user
    return users_page(user_form(blank=True), 200, shown_password=password, shown_for=user.username)


@web.route("/admin/users/<uuid:user_id>/deactivate", methods=["POST"])
@page_for(*ADMINS)
def admin_deactivate(user_id: uuid.UUID) -> ResponseReturnValue:
    """Stop the user signing in; every session of theirs (phone or browser) ends at once; their history stays."""
    user = change_user(user_id, {"active": False})
    if not isinstance(user, User):
        return user
    flash(f"{user.username} is deactivated; every session of theirs has ended.", "success")
    return redirect(url_for("web.admin_users") + f"#user-{user.id}", 303)


@web.route("/admin/users/<uuid:user_id>/reactivate", methods=["POST"])
@page_for(*ADMINS)
def admin_reactivate(user_id: uuid.UUID) -> ResponseReturnValue:
    """Let a deactivated user sign in again with their password (no old session comes back)."""
    user = change_user(user_id, {"active": True})
    if not isinstance(user, User):
        return user
    flash(f"{user.username} can sign in again.", "success")
    return redirect(url_for("web.admin_users") + f"#user-{user.id}", 303)
