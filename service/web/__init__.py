"""Server-rendered pages for managers and commissioners, on the same services as the JSON API."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any, cast

from flask import Flask, Response, g, render_template, request
from flask.typing import ResponseReturnValue
from flask_wtf.csrf import CSRFError, CSRFProtect
from werkzeug.exceptions import HTTPException

from service.database import db
from service.domain.errors import DomainError
from service.errors import http_status, status_phrase
from service.web.blueprint import web
from service.web.formatting import register_filters
from service.web.session_auth import load_session_user, web_user

csrf = CSRFProtect()


@web.before_request
def _protect_forms() -> None:
    """Every form post carries the session's CSRF token (the bearer-token API is not checked)."""
    if request.method == "POST":
        csrf.protect()


@web.after_request
def _same_origin_referrer(response: Response) -> Response:
    """Send the Referer to this site only (flask-wtf's HTTPS check compares it with the host); pages are not cached."""
    response.headers.setdefault("Referrer-Policy", "same-origin")
    if request.endpoint != "web.static":
        response.headers.setdefault("Cache-Control", "no-store")
    return response


@web.app_context_processor
def _signed_in_user() -> dict[str, Any]:
    """Templates know who is signed in (for the navigation and the sign-out button)."""
    return {"current_user": web_user()}


@web.errorhandler(CSRFError)
def _csrf_refused(error: CSRFError) -> ResponseReturnValue:
    """A form without a valid token: nothing was recorded."""
    db.session.rollback()
    return render_template("web/error.html", status=400, title="The form has expired",
                           message="Nothing was saved. Go back, reload the page and try again."), 400


# What a person reads for an error on a page (the API keeps its JSON body).
PAGE_ERRORS = {
    403: ("You cannot use this page", "Your account does not give access to it. If you need it, ask an administrator."),
    404: ("Page not found", "There is no page at this address, or it is not one your account can see. "
                            "Check the address, or start again from your first page."),
    405: ("Page not found", "This address only accepts a form sent from its page. Start again from your first page."),
}
# Paths whose errors stay JSON: the API (and its docs) and the metrics endpoint.
JSON_PREFIXES = ("/api/", "/metrics")


def error_page(error: HTTPException) -> ResponseReturnValue:
    """An error as a page in the site's layout (signed-in people keep their navigation)."""
    status = error.code or 500
    title, message = PAGE_ERRORS.get(status, (error.name, error.description or error.name))
    if "web_user" not in g:
        load_session_user()
    return render_template("web/error.html", status=status, title=title, message=message), status


@web.errorhandler(HTTPException)
def _http_error(error: HTTPException) -> ResponseReturnValue:
    """Errors on pages are pages, not JSON."""
    return error_page(error)


def pages_answer_errors_as_pages(app: Flask) -> None:
    """Unknown URLs outside the API answer an HTML page in the site's layout; the API keeps its JSON errors."""
    api_handler: Callable[[HTTPException], ResponseReturnValue] = cast(
        Callable[[HTTPException], ResponseReturnValue], app.error_handler_spec[None][None][HTTPException])

    def page_or_json(error: HTTPException) -> ResponseReturnValue:
        if request.path.startswith(JSON_PREFIXES):
            return api_handler(error)
        return error_page(error)

    app.register_error_handler(HTTPException, page_or_json)


@web.errorhandler(DomainError)
def _domain_error(error: DomainError) -> ResponseReturnValue:
    """A refusal from a service (e.g. an episode that is not the caller's) as a page."""
    db.session.rollback()
    status = http_status(error)
    return render_template("web/error.html", status=status, title=status_phrase(status),
                           message=error.message), status


def register_web(app: Flask) -> None:
    """Register the pages: session cookie settings, CSRF protection for their forms, templates."""
    from service.web import accounts, commissioner, corrections, dashboard, manager  # noqa: F401  (registers routes)

    app.config["SESSION_COOKIE_HTTPONLY"] = True
    app.config["SESSION_COOKIE_SAMESITE"] = "Lax"
    app.config["SESSION_COOKIE_SECURE"] = not (app.config["ENV"] == "development" or app.config.get("TESTING"))
    # A signed session cookie older than a bearer token's lifetime is refused, as an expired token would be.
    app.config["PERMANENT_SESSION_LIFETIME"] = timedelta(seconds=app.config["TOKEN_TTL_SECONDS"])
    # The token is checked only where the pages ask (`csrf.protect()` above), never on the JSON API.
    app.config["WTF_CSRF_CHECK_DEFAULT"] = False
    app.config.setdefault("WTF_CSRF_TIME_LIMIT", 8 * 3600)
    csrf.init_app(app)
    register_filters(app)
    app.register_blueprint(web)
    pages_answer_errors_as_pages(app)
