"""The committed OpenAPI document matches the code, and the docs page works offline."""

from __future__ import annotations

import json
from pathlib import Path

from flask.testing import FlaskClient

OPENAPI_FILE = Path(__file__).resolve().parents[2] / "api_docs" / "openapi.json"
REGENERATE = "flask --app wsgi openapi write api_docs/openapi.json"


def test_committed_openapi_document_is_not_stale(client: FlaskClient) -> None:
    served = client.get("/api/v1/docs/openapi.json").get_json()
    committed = json.loads(OPENAPI_FILE.read_text())
    assert served == committed, f"api_docs/openapi.json is stale: run `{REGENERATE}`"


def test_openapi_document_covers_every_api_route(client: FlaskClient) -> None:
    paths = client.get("/api/v1/docs/openapi.json").get_json()["paths"]
    routes = {rule.rule for rule in client.application.url_map.iter_rules()
              if rule.rule.startswith("/api/v1/") and "/docs" not in rule.rule}
    documented = {path.replace("{", "<").replace("}", ">") for path in paths}
    normalised = {route.replace("<uuid:", "<").replace("<string:", "<") for route in routes}
    assert normalised <= documented


def test_docs_page_serves_swagger_ui_from_the_app_itself(client: FlaskClient) -> None:
    page = client.get("/api/v1/docs/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "/api/v1/docs/assets/swagger-ui-bundle.js" in html and "http" not in html.split("<body>")[1].split(
        "config")[0]
    asset = client.get("/api/v1/docs/assets/swagger-ui-bundle.js")
    assert asset.status_code == 200 and len(asset.data) > 100_000
    asset.close()
