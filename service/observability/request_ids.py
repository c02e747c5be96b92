"""A request id on every request: taken from X-Request-ID when sane, else made; echoed in the response."""

from __future__ import annotations

import re
import uuid
from contextvars import ContextVar

from flask import Flask, Response, request

HEADER = "X-Request-ID"
_SANE = re.compile(r"^[A-Za-z0-9._-]{1,64}$")

# Set per request, and per job from the enqueuing request's id, so logs of both can be joined.
current_request_id: ContextVar[str | None] = ContextVar("current_request_id", default=None)


def register_request_ids(app: Flask) -> None:
    """Assign and echo request ids."""

    @app.before_request
    def _assign() -> None:
        given = request.headers.get(HEADER, "")
        current_request_id.set(given if _SANE.match(given) else uuid.uuid4().hex)

    @app.after_request
    def _echo(response: Response) -> Response:
        request_id = current_request_id.get()
        if request_id:
            response.headers[HEADER] = request_id
        return response

    @app.teardown_request
    def _clear(_exc: BaseException | None) -> None:
        current_request_id.set(None)
