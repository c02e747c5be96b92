"""Recording visits: validation against the episode, idempotency by the phone's id, batches."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

import marshmallow as ma
from sqlalchemy.orm import Session

from service.domain.checks import check_visit
from service.domain.errors import DomainError, Invalid, NoSuchEpisode, VisitIdConflict
from service.domain.events import VISIT_RECORDED
from service.domain.facts import EpisodeFacts, facts_from_snapshot, read_facts
from service.episodes.access import can_see
from service.errors import flatten_errors
from service.events.hashing import canonical_json, format_instant, sha256_hex
from service.events.store import (
    LockedHead,
    NewEvent,
    Pending,
    Recorded,
    append_pending,
    keep_facts,
    open_streams,
)
from service.events.streams import stored_streams
from service.models import User, utcnow
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


def receipt(event: Recorded) -> dict[str, Any]:
    """The visit endpoint's response body for a recorded visit."""
    return {"id": event.idempotency_key, "episode_id": str(event.episode_id), "event_id": str(event.id),
            "received_at": format_instant(event.recorded_at)}


def current_facts(session: Session, heads: Sequence[LockedHead]) -> dict[uuid.UUID, EpisodeFacts]:
    """The facts visits to these locked streams are checked against: the heads' snapshots.

    A head without a snapshot in the current form (an episode from before it
    existed) is folded from its non-visit events once, and the snapshot stored.
    """
    facts: dict[uuid.UUID, EpisodeFacts] = {}
    missing = []
    for head in heads:
        kept = facts_from_snapshot(head.facts)
        if kept is None:
            missing.append(head.id)
        else:
            facts[head.id] = kept
    if missing:
        for episode_id, events in stored_streams(session, missing, exclude_types=(VISIT_RECORDED,)).items():
            facts[episode_id] = read_facts(events)
            keep_facts(session, episode_id, facts[episode_id].to_snapshot())
    return facts


class VisitRecorder:
    """Records one worker's visits in one transaction: streams locked once, keys and facts read in bulk.

    Each visit is judged alone as it comes (`record`); the accepted ones are
    written together by `write`, which the caller runs before committing.
    """

    def __init__(self, session: Session, user: User, visits: list[dict[str, Any]]) -> None:
        self.session, self.user = session, user
        streams = open_streams(session, [visit["episode_id"] for visit in visits],
                               [str(visit["id"]) for visit in visits])
        self.heads = {episode_id: head for episode_id, head in streams.heads.items()
                      if can_see(user, head.provider_id)}
        self.facts = current_facts(session, list(self.heads.values()))
        self.known, self.sequences = streams.known, streams.sequences
        self.pending: list[Pending] = []

    def record(self, visit: dict[str, Any]) -> RecordedVisit:
        """Accept one validated visit, replay it, or refuse it with a DomainError."""
        head = self.heads.get(visit["episode_id"])
        if head is None:
            raise NoSuchEpisode("No such episode.", "episode_id")
        key, digest, worker_id = str(visit["id"]), content_hash(visit, self.user.id), self.user.id
        existing = self.known.get(key)
        if existing is not None:
            if existing.content_hash == digest and existing.episode_id == head.id:
                return RecordedVisit(head.id, True, receipt(existing))
            raise VisitIdConflict("A different visit was already recorded with this id.", "id")
        check_visit(self.facts[head.id], visit, worker_id)
        event = NewEvent(VISIT_RECORDED, visit_data(visit, worker_id), visit["occurred_at"])
        accepted = Pending(uuid.uuid4(), head.id, event, worker_id, key, digest, utcnow())
        self.pending.append(accepted)
        # A repeat of this id later in the same batch is a replay of this visit.
        self.known[key] = accepted.recorded()
        return RecordedVisit(head.id, False, receipt(self.known[key]))

    def write(self) -> None:
        """Append every accepted visit, in the order accepted (see `append_pending`)."""
        append_pending(self.session, self.heads, self.pending, self.sequences)
        self.sequences = self.sequences[len(self.pending):]
        self.pending = []


def _record_one(session: Session, user: User, visit: dict[str, Any]) -> RecordedVisit:
    """One attempt at a single visit, uncommitted."""
    recorder = VisitRecorder(session, user, [visit])
    recorded = recorder.record(visit)
    recorder.write()
    return recorded


def record_visit(session: Session, user: User, visit: dict[str, Any]) -> RecordedVisit:
    """Record one validated visit and commit; then bring its episode's derived state up to date."""
    return commit_once(session, lambda: _record_one(session, user, visit))


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
    recorder.write()
    return items
