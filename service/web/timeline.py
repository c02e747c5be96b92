"""An episode's history in plain words: one entry per event, ordered by when it happened in the world.

Corrections are not entries of their own: each original event carries them (who corrected or voided it, when
and why) and shows its effective wording, with the wording as first recorded kept beside it. The event-log
details (version, sequence, hashes, raw data) travel with each entry for the "Technical details" disclosure.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from service.models import Event
from service.web.formatting import day, number
from service.web.labels import (
    CONCERN_LABELS,
    FLAG_LABELS,
    FOLLOW_UP_LABELS,
    GOAL_DOMAIN_LABELS,
    OUTCOME_LABELS,
    REFERRAL_LABELS,
)

# Event types whose data a manager may replace (the others can only be voided); EpisodeOpened cannot be voided.
REPLACEABLE = ("VisitRecorded", "EpisodeClosed", "FollowUpRecorded", "GoalSet", "EpisodeOpened")
NOT_VOIDABLE = ("EpisodeOpened",)
CORRECTION = "EventCorrected"


@dataclass(frozen=True)
class CorrectionNote:
    """One correction of an event: who, when, why, and whether it voided the event."""

    by: str
    recorded_at: datetime
    reason: str
    void: bool
    wording: str | None


@dataclass(frozen=True)
class Technical:
    """The event-log envelope of an event, for the collapsed 'Technical details'."""

    event_id: str
    type: str
    version: int
    sequence: int
    occurred_at: str
    recorded_at: str
    prev_hash: str
    hash: str
    data: str


@dataclass
class TimelineEntry:
    """One thing that happened, in words; `status` is 'recorded', 'corrected' or 'voided'."""

    event_id: str
    type: str
    occurred_at: datetime
    recorded_at: datetime
    actor: str
    headline: str
    details: list[str]
    original: str
    technical: Technical
    data: dict[str, Any]
    corrections: list[CorrectionNote] = field(default_factory=list)
    corrections_technical: list[Technical] = field(default_factory=list)

    @property
    def status(self) -> str:
        """Whether the event stands as recorded, was corrected, or was voided (by its latest correction)."""
        if not self.corrections:
            return "recorded"
        return "voided" if self.corrections[-1].void else "corrected"

    @property
    def replaceable(self) -> bool:
        """A manager may replace this event's details."""
        return self.type in REPLACEABLE

    @property
    def voidable(self) -> bool:
        """A manager may void this event."""
        return self.type not in NOT_VOIDABLE


@dataclass(frozen=True)
class Wording:
    """What the wording of an event needs: names of people and goals, and the goals' levels so far."""

    people: Mapping[str, str]
    goals: Mapping[str, str]

    def person(self, user_id: Any) -> str:
        """A user's name, or 'someone' for an unknown id."""
        return self.people.get(str(user_id), "someone")

    def goal(self, goal_id: Any) -> str:
        """A goal's words, or 'a goal' for an unknown id."""
        return self.goals.get(str(goal_id), "a goal")


def hours(value: Any) -> str:
    """Hours per week as e.g. '12.5 h/week'."""
    figure = float(value or 0)
    return f"{figure:g} h/week" if figure == int(figure) else f"{number(figure, 1)} h/week"


def _visit(data: Mapping[str, Any], words: Wording, before: Mapping[str, int] | None) -> tuple[str, list[str]]:
    """'Visit by Sam, 45 min, 2 carers — Make a cup of tea: 3 → 4', and the visit's other details."""
    carers = int(data.get("carers") or 1)
    headline = (f"Visit by {words.person(data.get('worker_id'))}, {data.get('duration_minutes')} min, "
                f"{carers} carer{'s' if carers != 1 else ''}")
    progress = []
    for item in data.get("goal_progress") or []:
        previous = (before or {}).get(str(item["goal_id"]))
        change = f"{previous} → {item['level']}" if previous is not None else f"level {item['level']}"
        progress.append(f"{words.goal(item['goal_id'])}: {change}")
    if progress:
        headline += " — " + "; ".join(progress)
    details = []
    if data.get("wellbeing") is not None:
        details.append(f"Wellbeing {data['wellbeing']} of 5")
    if data.get("concerns"):
        details.append("Concerns: " + ", ".join(CONCERN_LABELS.get(c, c) for c in data["concerns"]))
    if data.get("ready_for_discharge"):
        details.append("Ready for discharge")
    for item in data.get("goal_progress") or []:
        if item.get("note"):
            details.append(f"On {words.goal(item['goal_id'])}: {item['note']}")
    if data.get("note"):
        details.append(f"Note: {data['note']}")
    return headline, details


