"""Everything the manager's episode page shows: the episode, goal charts, visit timeline and event log."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from service.admin.accounts import usernames_by_id
from service.domain.corrections import apply_corrections
from service.domain.events import EVENT_CORRECTED, VISIT_RECORDED
from service.episodes.reads import read_episode
from service.events.store import read_stream
from service.events.streams import as_stored
from service.models import Event, User
from service.web.charts import Chart, goal_chart


@dataclass(frozen=True)
class GoalView:
    """One goal as the API shows it, with its chart."""

    goal: dict[str, Any]
    chart: Chart


@dataclass(frozen=True)
class VisitEntry:
    """One home visit as recorded (or as corrected)."""

    occurred_at: datetime
    worker: str
    duration_minutes: int
    carers: int
    wellbeing: int | None
    concerns: list[str]
    note: str | None
    progress: list[tuple[str, int, str | None]]
    ready_for_discharge: bool | None
    corrected: bool


@dataclass(frozen=True)
class LogEntry:
    """One event of the stream; `corrections` are the later events that correct it."""

    version: int
    type: str
    occurred_at: datetime
    recorded_at: datetime
    actor: str
    fields: list[tuple[str, str]]
    corrects: int | None = None
    corrections: list[LogEntry] = field(default_factory=list)


@dataclass(frozen=True)
class EpisodePage:
    """The episode page's content."""

    episode: dict[str, Any]
    goals: list[GoalView]
    visits: list[VisitEntry]
    log: list[LogEntry]


def _shown(value: Any, names: Mapping[str, str]) -> str:
    """An event data value as text, with known ids replaced by names."""
    if isinstance(value, Mapping):
        return "; ".join(f"{key}: {_shown(item, names)}" for key, item in value.items() if item is not None)
    if isinstance(value, list):
        return " | ".join(_shown(item, names) for item in value) or "none"
    if isinstance(value, str):
        return names.get(value, value)
    return "none" if value is None else str(value)


def _goal_view(goal: dict[str, Any], start: date, end: date) -> GoalView:
    """A goal with the chart of its observations."""
    observations = [(datetime.fromisoformat(item["occurred_at"].replace("Z", "+00:00")), int(item["level"]))
                    for item in goal["observations"]]
    chart = goal_chart(goal["description"], observations, goal["baseline_level"], goal["target_level"], start, end)
    return GoalView(goal=goal, chart=chart)


def _visits(events: list[Event], names: Mapping[str, str], goals: Mapping[str, str]) -> list[VisitEntry]:
    """The visits as they stand after corrections, in the order they happened."""
    corrected = {str(event.data.get("corrects")) for event in events if event.type == EVENT_CORRECTED}
    effective = [event for event in apply_corrections([as_stored(event) for event in events])
                 if event.type == VISIT_RECORDED]
    entries = []
    for event in sorted(effective, key=lambda item: (item.occurred_at, item.sequence)):
        data = event.data
        entries.append(VisitEntry(
            occurred_at=event.occurred_at, worker=names.get(str(data.get("worker_id")), "a worker"),
            duration_minutes=int(data.get("duration_minutes") or 0), carers=int(data.get("carers") or 1),
            wellbeing=data.get("wellbeing"), concerns=list(data.get("concerns") or []), note=data.get("note"),
            progress=[(goals.get(item["goal_id"], "a goal"), int(item["level"]), item.get("note"))
                      for item in data.get("goal_progress") or []],
            ready_for_discharge=data.get("ready_for_discharge"), corrected=event.id in corrected))
    return entries


def _log(events: list[Event], names: Mapping[str, str]) -> list[LogEntry]:
    """The stream oldest first, each correction also listed under the event it corrects."""
    versions = {str(event.id): event.version for event in events}
    entries: dict[str, LogEntry] = {}
    for event in events:
        target = str(event.data.get("corrects")) if event.type == EVENT_CORRECTED else None
        entry = LogEntry(version=event.version, type=event.type, occurred_at=event.occurred_at,
                         recorded_at=event.recorded_at, actor=names.get(str(event.actor_id), "system"),
                         fields=[(key, _shown(value, names)) for key, value in event.data.items()
                                 if key != "corrects"],
                         corrects=versions.get(target) if target else None)
        entries[str(event.id)] = entry
        if target in entries:
            entries[target].corrections.append(entry)
    return list(entries.values())


def episode_page(session: Session, user: User, episode_id: uuid.UUID) -> EpisodePage:
    """The page of an episode the user may see (404 otherwise, e.g. for commissioners)."""
    episode = read_episode(session, user, episode_id)
    events = read_stream(session, episode_id)
    ids = {str(event.actor_id) for event in events if event.actor_id}
    ids |= {str(event.data["worker_id"]) for event in events if event.data.get("worker_id")}
    names = usernames_by_id(session, ids)
    goal_names = {goal["id"]: goal["description"] for goal in episode["goals"]}
    start = date.fromisoformat(episode["started_on"])
    end = date.fromisoformat(episode["ended_on"] or episode["planned_end_on"])
    return EpisodePage(
        episode=episode,
        goals=[_goal_view(goal, start, end) for goal in episode["goals"]],
        visits=_visits(events, names, goal_names),
        log=_log(events, {**names, **goal_names}),
    )
