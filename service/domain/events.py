"""Stored events as the projection reads them, event type names and value parsing."""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

EPISODE_OPENED = "EpisodeOpened"
WORKER_ASSIGNED = "WorkerAssigned"
WORKER_UNASSIGNED = "WorkerUnassigned"
GOAL_SET = "GoalSet"
GOAL_REVISED = "GoalRevised"
GOAL_WITHDRAWN = "GoalWithdrawn"
VISIT_RECORDED = "VisitRecorded"
EPISODE_CLOSED = "EpisodeClosed"
FOLLOW_UP_RECORDED = "FollowUpRecorded"
FLAG_ACKNOWLEDGED = "FlagAcknowledged"
EVENT_CORRECTED = "EventCorrected"


@dataclass(frozen=True)
class StoredEvent:
    """One event of an episode's stream, with its data already JSON-decoded."""

    id: str
    version: int
    sequence: int
    type: str
    data: dict[str, Any]
    occurred_at: datetime
    recorded_at: datetime
    actor_id: str | None


def parse_date(value: str) -> date:
    """Parse a "YYYY-MM-DD" date from event data."""
    return date.fromisoformat(value)


def parse_optional_date(value: str | None) -> date | None:
    """Parse a "YYYY-MM-DD" date from event data, keeping None."""
    return None if value is None else parse_date(value)


def parse_timestamp(value: str) -> datetime:
    """Parse an ISO-8601 timestamp from event data; it must carry an offset."""
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        # Naive times cannot be ordered against device times from other phones.
        raise ValueError(f"timestamp without UTC offset: {value!r}")
    return moment
