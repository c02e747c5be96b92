"""Gunicorn's own refusals in the service's one error body, instead of its HTML page.

Some requests never reach the app: gunicorn refuses a request line longer than
`limit_request_line` (414), headers beyond `limit_request_field_size` or
`limit_request_fields` (431) and malformed HTTP (400) itself, writing an HTML page
through `gunicorn.util.write_error`. `install_json_errors()` (called from
docker/gunicorn.conf.py, in the master before workers fork) replaces that writer, so
clients get the standard error body (`code`, `status`, `reason`, `message`, `errors`) as from every other error.
Gunicorn's own message is not echoed: it can quote the request back.
"""

from __future__ import annotations

import json
import socket

from gunicorn import util

from service.errors import error_body

MESSAGES = {
    400: "The request is not valid HTTP.",
    403: "The request is forbidden.",
    414: "The URL is too long.",
    417: "The Expect header is not supported.",
    431: "The request headers are too large.",
    500: "Something went wrong on our side; nothing was recorded.",
    501: "This transfer coding is not supported.",
}


def write_json_error(sock: socket.socket, status_int: int, reason: str, _mesg: str) -> None:
    """Write a complete HTTP response carrying the standard error body, then let gunicorn close."""
    body = json.dumps(error_body(status_int, reason, MESSAGES.get(status_int))).encode("utf-8")
    head = (f"HTTP/1.1 {status_int} {reason}\r\nConnection: close\r\nContent-Type: application/json\r\n"
            f"X-Content-Type-Options: nosniff\r\nContent-Length: {len(body)}\r\n\r\n")
    util.write_nonblock(sock, head.encode("latin-1") + body)


def install_json_errors() -> None:
    """Make gunicorn write its refusals with `write_json_error`."""
    util.write_error = write_json_error
