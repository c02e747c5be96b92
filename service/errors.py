"""One error body for every error ({"code", "status", "reason", "message", "errors"}), and domain errors mapped to HTTP.

`reason` is a stable snake_case code a client branches on: a domain error's own `reason`, or for refusals that
happen before any service is asked (bad JSON, unknown routes, body limits, rate limits, crashes) the one in
HTTP_REASONS for the status.
"""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any, NoReturn, cast

import marshmallow as ma
from flask import Flask
from flask_smorest import Api
from flask_smorest import abort as smorest_abort
from sqlalchemy.exc import InterfaceError, OperationalError
from werkzeug.exceptions import HTTPException

from service.docs.contract import ContractSpec
from service.domain import errors as domain

log = logging.getLogger(__name__)

DEFAULT_MESSAGES = {
    400: "The request body is not valid JSON.",
    401: "Sign in with a valid bearer token.",
    403: "Your role does not allow this.",
    404: "Not found.",
    405: "This method is not allowed here.",
    409: "This conflicts with what is already recorded.",
    412: "The episode has changed since you read it (If-Match is stale).",
    413: "The request body is too large.",
    415: "Send the body as application/json.",
    422: "The request is not valid; see errors.",
    429: "Too many attempts; try again later.",
    500: "Something went wrong on our side; nothing was recorded.",
    503: "The service is temporarily unavailable; retry later.",
}


def flatten_errors(errors: Any) -> dict[str, Any]:
    """Drop webargs' location level ({"json": {"field": [...]}} -> {"field": [...]})."""
    if not isinstance(errors, dict):
        return {"_request": errors} if errors else {}
    flat: dict[str, Any] = {}
    for key, value in errors.items():
        if key in ("json", "query", "headers", "form", "view_args") and isinstance(value, dict):
            flat.update(value)
        else:
            flat[key] = value
    return flat


# The reason of a refusal no domain error explains, by HTTP status.
HTTP_REASONS = {
    400: "bad_request",
    401: "not_signed_in",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    412: "stale_version",
    413: "body_too_large",
    414: "uri_too_long",
    415: "unsupported_media_type",
    422: "invalid",
    429: "rate_limited",
    500: "internal_error",
    503: "service_unavailable",
}


def error_body(code: int, status: str, message: str | None, errors: Any = None,
               reason: str | None = None) -> dict[str, Any]:
    """The standard error body; `reason` defaults to the status's HTTP-level reason."""
    return {
        "code": code,
        "status": status,
        "reason": reason or HTTP_REASONS.get(code, "error"),
        "message": message or DEFAULT_MESSAGES.get(code, status),
        "errors": flatten_errors(errors),
    }


def _subclasses(kind: type[domain.DomainError]) -> list[type[domain.DomainError]]:
    found: list[type[domain.DomainError]] = []
    for sub in kind.__subclasses__():
        found += [sub, *_subclasses(sub)]
    return found


def known_reasons() -> list[str]:
    """Every reason an error body can carry: each domain error's and each HTTP-level one (the Error schema's enum)."""
    kinds: list[type[domain.DomainError]] = [domain.DomainError, *_subclasses(domain.DomainError)]
    reasons = {kind.reason for kind in kinds}
    return sorted(reasons | set(HTTP_REASONS.values()) | {"error"})


class ErrorSchema(ma.Schema):
    """The error body (documentation only: `error_body` builds it)."""

    code = ma.fields.Integer(metadata={"description": "The HTTP status code."})
    status = ma.fields.String(metadata={"description": "The HTTP status phrase."})
    reason = ma.fields.String(metadata={
        "description": "Why, as a stable snake_case code to branch on; new codes may be added (treat an unknown "
                       "one by its HTTP status)."})
    message = ma.fields.String(metadata={"description": "A sentence you can show; its wording may change."})
    errors = ma.fields.Dict(metadata={"description": "Messages per field (nested for nested fields); may be empty."})


# HTTP requires a challenge with every 401; the API's only scheme is a bearer token.
BEARER_CHALLENGE = 'Bearer realm="reablement"'


