"""Manager actions on episodes: open, assign, goals, close, follow-up, acknowledge a flag."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.domain.checks import check_closure, check_follow_up, check_levels, check_opening
from service.domain.errors import (
    EpisodeClosed,
    FlagNotRaised,
    FollowUpRecorded,
    GoalWithdrawn,
    Invalid,
    NoSuchGoal,
    NotAssigned,
)
from service.domain.goal_definitions import ACTIVE
from service.episodes.access import locked_head
from service.episodes.writer import EpisodeWriter, check_if_match
from service.events.store import NewEvent, start_stream
from service.models import Episode, EpisodeWorker, Provider, User, utcnow

DEFAULT_PLANNED_DAYS = 42


def iso_value(value: Any) -> Any:
    """Dates to ISO strings for event data."""
    return value.isoformat() if value is not None and hasattr(value, "isoformat") else value


def check_workers(session: Session, provider_id: uuid.UUID, worker_ids: list[uuid.UUID], field: str) -> None:
    """Every id must be a worker of the episode's provider."""
    if not worker_ids:
        return
    found = set(session.execute(select(User.id).where(
        User.id.in_(worker_ids), User.role == "worker", User.provider_id == provider_id)).scalars())
    missing = [str(worker) for worker in worker_ids if worker not in found]
    if missing:
        raise Invalid(f"Not a worker of this provider: {', '.join(missing)}.", field)


def open_episode(session: Session, user: User, body: dict[str, Any]) -> Episode:
    """Start a new episode stream with EpisodeOpened and any initial assignments."""
    provider_id: uuid.UUID = body["provider_id"]
    if (user.role == "manager" and user.provider_id != provider_id) or session.get(Provider, provider_id) is None:
        raise Invalid("Not a provider you manage.", "provider_id")
    planned_end_on = body.get("planned_end_on") or body["started_on"] + timedelta(days=DEFAULT_PLANNED_DAYS)
    check_opening(body, planned_end_on)
    worker_ids = list(dict.fromkeys(body.get("worker_ids") or []))
    check_workers(session, provider_id, worker_ids, "worker_ids")
    data = {
        "person_ref": body["person_ref"],
        "age_at_referral": body["age_at_referral"],
        "provider_id": str(provider_id),
        "referral_source": body["referral_source"],
        "referred_on": iso_value(body["referred_on"]),
        "started_on": iso_value(body["started_on"]),
        "planned_end_on": iso_value(planned_end_on),
        "hospital_discharge_on": iso_value(body.get("hospital_discharge_on")),
        "start_need_hours_per_week": float(body["start_need_hours_per_week"]),
    }
    head, _opened = start_stream(session, episode_id=uuid.uuid4(), provider_id=provider_id,
                                 person_ref=body["person_ref"], started_on=body["started_on"],
                                 opened=NewEvent("EpisodeOpened", data, utcnow()), actor_id=user.id)
    writer = EpisodeWriter(session, head, user)
    for worker_id in worker_ids:
        writer.append("WorkerAssigned", {"worker_id": str(worker_id)})
    return head


def writer_for(session: Session, user: User, episode_id: uuid.UUID, if_match: int | None) -> EpisodeWriter:
    """Lock the caller's episode, check If-Match, and return a writer for it."""
    head = locked_head(session, episode_id, user, "id")
    check_if_match(head, if_match)
    return EpisodeWriter(session, head, user)


def assign_worker(session: Session, user: User, episode_id: uuid.UUID, worker_id: uuid.UUID,
                  if_match: int | None) -> Episode:
    """Assign a worker (a no-op if already assigned)."""
    writer = writer_for(session, user, episode_id, if_match)
    check_workers(session, writer.head.provider_id, [worker_id], "worker_id")
    if str(worker_id) not in writer.facts.assigned_now():
        writer.append("WorkerAssigned", {"worker_id": str(worker_id)})
    return writer.head


def unassign_worker(session: Session, user: User, episode_id: uuid.UUID, worker_id: uuid.UUID,
                    if_match: int | None) -> Episode:
    """Unassign a worker; 404 if not assigned."""
    writer = writer_for(session, user, episode_id, if_match)
    if str(worker_id) not in writer.facts.assigned_now():
        raise NotAssigned("This worker is not assigned to the episode.", "worker_id")
    writer.append("WorkerUnassigned", {"worker_id": str(worker_id)})
    return writer.head


