"""Goal definitions as left by GoalSet, GoalRevised and GoalWithdrawn events."""

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from service.domain.events import (
    GOAL_REVISED,
    GOAL_SET,
    GOAL_WITHDRAWN,
    StoredEvent,
    parse_optional_date,
)

ACTIVE = "active"
WITHDRAWN = "withdrawn"


@dataclass(frozen=True)
class GoalDefinition:
    """What a goal is, independent of any observation."""

    id: str
    domain: str
    description: str
    baseline_level: int
    target_level: int
    target_on: date | None
    status: str


def read_goal_definitions(events: Iterable[StoredEvent]) -> list[GoalDefinition]:
    """Return the final goal definitions, in the order goals were set."""
    goals: dict[str, GoalDefinition] = {}
    for event in events:
        data = event.data
        if event.type == GOAL_SET:
            goals[data["goal_id"]] = _goal_set(data)
        elif event.type == GOAL_REVISED and data["goal_id"] in goals:
            goals[data["goal_id"]] = replace(goals[data["goal_id"]], **_revisions(data))
        elif event.type == GOAL_WITHDRAWN and data["goal_id"] in goals:
            goals[data["goal_id"]] = replace(goals[data["goal_id"]], status=WITHDRAWN)
    return list(goals.values())


def _goal_set(data: dict[str, Any]) -> GoalDefinition:
    """Read a GoalSet event's data."""
    return GoalDefinition(
        id=data["goal_id"],
        domain=data["domain"],
        description=data["description"],
        baseline_level=int(data["baseline_level"]),
        target_level=int(data["target_level"]),
        target_on=parse_optional_date(data.get("target_on")),
        status=ACTIVE,
    )


def _revisions(data: dict[str, Any]) -> dict[str, Any]:
    """Return the fields a GoalRevised event changes (only those present in its data)."""
    changes: dict[str, Any] = {}
    if "description" in data:
        changes["description"] = data["description"]
    if "target_level" in data:
        changes["target_level"] = int(data["target_level"])
    if "target_on" in data:
        changes["target_on"] = parse_optional_date(data["target_on"])
    return changes
