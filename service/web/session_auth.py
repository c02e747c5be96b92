"""Signing in and out of the web pages with a session cookie, and role checks for page views."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from functools import wraps
from typing import ParamSpec, TypeVar

from flask import abort, current_app, flash, g, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue

from service.auth.sessions import (
    SIGNED_OUT,
    SessionPolicy,
    end_session_by_id,
    open_web_session,
    web_session_caller,
)
from service.auth.sign_in import authenticate
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
    """`target` when it is a path on this site (never another host), else None."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
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
        user = authenticate(db.session, current_app.config, form.username.data or "", form.password.data or "")
    except DomainError as refused:
        return render_template("web/sign_in.html", form=form, next_page=next_page,
                               error=refused.message), http_status(refused)
    previous = session.get(SESSION_ID)
    if previous is not None and web_user() is not None:  # signing in over a live session ends that one
        end_session_by_id(db.session, uuid.UUID(str(previous)), SIGNED_OUT)
    signed_in = open_web_session(db.session, user, request.user_agent.string, _policy())
    db.session.commit()
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
        end_session_by_id(db.session, uuid.UUID(str(raw)), SIGNED_OUT)
        db.session.commit()
    session.clear()
    flash("You have signed out.", "info")
    return redirect(url_for("web.sign_in"), 303)
