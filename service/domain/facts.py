"""What appends to an episode are checked against, folded from its stream (corrections applied)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from service.domain.corrections import apply_corrections
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
