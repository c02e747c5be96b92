"""Signing in and out of the web pages with a session cookie, and role checks for page views."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from functools import wraps
from typing import ParamSpec, TypeVar
from urllib.parse import unquote, urlsplit

from flask import abort, current_app, flash, g, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue

from service.auth import sign_in as signing
from service.auth.sessions import (
    SessionPolicy,
    web_session_caller,
)
from service.database import db
from service.domain.errors import DomainError
from service.errors import http_status
from service.models import User
from service.web.blueprint import web
from service.web.forms import SignInForm

P = ParamSpec("P")
R = TypeVar("R")

# The signed cookie holds only the id of a row in `sessions`, checked on every request, so ending that
# session (sign-out, a password change, deactivation, a manager's revoke) signs the browser out at once.
SESSION_ID = "session_id"


def web_user() -> User | None:
    """The user signed in to this request's session, if any."""
    user: User | None = g.get("web_user")
    return user


def signed_in_user() -> User:
    """The signed-in user of a view guarded by `page_for`."""
    user = web_user()
    assert user is not None
    return user


def _policy() -> SessionPolicy:
    return SessionPolicy.from_settings(current_app.config)


@web.before_request
def load_session_user() -> None:
    """Check the cookie's session on every request: ended, expired or of a deactivated user means signed out."""
    g.web_user = None
    raw = session.get(SESSION_ID)
    if raw is None:
        return
    try:
        caller = web_session_caller(db.session, uuid.UUID(str(raw)), _policy())
    except ValueError:
        caller = None
    if caller is None:
        session.clear()
        return
    if caller.touched:
        db.session.commit()
    g.web_user = caller.user


def safe_next(target: str | None) -> str | None:
    """`target` when it is a relative path on this site, else None.

    Browsers drop tabs and line breaks inside URLs and read a backslash as a slash, so
    `/<TAB>/evil.example` would become `//evil.example` (another host): any control character,
    whitespace or backslash refuses the target, and after that it must parse as a bare path
    (no scheme, no host) starting with exactly one slash.
    """
    if not target:
        return None
    for form in (target, unquote(target)):  # judged as sent and as a browser may decode it
        if "\\" in form or any(not char.isprintable() or char.isspace() for char in form):
            return None
        parts = urlsplit(form)
        if parts.scheme or parts.netloc or not form.startswith("/") or form.startswith("//"):
            return None
    return target


def page_for(*roles: str) -> Callable[[Callable[P, R]], Callable[P, R | ResponseReturnValue]]:
    """Guard a page: sign-in first, workers see the phone-app notice, other roles 404 or 403.

    A page about people (managers' pages) answers 404 to a role that may not see people, never revealing that the
    record exists; any other refused page (e.g. an administrator's page) answers 403.
    """

    def decorator(view: Callable[P, R]) -> Callable[P, R | ResponseReturnValue]:
        @wraps(view)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R | ResponseReturnValue:
            user = web_user()
            if user is None:
                return redirect(url_for("web.sign_in", next=request.full_path.rstrip("?")))
            if user.role == "worker":
                return render_template("web/worker.html"), 403
            if user.role not in roles:
                # Never reveal that a person-level page exists to a role that may not see people.
                abort(404 if set(roles) & {"manager"} else 403)
            return view(*args, **kwargs)

        return wrapper

    return decorator


def home_for(user: User) -> str:
    """The first page of a role."""
    if user.role == "commissioner":
        return url_for("web.providers")
    return url_for("web.flags")


@web.route("/")
def home() -> ResponseReturnValue:
    """Send the visitor to their role's first page, or to sign in."""
    user = web_user()
    if user is None:
        return redirect(url_for("web.sign_in"))
    if user.role == "worker":
        return render_template("web/worker.html")
    return redirect(home_for(user))


@web.route("/sign-in", methods=["GET", "POST"])
def sign_in() -> ResponseReturnValue:
    """The sign-in form; on success the cookie names only the new session, and a session it named before has ended."""
    form = SignInForm()
    next_page = safe_next(request.values.get("next"))
    if request.method == "GET" or not form.validate():
        status = 422 if request.method == "POST" else 200
        return render_template("web/sign_in.html", form=form, next_page=next_page), status
    try:
        user, signed_in = signing.sign_in_web(db.session, current_app.config, form.username.data or "",
                                              form.password.data or "", request.user_agent.string)
    except DomainError as refused:
        retry_after = getattr(refused, "retry_after", None)
        headers = {"Retry-After": str(retry_after)} if retry_after else {}
        return render_template("web/sign_in.html", form=form, next_page=next_page,
                               error=refused.message), http_status(refused), headers
    previous = session.get(SESSION_ID)
    if previous is not None and web_user() is not None:  # signing in over a live session ends that one
        signing.sign_out(db.session, uuid.UUID(str(previous)))
    session.clear()  # a fresh session: nothing from before sign-in survives (no fixation)
    session[SESSION_ID] = str(signed_in.id)
    if user.role == "worker":
        return redirect(url_for("web.home"), 303)
    return redirect(next_page or home_for(user), 303)


@web.route("/sign-out", methods=["POST"])
def sign_out() -> ResponseReturnValue:
    """End the session (the cookie stops working, even a saved copy) and go back to the sign-in page."""
    raw = session.get(SESSION_ID)
    if raw is not None and web_user() is not None:
        signing.sign_out(db.session, uuid.UUID(str(raw)))
    session.clear()
    flash("You have signed out.", "info")
    return redirect(url_for("web.sign_in"), 303)
