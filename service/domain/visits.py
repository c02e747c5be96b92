"""Visits read from effective VisitRecorded events, in the order they happened."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from service.domain.events import VISIT_RECORDED, StoredEvent


@dataclass(frozen=True)
class GoalProgress:
    """The level of one goal observed at a visit."""

    goal_id: str
    level: int


@dataclass(frozen=True)
class Visit:
    """What the projection needs from one home visit."""

    visit_id: str
    sequence: int
    occurred_at: datetime
    duration_minutes: int
    concerns: tuple[str, ...]
    goal_progress: tuple[GoalProgress, ...]


def read_visits(events: Iterable[StoredEvent]) -> list[Visit]:
    """Return the visits ordered by when they happened (occurred_at, then sequence)."""
    visits = [read_visit(event) for event in events if event.type == VISIT_RECORDED]
    # Phones sync late, so arrival order says nothing about which visit came last.
    return sorted(visits, key=lambda visit: (visit.occurred_at, visit.sequence))


def read_visit(event: StoredEvent) -> Visit:
    """Read one VisitRecorded event."""
    data = event.data
    return Visit(
        visit_id=data["visit_id"],
        sequence=event.sequence,
        occurred_at=event.occurred_at,
        duration_minutes=int(data["duration_minutes"]),
        concerns=tuple(data.get("concerns") or ()),
        goal_progress=tuple(
            GoalProgress(goal_id=entry["goal_id"], level=int(entry["level"]))
            for entry in data.get("goal_progress") or ()
        ),
    )
