"""Loading an episode's stream for the caller, and the write-side facts appends are checked against."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.domain.corrections import apply_corrections
from service.domain.errors import NotFound
from service.domain.events import (
    EPISODE_CLOSED,
    EPISODE_OPENED,
    FOLLOW_UP_RECORDED,
    WORKER_ASSIGNED,
    WORKER_UNASSIGNED,
    StoredEvent,
    parse_date,
)
from service.domain.goal_definitions import ACTIVE, GoalDefinition, read_goal_definitions
from service.events.store import lock_stream
from service.models import Episode, Event, User


def as_stored(event: Event) -> StoredEvent:
    """The projection's view of a stored event."""
    return StoredEvent(
        id=str(event.id),
        version=event.version,
        sequence=event.sequence,
        type=event.type,
        data=event.data,
        occurred_at=event.occurred_at,
        recorded_at=event.recorded_at,
        actor_id=str(event.actor_id) if event.actor_id else None,
    )


_EVENT_COLUMNS = (Event.episode_id, Event.id, Event.version, Event.sequence, Event.type, Event.data,
                  Event.occurred_at, Event.recorded_at, Event.actor_id)


def stored_streams(session: Session, episode_ids: Sequence[uuid.UUID], *,
                   exclude_types: Sequence[str] = ()) -> dict[uuid.UUID, list[StoredEvent]]:
    """Several episodes' events as the projection reads them, oldest first (one query, plain rows)."""
    statement = select(*_EVENT_COLUMNS).where(Event.episode_id.in_(set(episode_ids)))
    if exclude_types:
        statement = statement.where(Event.type.not_in(exclude_types))
    streams: dict[uuid.UUID, list[StoredEvent]] = {episode_id: [] for episode_id in episode_ids}
    for episode_id, event_id, version, sequence, kind, data, occurred_at, recorded_at, actor_id in session.execute(
            statement.order_by(Event.episode_id, Event.version)):
        streams[episode_id].append(StoredEvent(str(event_id), version, sequence, kind, data, occurred_at,
                                               recorded_at, str(actor_id) if actor_id else None))
    return streams


def can_see(user: User, provider_id: uuid.UUID) -> bool:
    """Workers and managers see their own provider; commissioners never see episodes; admins all."""
    if user.role == "admin":
        return True
    return user.role in ("worker", "manager") and user.provider_id == provider_id


def locked_head(session: Session, episode_id: uuid.UUID, user: User, field_name: str = "episode_id") -> Episode:
    """Lock the episode's stream for writing, or 404 if missing or not the caller's."""
    head = lock_stream(session, episode_id)
    if head is None or not can_see(user, head.provider_id):
        raise NotFound("No such episode.", field_name)
    return head


@dataclass(frozen=True)
class EpisodeFacts:
    """What appends are checked against, folded from the non-visit events (corrections applied)."""

    provider_id: str
    started_on: date
    planned_end_on: date
    referral_source: str
    age_at_referral: int
    hospital_discharge_on: date | None
    ended_on: date | None
    goals: dict[str, GoalDefinition]
    assignments: dict[str, list[tuple[datetime, datetime | None]]] = field(default_factory=dict)
    follow_up_recorded: bool = False

    @property
    def is_open(self) -> bool:
        """No effective closure."""
        return self.ended_on is None

    def active_goal_ids(self) -> set[str]:
        """Ids of goals neither withdrawn nor unknown."""
        return {goal_id for goal_id, goal in self.goals.items() if goal.status == ACTIVE}

    def assigned_now(self) -> set[str]:
        """Workers assigned at the end of the stream."""
        return {worker for worker, periods in self.assignments.items() if periods and periods[-1][1] is None}

    def was_assigned(self, worker_id: str, moment: datetime) -> bool:
        """Assigned now, or assigned at `moment`."""
        periods = self.assignments.get(worker_id, [])
        if worker_id in self.assigned_now():
            return True
        return any(start <= moment and (end is None or moment < end) for start, end in periods)


def read_facts(events: Sequence[StoredEvent]) -> EpisodeFacts:
    """Fold the (non-visit) events of one stream into EpisodeFacts."""
    effective = apply_corrections(events)
    opened = next(event.data for event in effective if event.type == EPISODE_OPENED)
    closed = next((event.data for event in reversed(effective) if event.type == EPISODE_CLOSED), None)
    assignments: dict[str, list[tuple[datetime, datetime | None]]] = {}
    for event in effective:
        periods = assignments.setdefault(event.data.get("worker_id", ""), [])
        if event.type == WORKER_ASSIGNED and (not periods or periods[-1][1] is not None):
            periods.append((event.occurred_at, None))
        elif event.type == WORKER_UNASSIGNED and periods and periods[-1][1] is None:
            periods[-1] = (periods[-1][0], event.occurred_at)
    assignments.pop("", None)
    discharge = opened.get("hospital_discharge_on")
    return EpisodeFacts(
        provider_id=opened["provider_id"],
        started_on=parse_date(opened["started_on"]),
        planned_end_on=parse_date(opened["planned_end_on"]),
        referral_source=opened["referral_source"],
        age_at_referral=int(opened["age_at_referral"]),
        hospital_discharge_on=parse_date(discharge) if discharge else None,
        ended_on=parse_date(closed["ended_on"]) if closed else None,
        goals={goal.id: goal for goal in read_goal_definitions(effective)},
        assignments={worker: periods for worker, periods in assignments.items() if periods},
        follow_up_recorded=any(event.type == FOLLOW_UP_RECORDED for event in effective),
    )
