"""Visit endpoints (workers) and the caseload."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from service.auth.access import BEARER, current_user, require_roles
from service.database import db
from service.domain.errors import DomainError
from service.errors import http_status
from service.visits.caseload import caseload
from service.visits.recording import BatchItem, record_batch, record_visit
from service.visits.schemas import BatchIn, BatchOut, CaseloadOut, VisitIn, VisitOut

# One instance for every request: webargs would build a new schema per request for a class (5 % of a
# visit's CPU under cProfile); loading keeps no state on the instance.
VISIT_IN = VisitIn()

blp = Blueprint("visits", __name__, url_prefix="/api/v1", description="Visits recorded from phones.")


@blp.route("/visits")
class VisitsView(MethodView):
    """Record one visit."""

    @blp.doc(security=BEARER)
    @require_roles("worker")
    @blp.arguments(VISIT_IN)
    @blp.response(201, VisitOut)
    @blp.alt_response(200, schema=VisitOut, description="A replay of a visit already recorded with this id")
    @blp.alt_response(409, description="Same id, different content; or the visit is after the episode ended")
    def post(self, visit: dict[str, Any]) -> tuple[dict[str, Any], int]:
        """Record a visit; the phone's `id` makes retries safe (replay: 200 with the original body)."""
        result = record_visit(db.session, current_user(), visit)
        return result.receipt, 200 if result.replayed else 201


@blp.route("/visits/batch")
class VisitBatchView(MethodView):
    """Sync a day of offline visits."""

    @blp.doc(security=BEARER)
    @require_roles("worker")
    @blp.arguments(BatchIn)
    @blp.response(200, BatchOut)
    def post(self, body: dict[str, Any]) -> dict[str, Any]:
        """Record 1-500 visits, each judged alone; one result per visit, in order."""
        return {"results": [_batch_result(item) for item in record_batch(db.session, current_user(), body["visits"])]}


def _batch_result(item: BatchItem) -> dict[str, Any]:
    """One visit's entry in the batch response: its status, and the event id or why it was refused."""
    outcome = item.outcome
    if isinstance(outcome, DomainError):
        return {"id": item.visit_id, "status": http_status(outcome), "reason": outcome.reason,
                "message": outcome.message, "errors": outcome.errors}
    return {"id": item.visit_id, "status": 200 if outcome.replayed else 201, "event_id": outcome.receipt["event_id"]}


@blp.route("/me/caseload")
class CaseloadView(MethodView):
    """The signed-in worker's caseload."""

    @blp.doc(security=BEARER)
    @require_roles("worker")
    @blp.response(200, CaseloadOut)
    def get(self) -> dict[str, Any]:
        """Open episodes I am assigned to, with active goals and current levels."""
        return {"items": caseload(db.session, current_user())}
