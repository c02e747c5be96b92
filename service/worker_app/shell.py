"""The app shell: the page, its static files, the manifest and the service worker that caches them.

The service worker gets the list of shell files and a version (a hash of their contents) written into it,
so any change to any shell file changes the worker's bytes and phones install the new shell.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from flask import Blueprint, Response, render_template

HERE = Path(__file__).resolve().parent
STATIC = HERE / "static"
SERVICE_WORKER_SOURCE = HERE / "service_worker.js"
SHELL_MARKER = "const SHELL = null; // replaced when served"

# Strict for the app: no inline script or style at all; the API is on the same origin.
CONTENT_SECURITY_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                           "connect-src 'self'; worker-src 'self'; manifest-src 'self'; object-src 'none'; "
                           "base-uri 'none'; form-action 'self'; frame-ancestors 'none'")

THEME_COLOUR = "#1f4e8c"
BACKGROUND_COLOUR = "#f3f5f8"

worker_app = Blueprint("worker_app", __name__, url_prefix="/app", template_folder="templates",
                       static_folder="static", static_url_path="/static")


@worker_app.after_request
def _shell_headers(response: Response) -> Response:
    """The app's own strict CSP; the shell is revalidated on every fetch (the service worker does the caching)."""
    response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    response.headers.setdefault("Cache-Control", "no-cache")
    return response


@worker_app.route("/")
def index() -> str:
    """The app shell page (the same for everyone; the page asks the API for the worker's data)."""
    return render_template("worker_app/index.html", modules=module_urls())


def module_urls() -> list[str]:
    """Every ES module of the app, preloaded together so a slow network costs one round trip, not one per import."""
    return [f"/app/static/{path.relative_to(STATIC).as_posix()}"
            for path in sorted(STATIC.rglob("*.js")) if path.name != "app.js"]


@worker_app.route("/manifest.webmanifest")
def manifest() -> Response:
    """The web app manifest: installable, standalone, scoped to /app/."""
    return Response(manifest_json(), mimetype="application/manifest+json")


def manifest_json() -> str:
    """The manifest's text (part of the shell version)."""
    icons = "/app/static/icons/"
    body = {
        "id": "/app/",
        "name": "Reablement visits",
        "short_name": "Visits",
        "description": "Record reablement home visits and goal progress, with or without signal.",
        "lang": "en-GB",
        "start_url": "/app/",
        "scope": "/app/",
        "display": "standalone",
        "background_color": BACKGROUND_COLOUR,
        "theme_color": THEME_COLOUR,
        "icons": [
            {"src": f"{icons}icon.svg", "sizes": "any", "type": "image/svg+xml"},
            {"src": f"{icons}icon-192.png", "sizes": "192x192", "type": "image/png"},
            {"src": f"{icons}icon-512.png", "sizes": "512x512", "type": "image/png"},
            {"src": f"{icons}icon-maskable-512.png", "sizes": "512x512", "type": "image/png", "purpose": "maskable"},
        ],
    }
    return json.dumps(body, indent=2)


@worker_app.route("/sw.js")
def service_worker() -> Response:
    """The service worker, with this release's shell files and version written in."""
    shell = shell_files()
    source = SERVICE_WORKER_SOURCE.read_text(encoding="utf-8")
    assert SHELL_MARKER in source, "service_worker.js lost its SHELL marker"
    injected = f"const SHELL = {json.dumps(shell)};"
    response = Response(source.replace(SHELL_MARKER, injected), mimetype="text/javascript")
    response.headers["Service-Worker-Allowed"] = "/app/"
    return response


def shell_files() -> dict[str, Any]:
    """The URLs the service worker keeps for offline use, and a version that changes when any of them does."""
    digest = hashlib.sha256()
    urls = ["/app/", "/app/manifest.webmanifest"]
    for template in sorted((HERE / "templates").rglob("*.html")):
        digest.update(template.read_bytes())
    for path in sorted(STATIC.rglob("*")):
        if path.is_file() and not path.name.endswith(".LICENSE"):
            relative = path.relative_to(STATIC).as_posix()
            urls.append(f"/app/static/{relative}")
            digest.update(relative.encode("utf-8"))
            digest.update(path.read_bytes())
    digest.update(SERVICE_WORKER_SOURCE.read_bytes())
    digest.update(manifest_json().encode("utf-8"))
    return {"version": digest.hexdigest()[:16], "urls": urls}
