"""The Flask application factory: settings, extensions, API blueprints, pages and CLI commands."""

from __future__ import annotations

from typing import Any

from flask import Flask

from service.auth.access import init_token_cache
from service.config import check_production_safety, load_settings
from service.database import db
from service.errors import ServiceApi, register_domain_error_handler, register_unexpected_error_handler
from service.input_limits import register_input_limits
from service.observability import init_observability
from service.projections.backlog import BacklogCollector
from service.projections.refresh import init_fold_cache
from service.rate_limits import register_rate_limits
from service.security import register_security_headers


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the app: settings, extensions, API blueprints, CLI commands. Connects to nothing."""
    # Named after the package, as before the factory moved here: templates, logger and CLI stay the same.
    app = Flask("service", instance_relative_config=False)
    app.config.update(load_settings(config))
    check_production_safety(app.config)
    app.json.sort_keys = False  # type: ignore[attr-defined]

    db.init_app(app)
    init_token_cache(app)
    init_fold_cache(app)
    api = ServiceApi()
    api.init_app(app, spec_kwargs={"components": {"securitySchemes": {
        "bearerAuth": {"type": "http", "scheme": "bearer"}}}})
    register_unexpected_error_handler(app)
    register_domain_error_handler(app)
    init_observability(app, BacklogCollector(app))
    register_rate_limits(app)  # counted first: refused hostile input still spends the client's budget
    register_input_limits(app)
    register_security_headers(app)

    from service.cli import register_commands
    from service.docs import register_docs_assets
    from service.routes import register_blueprints
    from service.web import register_web
    from service.worker_app import register_worker_app

    register_blueprints(api, app)
    register_docs_assets(app)
    register_web(app)
    register_worker_app(app)
    register_commands(app)
    return app
