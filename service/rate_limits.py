"""General rate limits on every request (flask-limiter): one budget per client and a wider one per IP address.

- Per client: a bearer token is a client (its SHA-256 is the key, never the token); a request
  without one counts against its IP address. Default 1,000 requests a minute: a phone syncing
  500 visits one request at a time, plus its caseload reads, stays well inside it (a batch
  sync is a single request).
- Per IP address: default 5,000 requests a minute, for everything from one address (an office
  behind one NAT address holds many staff).

Over a limit the answer is 429 with `Retry-After` (seconds) in the standard error body.
Counters live in Redis when REDIS_URL is set (shared by every gunicorn worker), else in
memory (the embedded default is one process). If Redis fails, the counters fall back to
memory rather than refusing or failing requests. The health check and /metrics are exempt.
Settings: RATE_LIMIT_ENABLED, RATE_LIMIT_PER_CLIENT, RATE_LIMIT_PER_IP (flask-limiter's
notation, e.g. "1000/minute"); docs/operations.md explains them.
"""

from __future__ import annotations

import hashlib
import math
import time
from typing import Any

from flask import Flask, render_template, request
from flask.typing import ResponseReturnValue
from flask_limiter import ApplicationLimit, Limiter
from flask_limiter.errors import RateLimitExceeded
from werkzeug.middleware.proxy_fix import ProxyFix

from service.auth.access import bearer_token
from service.errors import error_body

EXEMPT_PATHS = ("/api/v1/health", "/metrics")
RATE_LIMITED = "Too many requests; slow down and retry after {seconds} seconds."


def client_key() -> str:
    """The client a request counts against: its bearer token (hashed), else its IP address."""
    token = bearer_token()
    if token:
        return "token:" + hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()[:32]
    return "ip:" + (request.remote_addr or "unknown")


def address_key() -> str:
    """The IP address a request came from (behind a proxy: see TRUSTED_PROXY_HOPS)."""
    return request.remote_addr or "unknown"


def _exempt() -> bool:
    """Probes and scrapes are never throttled."""
    return request.path in EXEMPT_PATHS


def register_rate_limits(app: Flask) -> None:
    """Attach a limiter to `app` with the configured limits (none when RATE_LIMIT_ENABLED is false)."""
    config = app.config
    timeout = config["REDIS_SOCKET_TIMEOUT_SECONDS"]
    storage_options: dict[str, Any] = {"socket_timeout": timeout, "socket_connect_timeout": timeout} \
        if config["REDIS_URL"] else {}
    limiter = Limiter(
        key_func=client_key,
        application_limits=[
            ApplicationLimit(config["RATE_LIMIT_PER_CLIENT"], key_function=client_key, scope="client",
                             exempt_when=_exempt),
            ApplicationLimit(config["RATE_LIMIT_PER_IP"], key_function=address_key, scope="address",
                             exempt_when=_exempt),
        ],
        storage_uri=config["REDIS_URL"] or "memory://",
        storage_options=storage_options,
        key_prefix="reablement-rate",
        swallow_errors=True,
        in_memory_fallback_enabled=True,
        headers_enabled=False,
        enabled=bool(config["RATE_LIMIT_ENABLED"]),
    )
    limiter.init_app(app)
    hops = int(config["TRUSTED_PROXY_HOPS"])
    if hops:
        # The client's address is the one the trusted proxies put in X-Forwarded-For, not the proxy's.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops)  # type: ignore[method-assign]

    @app.errorhandler(RateLimitExceeded)
    def _too_many_requests(_error: RateLimitExceeded) -> ResponseReturnValue:
        """429 with Retry-After: the standard error body for the API, the error page for the web pages."""
        current = limiter.current_limit
        seconds = max(1, math.ceil(current.reset_at - time.time())) if current is not None else 60
        message = RATE_LIMITED.format(seconds=seconds)
        headers = {"Retry-After": str(seconds)}
        if request.blueprint == "web":
            return render_template("web/error.html", status=429, title="Too many requests",
                                   message=message), 429, headers
        return error_body(429, "Too Many Requests", message), 429, headers
