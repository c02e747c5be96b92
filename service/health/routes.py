"""GET /health: database, queue and projection lag."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from service.database import db
from service.health.status import health

blp = Blueprint("health", __name__, url_prefix="/api/v1", description="Service health.")


class HealthOut(Schema):
    """Health report."""

    status = fields.String()
    database = fields.String()
    queue = fields.String()
    projection_lag = fields.Integer(allow_none=True)


@blp.route("/health")
class HealthView(MethodView):
    """Health."""

    @blp.response(200, HealthOut)
    @blp.alt_response(503, schema=HealthOut, description="The database is unreachable")
    def get(self) -> tuple[dict[str, Any], int]:
        """Report database and queue reachability and how far derived state lags the log."""
        body = health(db.session)
        return body, 200 if body["database"] == "ok" else 503
