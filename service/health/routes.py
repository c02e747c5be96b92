"""GET /health: database, queue and projection lag."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from service.database import db
from service.projections.lag import projection_lag
from service.queue import queue_status

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
        database, lag = "ok", None
        try:
            db.session.execute(text("SELECT 1"))
            lag = projection_lag(db.session)
        except SQLAlchemyError:
            database = "down"
            db.session.rollback()
        queue = queue_status()
        status = "ok" if database == "ok" else "down"
        body = {"status": status, "database": database, "queue": queue, "projection_lag": lag}
        return body, 200 if database == "ok" else 503
