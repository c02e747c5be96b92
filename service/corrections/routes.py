"""POST /events/{event_id}/corrections."""

from __future__ import annotations

import uuid
from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from service.auth.access import BEARER, current_user, require_roles
from service.corrections.correcting import correct_event
from service.corrections.schemas import CorrectionIn
from service.database import db
from service.episodes.routes import parse_if_match
from service.episodes.schemas import EventOut, IfMatchArgs
from service.events.store import envelope_of

blp = Blueprint("corrections", __name__, url_prefix="/api/v1/events", description="Corrections of recorded events.")


@blp.route("/<uuid:event_id>/corrections")
class CorrectionsView(MethodView):
    """Correct or void an event."""

    @blp.doc(security=BEARER)
    @require_roles("manager", "admin", "worker")
    @blp.arguments(IfMatchArgs, location="headers")
    @blp.arguments(CorrectionIn)
    @blp.response(201, EventOut)
    def post(self, headers: dict[str, Any], body: dict[str, Any], event_id: uuid.UUID) -> dict[str, Any]:
        """Append an EventCorrected with replacement data or void: true (the original stays in the log)."""
        return envelope_of(correct_event(db.session, current_user(), event_id, body, parse_if_match(headers)))