def wording(kind: str, data: Mapping[str, Any], words: Wording,
            before: Mapping[str, int] | None = None) -> tuple[str, list[str]]:
    """An event in plain words: a headline and detail lines."""
    if kind == "VisitRecorded":
        return _visit(data, words, before)
    if kind == "EpisodeOpened":
        source = REFERRAL_LABELS.get(data.get("referral_source", ""), "a referral")
        details = [f"Age {data.get('age_at_referral')} at referral, referred on {day(data.get('referred_on'))}",
                   f"Started {day(data.get('started_on'))}, planned end {day(data.get('planned_end_on'))}"]
        if data.get("hospital_discharge_on"):
            details.append(f"Discharged from hospital on {day(data['hospital_discharge_on'])}")
        return (f"Episode opened for {data.get('person_ref')} — from {source.lower()}, start need "
                f"{hours(data.get('start_need_hours_per_week'))}", details)
    if kind == "WorkerAssigned":
        return f"{words.person(data.get('worker_id'))} assigned", []
    if kind == "WorkerUnassigned":
        return f"{words.person(data.get('worker_id'))} unassigned", []
    if kind == "GoalSet":
        target_on = f" by {day(data['target_on'])}" if data.get("target_on") else ""
        return (f"Goal set: {data.get('description')} — level {data.get('baseline_level')} now, target "
                f"{data.get('target_level')}{target_on}",
                [f"Area: {GOAL_DOMAIN_LABELS.get(data.get('domain', ''), data.get('domain'))}"])
    if kind == "GoalRevised":
        changes = []
        if "description" in data:
            changes.append(f"words now “{data['description']}”")
        if "target_level" in data:
            changes.append(f"target level {data['target_level']}")
        if "target_on" in data:
            changes.append(f"target date {day(data['target_on'])}" if data["target_on"] else "no target date")
        return f"Goal revised: {words.goal(data.get('goal_id'))} — {', '.join(changes) or 'no change'}", []
    if kind == "GoalWithdrawn":
        return f"Goal withdrawn: {words.goal(data.get('goal_id'))}", [f"Reason: {data.get('reason')}"]
    if kind == "EpisodeClosed":
        return (f"Episode closed on {day(data.get('ended_on'))} — "
                f"{OUTCOME_LABELS.get(data.get('outcome', ''), data.get('outcome'))}",
                [f"End need {hours(data.get('end_need_hours_per_week'))}"])
    if kind == "FollowUpRecorded":
        return (f"91-day follow-up: {FOLLOW_UP_LABELS.get(data.get('status', ''), data.get('status'))}",
                [f"Assessed on {day(data.get('assessed_on'))}"])
    if kind == "FlagAcknowledged":
        note = [f"Note: {data['note']}"] if data.get("note") else []
        return f"Flag acknowledged: {FLAG_LABELS.get(data.get('flag', ''), data.get('flag'))}", note
    return kind, []


def technical(event: Event) -> Technical:
    """The envelope of a stored event, as text."""
    return Technical(event_id=str(event.id), type=event.type, version=event.version, sequence=event.sequence,
                     occurred_at=event.occurred_at.isoformat(), recorded_at=event.recorded_at.isoformat(),
                     prev_hash=event.prev_hash, hash=event.hash,
                     data=json.dumps(event.data, indent=2, sort_keys=True, ensure_ascii=False))


def _effective(event: Event, fixes: Sequence[Event]) -> tuple[dict[str, Any], datetime, bool]:
    """The event's data and time after its latest correction, and whether that voided it."""
    if not fixes:
        return event.data, event.occurred_at, False
    latest = fixes[-1].data
    if latest.get("void"):
        return event.data, event.occurred_at, True
    data = latest["data"]
    moment = datetime.fromisoformat(data["occurred_at"]) if event.type == "VisitRecorded" else event.occurred_at
    return data, moment, False


def _baselines(effective: Mapping[str, tuple[Event, dict[str, Any], datetime, bool]]) -> dict[str, int]:
    """Each goal's baseline level as its (effective) GoalSet gives it."""
    return {str(data["goal_id"]): int(data["baseline_level"])
            for event, data, _, voided in effective.values() if event.type == "GoalSet" and not voided}


def in_world_order(item: tuple[Event, dict[str, Any], datetime, bool]) -> tuple[bool, datetime, int]:
    """When it happened in the world (ties: order of arrival); the opening always first, as it starts the story."""
    event, _, moment, _ = item
    return event.type != "EpisodeOpened", moment, event.sequence


def build_timeline(events: Sequence[Event], people: Mapping[str, str], goals: Mapping[str, str]) -> list[TimelineEntry]:
    """Every event but corrections, in words, ordered by when it happened (see `in_world_order`)."""
    words = Wording(people=people, goals=goals)
    fixes: dict[str, list[Event]] = {}
    for event in sorted(events, key=lambda item: item.sequence):
        if event.type == CORRECTION:
            fixes.setdefault(str(event.data.get("corrects")), []).append(event)
    effective = {str(event.id): (event, *_effective(event, fixes.get(str(event.id), [])))
                 for event in events if event.type != CORRECTION}
    levels = _baselines(effective)
    entries = []
    for event, data, moment, voided in sorted(effective.values(), key=in_world_order):
        before = dict(levels) if event.type == "VisitRecorded" else None
        if event.type == "VisitRecorded" and not voided:
            for item in data.get("goal_progress") or []:
                levels[str(item["goal_id"])] = int(item["level"])
        headline, details = wording(event.type, data, words, before)
        first, first_details = wording(event.type, event.data, words)
        original = ". ".join([first, *first_details])
        entry = TimelineEntry(event_id=str(event.id), type=event.type, occurred_at=moment,
                              recorded_at=event.recorded_at, actor=words.person(event.actor_id)
                              if event.actor_id else "the system", headline=headline, details=details,
                              original=original, technical=technical(event), data=data)
        for fix in fixes.get(str(event.id), []):
            replacement = fix.data.get("data")
            entry.corrections.append(CorrectionNote(
                by=words.person(fix.actor_id), recorded_at=fix.recorded_at, reason=str(fix.data.get("reason", "")),
                void=bool(fix.data.get("void")),
                wording=wording(event.type, replacement, words)[0] if isinstance(replacement, dict) else None))
            entry.corrections_technical.append(technical(fix))
        entries.append(entry)
    return entries

