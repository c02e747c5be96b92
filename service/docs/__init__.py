"""The interactive API docs page, with Swagger UI served from the swagger-ui-bundle package (no CDN)."""

from __future__ import annotations

from flask import Blueprint, Flask, send_from_directory
from flask.typing import ResponseReturnValue
from swagger_ui_bundle import swagger_ui_path

ASSETS_URL = "/api/v1/docs/assets/"

assets = Blueprint("docs_assets", __name__)


@assets.route(f"{ASSETS_URL}<path:filename>")
def swagger_asset(filename: str) -> ResponseReturnValue:
    """A Swagger UI file from the installed package."""
    return send_from_directory(swagger_ui_path, filename, max_age=3600)


def register_docs_assets(app: Flask) -> None:
    """Serve Swagger UI's assets."""
    app.register_blueprint(assets)