def conformance_headers(error: HTTPException, extra: dict[str, str] | None = None) -> dict[str, str]:
    """The headers HTTP requires with an error: Allow on 405 (werkzeug's own), a Bearer challenge on 401."""
    headers = {name: value for name, value in error.get_headers() if name.lower() != "content-type"}
    headers.update(extra or {})
    if error.code == 401:
        headers.setdefault("WWW-Authenticate", BEARER_CHALLENGE)
    return headers


class ServiceApi(Api):
    """flask-smorest's Api with this service's error body on every HTTP error and the finished OpenAPI document."""

    ERROR_SCHEMA = ErrorSchema

    def _init_spec(self, **kwargs: Any) -> None:
        """Build the spec as flask-smorest does, then render it through `ContractSpec.to_dict` (see its module)."""
        super()._init_spec(**kwargs)
        self.spec.__class__ = ContractSpec
        cast(ContractSpec, self.spec).reasons = known_reasons

    def handle_http_exception(self, error: HTTPException) -> tuple[dict[str, Any], int, dict[str, str]]:
        """Render any HTTPException as the standard error body."""
        code = error.code or 500
        data = getattr(error, "data", None) or {}
        errors = data.get("errors", data.get("messages"))
        message = data.get("message")
        if code == 422 and not message and errors:
            message = "The request is not valid: " + ", ".join(sorted(flatten_errors(errors))) + "."
        if code == 400 and not message:
            message = DEFAULT_MESSAGES[400]
        return (error_body(code, error.name, message, errors, data.get("reason")), code,
                conformance_headers(error, data.get("headers")))


def register_unexpected_error_handler(app: Flask) -> None:
    """Log unexpected exceptions and answer 500 in the standard body (never a stack trace)."""

    @app.errorhandler(Exception)
    def _unexpected(error: Exception) -> tuple[dict[str, Any], int]:
        if isinstance(error, HTTPException):
            raise error
        if isinstance(error, OperationalError | InterfaceError):
            # The database went away mid-request: nothing was committed, so a retry is safe.
            # Only the kinds of error: never the statement's parameters (the engine hides them too).
            log.warning("database unavailable: %s (%s)", type(error).__name__, type(error.orig).__name__)
            return error_body(503, "Service Unavailable", None), 503
        log.exception("unhandled error")
        return error_body(500, "Internal Server Error", None), 500


def abort(code: int, message: str, errors: dict[str, Any] | None = None, reason: str | None = None,
          headers: dict[str, str] | None = None) -> NoReturn:
    """Stop the request with the standard error body (`reason` defaults to the status's HTTP-level one; `headers`,
    e.g. Retry-After)."""
    smorest_abort(code, message=message, errors=errors or {}, reason=reason, headers=headers or {})
    raise AssertionError("unreachable")


# The one mapping from a kind of domain refusal to its HTTP status (a subclass takes its kind's).
HTTP_STATUS: dict[type[domain.DomainError], int] = {
    domain.Invalid: 422,
    domain.NotFound: 404,
    domain.Forbidden: 403,
    domain.Conflict: 409,
    domain.StaleVersion: 412,
    domain.Unauthenticated: 401,
    domain.TooManySignIns: 429,
}


def http_status(error: domain.DomainError) -> int:
    """The HTTP status a domain error answers with (422 for a refusal of no particular kind)."""
    for kind in type(error).__mro__:
        if kind in HTTP_STATUS:
            return HTTP_STATUS[kind]
    return 422


def status_phrase(code: int) -> str:
    """The HTTP reason phrase of a status code ("Not Found")."""
    return HTTPStatus(code).phrase


def domain_error_response(error: domain.DomainError) -> tuple[dict[str, Any], int]:
    """The standard error body and HTTP status of a domain refusal."""
    code = http_status(error)
    body = error_body(code, status_phrase(code), error.message, error.errors, error.reason)
    return body, code


def register_domain_error_handler(app: Flask) -> None:
    """Answer every DomainError a view lets through with its status and the standard body."""

    @app.errorhandler(domain.DomainError)
    def _domain_error(error: domain.DomainError) -> tuple[dict[str, Any], int, dict[str, str]]:
        body, code = domain_error_response(error)
        headers = {"WWW-Authenticate": BEARER_CHALLENGE} if code == 401 else {}
        retry_after = getattr(error, "retry_after", None)
        if retry_after:
            headers["Retry-After"] = str(retry_after)
        return body, code, headers
