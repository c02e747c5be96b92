"""Recording visits: validation against the episode, idempotency by the phone's id, batches."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, TypeVar

import marshmallow as ma
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from service.domain.calendar import london_date
from service.domain.errors import Conflict, DomainError, Invalid, NotFound
from service.domain.events import VISIT_RECORDED
from service.episodes.stream import EpisodeFacts, can_see, read_facts, stored_streams
from service.errors import flatten_errors
from service.events.hashing import canonical_json, format_instant, sha256_hex
from service.events.store import (
    IdempotencyConflict,
    NewEvent,
    allocate_sequences,
    append_idempotent,
    find_by_idempotency_keys,
    lock_streams,
)
from service.models import Event, User, utcnow
from service.visits.schemas import VisitIn

FUTURE_TOLERANCE = timedelta(minutes=5)
T = TypeVar("T")


@dataclass(frozen=True)
class VisitResult:
    """The status the single endpoint answers, and its body."""

    status: int
    body: dict[str, Any]


def visit_data(visit: dict[str, Any], worker_id: uuid.UUID) -> dict[str, Any]:
    """The VisitRecorded event data for a validated visit."""
    occurred_at: datetime = visit["occurred_at"]
    return {
        "visit_id": str(visit["id"]),
        "worker_id": str(worker_id),
        "occurred_at": occurred_at.isoformat(),
        "duration_minutes": visit["duration_minutes"],
        "carers": visit["carers"],
        "goal_progress": [
            {"goal_id": str(entry["goal_id"]), "level": entry["level"], "note": entry.get("note")}
            for entry in visit["goal_progress"]
        ],
        "wellbeing": visit.get("wellbeing"),
        "concerns": list(visit.get("concerns") or []),
        "note": visit.get("note"),
        "ready_for_discharge": visit.get("ready_for_discharge"),
    }


def content_hash(visit: dict[str, Any], worker_id: uuid.UUID) -> str:
    """SHA-256 of what the phone sent and who sent it, normalised ('Z' and '+00:00' are the same content).

    The sender is part of the content: another worker reusing a visit id is a conflict, not a replay.
    """
    normal = visit_data(visit, worker_id)
    normal["episode_id"] = str(visit["episode_id"])
    normal["occurred_at"] = format_instant(visit["occurred_at"])
    return sha256_hex(canonical_json(normal))


def receipt(event: Event) -> dict[str, Any]:
    """The visit endpoint's response body for a recorded visit."""
    return {"id": event.idempotency_key, "episode_id": str(event.episode_id), "event_id": str(event.id),
            "received_at": format_instant(event.recorded_at)}


def check_visit(facts: EpisodeFacts, visit: dict[str, Any], worker_id: uuid.UUID) -> None:
    """API.md's visit rules against the episode's current facts."""
    occurred_at: datetime = visit["occurred_at"]
    if not facts.was_assigned(str(worker_id), occurred_at):
        raise NotFound("No such episode.", "episode_id")
    day = london_date(occurred_at)
    if day < facts.started_on:
        raise Invalid(f"Cannot be before the episode started ({facts.started_on}).", "occurred_at")
    if occurred_at > utcnow() + FUTURE_TOLERANCE:
        raise Invalid("Cannot be more than 5 minutes in the future; check the phone's clock.", "occurred_at")
    if facts.ended_on is not None and day > facts.ended_on:
        raise Conflict(f"The episode ended on {facts.ended_on}; this visit is after that.", "occurred_at")
    active = facts.active_goal_ids()
    bad = {str(index): {"goal_id": ["Not an active goal of this episode."]}
           for index, entry in enumerate(visit["goal_progress"]) if str(entry["goal_id"]) not in active}
    if bad:
        raise Invalid("goal_progress names goals that are not active goals of this episode.",
                      errors={"goal_progress": bad})


class VisitRecorder:
    """Records one worker's visits in one transaction: streams locked once, keys and facts read in bulk."""

    def __init__(self, session: Session, user: User, visits: list[dict[str, Any]]) -> None:
        self.session, self.user = session, user
        self.heads = lock_streams(session, [visit["episode_id"] for visit in visits])
        visible = [head.id for head in self.heads.values() if can_see(user, head.provider_id)]
        streams = stored_streams(session, visible, exclude_types=(VISIT_RECORDED,))
        self.facts = {episode_id: read_facts(events) for episode_id, events in streams.items()}
        self.known = find_by_idempotency_keys(session, [str(visit["id"]) for visit in visits])
        self.sequences = iter(allocate_sequences(session, len(visits)))

    def record(self, visit: dict[str, Any]) -> VisitResult:
        """Record one validated visit (201), replay it (200), or refuse it with a DomainError."""
        head = self.heads.get(visit["episode_id"])
        if head is None or head.id not in self.facts:
            raise NotFound("No such episode.", "episode_id")
        user = self.user

        def build() -> NewEvent:
            check_visit(self.facts[head.id], visit, user.id)
            return NewEvent(VISIT_RECORDED, visit_data(visit, user.id), visit["occurred_at"])

        try:
            outcome = append_idempotent(self.session, head, key=str(visit["id"]),
                                        content_hash=content_hash(visit, user.id), build=build, actor_id=user.id,
                                        known=self.known, sequence=next(self.sequences))
        except IdempotencyConflict as error:
            raise Conflict("A different visit was already recorded with this id.", "id") from error
        return VisitResult(200 if outcome.replayed else 201, receipt(outcome.event))


def committed(session: Session, attempt: Callable[[], T]) -> T:
    """Run `attempt` and commit; if a concurrent request took one of its visit ids first, run it once more.

    The second run sees the other request's visit, so the id is then answered as a replay or a 409.
    """
    try:
        result = attempt()
        session.commit()
        return result
    except IntegrityError:
        session.rollback()
    result = attempt()
    session.commit()
    return result


def record_visit(session: Session, user: User, visit: dict[str, Any]) -> VisitResult:
    """Record one validated visit; the caller commits."""
    return VisitRecorder(session, user, [visit]).record(visit)


def record_batch(session: Session, user: User, raw_visits: list[Any]) -> tuple[list[dict[str, Any]], set[uuid.UUID]]:
    """Judge each visit alone, in one transaction; results in order; the caller commits once.

    Every check runs before a visit's event is added, so a refused visit writes
    nothing; if the commit fails nothing is recorded and the phone's retry of
    the whole batch converges to each visit recorded exactly once.
    """
    schema = VisitIn()
    parsed: list[dict[str, Any] | ma.ValidationError] = []
    for raw in raw_visits:
        try:
            parsed.append(schema.load(raw) if isinstance(raw, dict) else schema.load({"_": raw}))
        except ma.ValidationError as error:
            parsed.append(error)
    recorder = VisitRecorder(session, user, [item for item in parsed if isinstance(item, dict)])
    results: list[dict[str, Any]] = []
    touched: set[uuid.UUID] = set()
    for raw, item in zip(raw_visits, parsed, strict=True):
        visit_id = raw.get("id") if isinstance(raw, dict) else None
        if isinstance(item, ma.ValidationError):
            messages = item.normalized_messages()  # type: ignore[no-untyped-call]
            results.append({"id": visit_id, "status": 422, "message": "The visit is not valid; see errors.",
                            "errors": flatten_errors(messages)})
            continue
        try:
            result = recorder.record(item)
        except DomainError as error:
            results.append({"id": visit_id, "status": error.status, "message": error.message, "errors": error.errors})
            continue
        if result.status == 201:
            touched.add(item["episode_id"])
        results.append({"id": visit_id, "status": result.status, "event_id": result.body["event_id"]})
    return results, touched
