"""The administrator's pages: providers, and users (create, reset a password, deactivate)."""

from __future__ import annotations

import secrets
import uuid
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import select

from service.admin.accounts import (
    AccountError,
    create_provider,
    create_user,
    deactivate_user,
    reactivate_user,
    set_password,
)
from service.admin.schemas import ProviderCreate, UserCreate
from service.database import db
from service.models import Provider, User
from service.web.account_forms import ProviderForm, UserForm
from service.web.blueprint import web
from service.web.checking import place, schema_checked
from service.web.forms import options
from service.web.manager import problems_of
from service.web.session_auth import page_for, signed_in_user

ADMINS = ("admin",)


def one_time_password() -> str:
    """A password to hand over once: 20 URL-safe characters (about 120 bits)."""
    return secrets.token_urlsafe(15)


def providers_by_id() -> dict[uuid.UUID, Provider]:
    """Every provider, by id, in name order."""
    return {provider.id: provider for provider in
            db.session.execute(select(Provider).order_by(Provider.name)).scalars()}


def refuse(form: Any, error: AccountError) -> None:
    """An account refusal next to the field it names."""
    place(form, {error.field: [error.message]})


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
                created = create_provider(db.session, loaded["name"], loaded["kind"])
            except AccountError as error:
                db.session.rollback()
                refuse(form, error)
                status = error.status
            else:
                db.session.commit()
                form, status = ProviderForm(formdata=None), 201
    providers = list(providers_by_id().values())
    return render_template("web/admin_providers.html", form=form, providers=providers, created=created,
                           problems=problems_of(form) if status >= 400 else []), status


def user_rows() -> list[tuple[User, str]]:
    """Every user with their provider's name, by username."""
    names = {provider_id: provider.name for provider_id, provider in providers_by_id().items()}
    users = db.session.execute(select(User).order_by(User.username)).scalars()
    return [(user, names.get(user.provider_id, "") if user.provider_id else "") for user in users]


def user_form(blank: bool = False) -> UserForm:
    """The new-user form (as submitted, or blank) with the providers to choose from."""
    form = UserForm(formdata=None) if blank else UserForm()
    form.provider_id.choices = options([("", "None (commissioners and administrators)"),
                                        *((pid, provider.name) for pid, provider in providers_by_id().items())])
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
        user = create_user(db.session, loaded["username"], loaded["password"], loaded["role"], loaded["provider_id"])
    except AccountError as error:
        db.session.rollback()
        refuse(form, error)
        return users_page(form, error.status)
    db.session.commit()
    shown = None if form.password.data else password
    return users_page(user_form(blank=True), 201, created=user, shown_password=shown)


def user_or_404(user_id: uuid.UUID) -> User:
    """The user with this id (404 page when there is none)."""
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    return user


def not_yourself(user: User) -> ResponseReturnValue | None:
    """An administrator does not reset or deactivate their own account from this list (it would sign them out)."""
    if user.id == signed_in_user().id:
        flash("You cannot deactivate yourself or reset your own password here.", "error")
        return redirect(url_for("web.admin_users"), 303)
    return None


@web.route("/admin/users/<uuid:user_id>/password", methods=["POST"])
@page_for(*ADMINS)
def admin_reset_password(user_id: uuid.UUID) -> ResponseReturnValue:
    """Give the user a new password, shown once on this page; every session of theirs ends at once."""
    user = user_or_404(user_id)
    if (refused := not_yourself(user)) is not None:
        return refused
    password = one_time_password()
    set_password(db.session, user, password)
    db.session.commit()
    return users_page(user_form(blank=True), 200, shown_password=password, shown_for=user.username)


@web.route("/admin/users/<uuid:user_id>/deactivate", methods=["POST"])
@page_for(*ADMINS)
def admin_deactivate(user_id: uuid.UUID) -> ResponseReturnValue:
    """Stop the user signing in; every session of theirs (phone or browser) ends at once; their history stays."""
    user = user_or_404(user_id)
    if (refused := not_yourself(user)) is not None:
        return refused
    ended = deactivate_user(db.session, user)
    db.session.commit()
    flash(f"{user.username} is deactivated; {ended} signed-in session{'s' if ended != 1 else ''} ended.", "success")
    return redirect(url_for("web.admin_users") + f"#user-{user.id}", 303)


@web.route("/admin/users/<uuid:user_id>/reactivate", methods=["POST"])
@page_for(*ADMINS)
def admin_reactivate(user_id: uuid.UUID) -> ResponseReturnValue:
    """Let a deactivated user sign in again with their password (no old session comes back)."""
    user = user_or_404(user_id)
    reactivate_user(user)
    db.session.commit()
    flash(f"{user.username} can sign in again.", "success")
    return redirect(url_for("web.admin_users") + f"#user-{user.id}", 303)
