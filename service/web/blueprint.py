"""The web pages' blueprint: templates and the stylesheet are served from this package."""

from __future__ import annotations

from flask import Blueprint

web = Blueprint("web", __name__, template_folder="templates", static_folder="static",
                static_url_path="/assets/web")
