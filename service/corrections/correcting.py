"""Who may correct what, and the EventCorrected event that records it."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any

import marshmallow as ma
from sqlalchemy import select
from sqlalchemy.orm import Session

from service.corrections.schemas import REPLACEMENT_SCHEMAS
from service.domain.checks import check_closure, check_follow_up, check_levels, check_opening, check_visit
from service.domain.errors import Forbidden, Invalid, NoSuchEvent
from service.episodes.access import can_see, locked_head
from service.episodes.commands import iso_value
from service.episodes.writer import EpisodeWriter, check_if_match
from service.models import Event, User, utcnow
from service.unit_of_work import unit_of_work
from service.visits.recording import visit_data

WORKER_WINDOW = timedelta(hours=24)


def _check_permission(user: User, event: Event) -> None:
    """Managers (own provider) and admins correct anything; workers their own visits within 24 hours."""
    if user.role == "worker":
        own_visit = event.type == "VisitRecorded" and event.actor_id == user.id
        if not own_visit or utcnow() - event.recorded_at > WORKER_WINDOW:
            raise Forbidden("Workers may correct only their own visits, within 24 hours of recording them.")
    elif user.role not in ("manager", "admin"):
        raise Forbidden(f"Your role ({user.role}) may not correct events.")


def _replacement(writer: EpisodeWriter, event: Event, data: dict[str, Any]) -> dict[str, Any]:
    """Validate replacement data with the event type's own rules and return the event data to store."""
    schema_class = REPLACEMENT_SCHEMAS.get(event.type)
    if schema_class is None:
        raise Invalid(f"A {event.type} event can only be voided.", "data")
    try:
        loaded: dict[str, Any] = schema_class().load(data)
    except ma.ValidationError as error:
        raise Invalid("The replacement data is not valid.",
                      errors={"data": error.normalized_messages()}) from error  # type: ignore[no-untyped-call]
    facts = writer.facts
    if event.type == "VisitRecorded":
        visit = {**loaded, "id": event.data["visit_id"], "episode_id": event.episode_id}
        worker_id = uuid.UUID(event.data["worker_id"])
        check_visit(facts, visit, worker_id)
        return visit_data(visit, worker_id)
    if event.type == "EpisodeClosed":
        check_closure(facts.started_on, loaded)
    if event.type == "FollowUpRecorded":
        check_follow_up(facts, loaded)
    if event.type == "GoalSet":
        check_levels(loaded["baseline_level"], loaded["target_level"])
        loaded["goal_id"] = event.data["goal_id"]
    if event.type == "EpisodeOpened":
        loaded["provider_id"] = event.data["provider_id"]
        if loaded.get("planned_end_on") is None:
            loaded["planned_end_on"] = date.fromisoformat(event.data["planned_end_on"])
        check_opening(loaded, loaded["planned_end_on"])
    return {key: iso_value(value) for key, value in loaded.items()}


@unit_of_work
def correct_event(session: Session, user: User, event_id: uuid.UUID, body: dict[str, Any],
                  if_match: int | None = None) -> Event:
    """Append and commit an EventCorrected for `event_id` (412 on a stale If-Match); the original stays."""
    event = session.execute(select(Event).where(Event.id == event_id)).scalar_one_or_none()
    if event is None:
        raise NoSuchEvent("No such event.", "event_id")
    head = locked_head(session, event.episode_id, user, "event_id")
    if not can_see(user, head.provider_id):
        raise NoSuchEvent("No such event.", "event_id")
    _check_permission(user, event)
    check_if_match(head, if_match)
    if event.type == "EventCorrected":
        raise Invalid("Correct the original event, not a correction.", "event_id")
    writer = EpisodeWriter(session, head, user)
    correction: dict[str, Any] = {"corrects": str(event.id), "reason": body["reason"]}
    if body.get("void"):
        if event.type == "EpisodeOpened":
            raise Invalid("An episode's opening cannot be voided; correct its data instead.", "void")
        correction["void"] = True
    else:
        correction["data"] = _replacement(writer, event, body["data"])
    return writer.append("EventCorrected", correction)
