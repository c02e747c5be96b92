"""What appends to an episode are checked against, folded from its stream (corrections applied)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from service.domain.corrections import apply_corrections
from service.domain.events import (
    EPISODE_CLOSED,
    EPISODE_OPENED,
    FOLLOW_UP_RECORDED,
    WORKER_ASSIGNED,
    WORKER_UNASSIGNED,
    StoredEvent,
    parse_date,
    parse_optional_date,
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

    def to_snapshot(self) -> dict[str, Any]:
        """These facts as JSON, to keep on the stream head (see `facts_from_snapshot`)."""
        return {
            "form": SNAPSHOT_FORM,
            "provider_id": self.provider_id,
            "started_on": self.started_on.isoformat(),
            "planned_end_on": self.planned_end_on.isoformat(),
            "referral_source": self.referral_source,
            "age_at_referral": self.age_at_referral,
            "hospital_discharge_on": _iso(self.hospital_discharge_on),
            "ended_on": _iso(self.ended_on),
            "goals": [[goal.id, goal.domain, goal.description, goal.baseline_level, goal.target_level,
                       _iso(goal.target_on), goal.status] for goal in self.goals.values()],
            "assignments": {worker: [[start.isoformat(), _iso(end)] for start, end in periods]
                            for worker, periods in self.assignments.items()},
            "follow_up_recorded": self.follow_up_recorded,
        }


# Bump when EpisodeFacts changes shape: heads holding another form are refolded from their streams.
SNAPSHOT_FORM = 1


def _iso(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def facts_from_snapshot(snapshot: dict[str, Any] | None) -> EpisodeFacts | None:
    """The facts kept on a stream head, or None when there are none in the current form (fold the stream)."""
    if not snapshot or snapshot.get("form") != SNAPSHOT_FORM:
        return None
    return EpisodeFacts(
        provider_id=snapshot["provider_id"],
        started_on=date.fromisoformat(snapshot["started_on"]),
        planned_end_on=date.fromisoformat(snapshot["planned_end_on"]),
        referral_source=snapshot["referral_source"],
        age_at_referral=snapshot["age_at_referral"],
        hospital_discharge_on=parse_optional_date(snapshot["hospital_discharge_on"]),
        ended_on=parse_optional_date(snapshot["ended_on"]),
        goals={goal_id: GoalDefinition(goal_id, domain, description, baseline, target,
                                       parse_optional_date(target_on), status)
               for goal_id, domain, description, baseline, target, target_on, status in snapshot["goals"]},
        assignments={worker: [(datetime.fromisoformat(start), None if end is None else datetime.fromisoformat(end))
                              for start, end in periods]
                     for worker, periods in snapshot["assignments"].items()},
        follow_up_recorded=snapshot["follow_up_recorded"],
    )


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
