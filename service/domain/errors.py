"""Errors service functions raise; the app renders each as the standard error body."""

from __future__ import annotations

from typing import Any

from flask import Flask

from service.errors import error_body


class DomainError(Exception):
    """A request the domain refuses; `status` is the HTTP code it maps to, `field` the culprit."""

    status = 422
    reason = "Unprocessable Entity"

    def __init__(self, message: str, field: str | None = None, errors: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.errors = errors if errors is not None else ({field: [message]} if field else {})


class Invalid(DomainError):
    """Content that breaks a rule (422)."""


class NotFound(DomainError):
    """Missing, or not visible to the caller (404: never reveal another provider's records)."""

    status = 404
    reason = "Not Found"


class Forbidden(DomainError):
    """Signed in, but this role or user may not do it (403)."""

    status = 403
    reason = "Forbidden"


class Conflict(DomainError):
    """Contradicts what is already recorded (409)."""

    status = 409
    reason = "Conflict"


class StaleVersion(DomainError):
    """If-Match named an older stream version (412)."""

    status = 412
    reason = "Precondition Failed"


def register_domain_error_handler(app: Flask) -> None:
    """Render DomainError subclasses in the standard body."""

    @app.errorhandler(DomainError)
    def _domain_error(error: DomainError) -> tuple[dict[str, Any], int]:
        return error_body(error.status, error.reason, error.message, error.errors), error.status