def set_goal(session: Session, user: User, episode_id: uuid.UUID, body: dict[str, Any],
             if_match: int | None) -> tuple[Episode, str]:
    """Add a goal to an open episode; returns the new goal's id."""
    writer = writer_for(session, user, episode_id, if_match)
    if not writer.facts.is_open:
        raise EpisodeClosed("The episode is closed.")
    check_levels(body["baseline_level"], body["target_level"])
    goal_id = str(uuid.uuid4())
    writer.append("GoalSet", {
        "goal_id": goal_id, "domain": body["domain"], "description": body["description"],
        "baseline_level": body["baseline_level"], "target_level": body["target_level"],
        "target_on": iso_value(body.get("target_on"))})
    return writer.head, goal_id


def _active_goal(writer: EpisodeWriter, goal_id: uuid.UUID) -> Any:
    """The goal, which must exist (404) and be active (409)."""
    goal = writer.facts.goals.get(str(goal_id))
    if goal is None:
        raise NoSuchGoal("No such goal in this episode.", "goal_id")
    if goal.status != ACTIVE:
        raise GoalWithdrawn("The goal has been withdrawn.", "goal_id")
    return goal


def revise_goal(session: Session, user: User, episode_id: uuid.UUID, goal_id: uuid.UUID,
                body: dict[str, Any], if_match: int | None) -> Episode:
    """Change a goal's description, target level or target date."""
    writer = writer_for(session, user, episode_id, if_match)
    goal = _active_goal(writer, goal_id)
    if not body:
        raise Invalid("Give at least one of description, target_level, target_on.", "_schema")
    if "target_level" in body:
        check_levels(goal.baseline_level, body["target_level"])
    writer.append("GoalRevised", {"goal_id": str(goal_id), **{key: iso_value(value) for key, value in body.items()}})
    return writer.head


def withdraw_goal(session: Session, user: User, episode_id: uuid.UUID, goal_id: uuid.UUID, reason: str,
                  if_match: int | None) -> Episode:
    """Withdraw a goal (it stops counting towards progress, flags and GAS)."""
    writer = writer_for(session, user, episode_id, if_match)
    _active_goal(writer, goal_id)
    writer.append("GoalWithdrawn", {"goal_id": str(goal_id), "reason": reason})
    return writer.head


def close_episode(session: Session, user: User, episode_id: uuid.UUID, body: dict[str, Any],
                  if_match: int | None) -> Episode:
    """Close the episode with its end need and outcome (409 if already closed)."""
    writer = writer_for(session, user, episode_id, if_match)
    if not writer.facts.is_open:
        raise EpisodeClosed("The episode is already closed.")
    check_closure(writer.facts.started_on, body)
    reason = body.get("cessation_reason")
    writer.append("EpisodeClosed", {"ended_on": iso_value(body["ended_on"]),
                                    "end_need_hours_per_week": float(body["end_need_hours_per_week"]),
                                    "outcome": body["outcome"],
                                    **({"cessation_reason": reason} if reason else {})})
    return writer.head


def record_follow_up(session: Session, user: User, episode_id: uuid.UUID, body: dict[str, Any],
                     if_match: int | None) -> Episode:
    """Record the 91-day follow-up of an eligible episode (once; fix mistakes with a correction)."""
    writer = writer_for(session, user, episode_id, if_match)
    facts = writer.facts
    if facts.follow_up_recorded:
        raise FollowUpRecorded("A follow-up is already recorded; correct it instead.")
    check_follow_up(facts, body)
    writer.append("FollowUpRecorded", {"assessed_on": iso_value(body["assessed_on"]), "status": body["status"]})
    return writer.head


def acknowledge_flag(session: Session, user: User, episode_id: uuid.UUID, flag: str, note: str | None,
                     if_match: int | None) -> Episode:
    """Record that a manager has seen a raised flag (409 if it is not raised)."""
    from service.episodes.reads import raised_flags

    writer = writer_for(session, user, episode_id, if_match)
    if flag not in raised_flags(session, episode_id):
        raise FlagNotRaised(f"The flag {flag} is not raised on this episode.", "flag")
    writer.append("FlagAcknowledged", {"flag": flag, "note": note})
    return writer.head


def worker_episode_ids(session: Session, worker_id: uuid.UUID) -> list[uuid.UUID]:
    """Open episodes a worker is assigned to now."""
    statement = (select(Episode.id).join(EpisodeWorker, EpisodeWorker.episode_id == Episode.id)
                 .where(EpisodeWorker.worker_id == worker_id, Episode.status == "open")
                 .order_by(Episode.started_on, Episode.id))
    return list(session.execute(statement).scalars())
