"""Registers every API blueprint."""

from __future__ import annotations

from flask import Flask
from flask_smorest import Api


def register_blueprints(api: Api, app: Flask) -> None:
    """Attach each resource's blueprint to the API."""
    from service.admin.routes import blp as admin
    from service.auth.routes import blp as auth
    from service.contracts.routes import blp as contracts
    from service.corrections.routes import blp as corrections
    from service.episodes.routes import blp as episodes
    from service.exports.routes import blp as statutory_exports
    from service.flags.routes import blp as flags
    from service.health.routes import blp as health
    from service.reports.routes import blp as effectiveness_reports
    from service.visits.routes import blp as visits

    for blueprint in (health, auth, admin, episodes, visits, corrections, flags, effectiveness_reports,
                      statutory_exports, contracts):
        api.register_blueprint(blueprint)
