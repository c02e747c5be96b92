"""Recording visits: validation against the episode, idempotency by the phone's id, batches."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

import marshmallow as ma
from sqlalchemy.orm import Session

from service.domain.checks import check_visit
from service.domain.errors import DomainError, Invalid, NoSuchEpisode, VisitIdConflict
from service.domain.events import VISIT_RECORDED
from service.domain.facts import read_facts
from service.episodes.access import can_see
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
from service.events.streams import stored_streams
from service.models import Event, User
from service.unit_of_work import commit_once
from service.visits.schemas import VisitIn

T = TypeVar("T")


@dataclass(frozen=True)
class RecordedVisit:
    """A visit stored now, or `replayed`: already stored with this id and the same content; and its receipt."""

    episode_id: uuid.UUID
    replayed: bool
    receipt: dict[str, Any]


@dataclass(frozen=True)
class BatchItem:
    """One visit of a batch, in the order sent: the phone's id, and its recording or why it was refused."""

    visit_id: Any
    outcome: RecordedVisit | DomainError


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

    def record(self, visit: dict[str, Any]) -> RecordedVisit:
        """Record one validated visit, replay it, or refuse it with a DomainError."""
        head = self.heads.get(visit["episode_id"])
        if head is None or head.id not in self.facts:
            raise NoSuchEpisode("No such episode.", "episode_id")
        user = self.user

        def build() -> NewEvent:
            check_visit(self.facts[head.id], visit, user.id)
            return NewEvent(VISIT_RECORDED, visit_data(visit, user.id), visit["occurred_at"])

        try:
            outcome = append_idempotent(self.session, head, key=str(visit["id"]),
                                        content_hash=content_hash(visit, user.id), build=build, actor_id=user.id,
                                        known=self.known, sequence=next(self.sequences))
        except IdempotencyConflict as error:
            raise VisitIdConflict("A different visit was already recorded with this id.", "id") from error
        return RecordedVisit(head.id, outcome.replayed, receipt(outcome.event))


def record_visit(session: Session, user: User, visit: dict[str, Any]) -> RecordedVisit:
    """Record one validated visit and commit; then bring its episode's derived state up to date."""
    return commit_once(session, lambda: VisitRecorder(session, user, [visit]).record(visit))


def record_batch(session: Session, user: User, raw_visits: list[Any]) -> list[BatchItem]:
    """Judge each visit alone, all in one transaction, and commit once; then refresh the episodes touched.

    Every check runs before a visit's event is added, so a refused visit writes
    nothing; if the commit fails nothing is recorded and the phone's retry of
    the whole batch converges to each visit recorded exactly once.
    """
    return commit_once(session, lambda: _record_batch(session, user, raw_visits))


def _record_batch(session: Session, user: User, raw_visits: list[Any]) -> list[BatchItem]:
    """One attempt at a batch, uncommitted."""
    schema = VisitIn()
    parsed: list[dict[str, Any] | ma.ValidationError] = []
    for raw in raw_visits:
        try:
            parsed.append(schema.load(raw) if isinstance(raw, dict) else schema.load({"_": raw}))
        except ma.ValidationError as error:
            parsed.append(error)
    recorder = VisitRecorder(session, user, [item for item in parsed if isinstance(item, dict)])
    items: list[BatchItem] = []
    for raw, item in zip(raw_visits, parsed, strict=True):
        visit_id = raw.get("id") if isinstance(raw, dict) else None
        if isinstance(item, ma.ValidationError):
            messages = item.normalized_messages()  # type: ignore[no-untyped-call]
            items.append(BatchItem(visit_id, Invalid("The visit is not valid; see errors.",
                                                     errors=flatten_errors(messages))))
            continue
        try:
            items.append(BatchItem(visit_id, recorder.record(item)))
        except DomainError as error:
            items.append(BatchItem(visit_id, error))
    return items
