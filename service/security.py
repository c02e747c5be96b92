"""Security headers on every response; cross-origin requests get no CORS grant."""

from __future__ import annotations

from flask import Flask, Response, request

DOCS_PREFIX = "/api/v1/docs"


def register_security_headers(app: Flask) -> None:
    """Add headers that stop sniffing, framing and referrer leaks; HSTS in production."""

    @app.after_request
    def _headers(response: Response) -> Response:
        headers = response.headers
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Referrer-Policy", "no-referrer")
        # Swagger UI's page boots with one inline script; everything else is served by the app itself.
        script = "'self' 'unsafe-inline'" if request.path.startswith(DOCS_PREFIX) else "'self'"
        headers.setdefault("Content-Security-Policy",
                           f"default-src 'self'; script-src {script}; img-src 'self' data:; "
                           "style-src 'self' 'unsafe-inline'; frame-ancestors 'none'; form-action 'self'")
        if app.config["ENV"] == "production":
            headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        return response
