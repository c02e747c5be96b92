"""The worker app: an offline-first phone web app at /app/, built only on the public JSON API.

The server's part is small: one page (the app shell), its static files, the web app manifest and the
service worker. Everything a worker sees comes from `/api/v1/...` calls the page makes itself.
"""

from __future__ import annotations

from flask import Flask

from service.worker_app.shell import worker_app


def register_worker_app(app: Flask) -> None:
    """Serve the worker app at /app/."""
    app.register_blueprint(worker_app)
