"""The worker app's server side: the shell page, the manifest, the service worker and their headers."""

from __future__ import annotations

import json
import re

from flask.testing import FlaskClient

from service.worker_app.shell import STATIC, shell_files


def test_the_shell_page_loads_only_same_origin_modules_under_a_strict_policy(client: FlaskClient) -> None:
    response = client.get("/app/")

    assert response.status_code == 200
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self';" in policy and "style-src 'self';" in policy
    assert "unsafe" not in policy
    page = response.get_data(as_text=True)
    assert '<script type="module" src="/app/static/js/app.js"></script>' in page
    assert not re.search(r"<script(?![^>]*\bsrc=)", page), "no inline script"
    assert " style=" not in page
    assert re.findall(r'(?:src|href)="(https?:)?//', page) == [], "nothing from another origin"
    preloaded = set(re.findall(r'<link rel="modulepreload" href="([^"]+)">', page))
    every_module = {f"/app/static/{path.relative_to(STATIC).as_posix()}" for path in STATIC.rglob("*.js")}
    assert preloaded | {"/app/static/js/app.js"} == every_module, "one round trip fetches every module"
    assert client.get("/app").status_code in (301, 308)


def test_the_service_worker_lists_every_shell_file_and_changes_with_them(client: FlaskClient) -> None:
    response = client.get("/app/sw.js")

    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    assert response.headers["Service-Worker-Allowed"] == "/app/"
    assert response.headers["Cache-Control"] == "no-cache"
    injected = re.search(r"^const SHELL = (\{.*\});$", response.get_data(as_text=True), re.MULTILINE)
    assert injected is not None
    shell = json.loads(injected.group(1))
    assert shell == shell_files()
    assert {"/app/", "/app/manifest.webmanifest", "/app/static/js/app.js", "/app/static/vendor/idb.js",
            "/app/static/app.css"} <= set(shell["urls"])
    for url in shell["urls"]:
        assert status_of(client, url) == 200, url
    assert len(shell["version"]) == 16


def test_the_manifest_makes_the_app_installable_within_its_scope(client: FlaskClient) -> None:
    response = client.get("/app/manifest.webmanifest")

    assert response.mimetype == "application/manifest+json"
    manifest = response.get_json(force=True)
    assert (manifest["start_url"], manifest["scope"], manifest["display"]) == ("/app/", "/app/", "standalone")
    sizes = {icon["sizes"] for icon in manifest["icons"]}
    assert {"192x192", "512x512"} <= sizes
    assert any(icon.get("purpose") == "maskable" for icon in manifest["icons"])
    for icon in manifest["icons"]:
        assert status_of(client, icon["src"]) == 200


def test_the_vendored_library_carries_its_licence() -> None:
    assert (STATIC / "vendor" / "idb.LICENSE").read_text().startswith("ISC License")
    assert "see idb.LICENSE" in (STATIC / "vendor" / "idb.js").read_text().splitlines()[0]


def status_of(client: FlaskClient, url: str) -> int:
    """GET a file and close the response (static files are streamed from an open file)."""
    response = client.get(url)
    response.close()
    return response.status_code
