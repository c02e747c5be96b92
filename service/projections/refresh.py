"""Writing episodes' derived state: recompute from whole streams, under per-episode locks."""

from __future__ import annotations

import uuid
import zlib
from collections.abc import Sequence
from datetime import date
from typing import Any

from flask import Flask
from sqlalchemy import delete, insert, select, text
from sqlalchemy.orm import Session

from service.database import db
from service.domain import DerivedEpisode, project_episode
from service.domain.calendar import today_london
from service.events.streams import stored_streams
from service.models import EpisodeFlag, EpisodeState, utcnow

LOCK_NAMESPACE = 7401

def _lock_episodes(session: Session, episode_ids: Sequence[uuid.UUID]) -> None:
    """Serialise refreshes per episode: PostgreSQL advisory locks taken in id order; SQLite writers are serial."""
    if session.get_bind().dialect.name != "postgresql":
        return
    keys = [zlib.crc32(episode_id.bytes) - (1 << 31) for episode_id in episode_ids]
    session.execute(text("SELECT pg_advisory_xact_lock(:namespace, key) FROM unnest(CAST(:keys AS integer[])) AS key"),
                    {"namespace": LOCK_NAMESPACE, "keys": keys})


def refresh_episodes(session: Session, episode_ids: Sequence[uuid.UUID], *, today: date,
                     confirmations: int) -> int:
    """Recompute and store derived state and flags of these episodes; return how many events were read.

    Runs inside the caller's transaction. Streams are read after the locks are
    taken, so a refresh never writes an older version over a newer one; the
    version check below guards the same rule against any other writer.
    """
    ids = sorted(set(episode_ids))
    if not ids:
        return 0
    _lock_episodes(session, ids)
    streams = stored_streams(session, ids)
    projected = {episode_id: version for episode_id, version in session.execute(
        select(EpisodeState.episode_id, EpisodeState.projected_version).where(EpisodeState.episode_id.in_(ids)))}
    states: list[tuple[uuid.UUID, DerivedEpisode]] = []
    for episode_id in ids:
        events = streams.get(episode_id)
        if not events:
            continue
        state = project_episode(events, today=today, achievement_confirmations=confirmations)
        if projected.get(episode_id, 0) <= state.version:
            states.append((episode_id, state))
    written = [episode_id for episode_id, _ in states]
    if written:
        session.execute(delete(EpisodeFlag).where(EpisodeFlag.episode_id.in_(written)))
        session.execute(delete(EpisodeState).where(EpisodeState.episode_id.in_(written)))
        session.execute(insert(EpisodeState), [_state_row(episode_id, state) for episode_id, state in states])
        flags = [_flag_row(episode_id, state, flag) for episode_id, state in states for flag in state.flags]
        if flags:
            session.execute(insert(EpisodeFlag), flags)
    return sum(len(events) for events in streams.values())


def refresh_now(app: Flask, episode_ids: Sequence[str | uuid.UUID]) -> None:
    """Refresh these episodes in one transaction of their own, with the app's settings, as of today."""
    with app.app_context(), db.transaction() as session:
        refresh_episodes(session, [uuid.UUID(str(episode_id)) for episode_id in episode_ids], today=today_london(),
                         confirmations=app.config["ACHIEVEMENT_CONFIRMATIONS"])


def _flag_row(episode_id: uuid.UUID, state: DerivedEpisode, flag: Any) -> dict[str, Any]:
    """An episode_flags row."""
    return {"episode_id": episode_id, "flag": flag.flag, "provider_id": uuid.UUID(state.provider_id),
            "person_ref": state.person_ref, "raised_at": flag.raised_at, "detail": flag.detail,
            "acknowledged": flag.acknowledged}


def _state_row(episode_id: uuid.UUID, state: DerivedEpisode) -> dict[str, Any]:
    """An episode_states row."""
    follow_up = state.follow_up
    return {
        "episode_id": episode_id,
        "provider_id": uuid.UUID(state.provider_id),
        "projected_version": state.version,
        "refreshed_at": utcnow(),
        "person_ref": state.person_ref,
        "age_at_referral": state.age_at_referral,
        "referral_source": state.referral_source,
        "referred_on": state.referred_on,
        "started_on": state.started_on,
        "planned_end_on": state.planned_end_on,
        "hospital_discharge_on": state.hospital_discharge_on,
        "status": state.status,
        "ended_on": state.ended_on,
        "length_of_stay_days": (state.ended_on - state.started_on).days if state.ended_on else None,
        "start_need_hours_per_week": state.start_need_hours_per_week,
        "end_need_hours_per_week": state.end_need_hours_per_week,
        "outcome": state.outcome,
        "cessation_reason": state.cessation_reason,
        "follow_up_eligible": follow_up is not None,
        "follow_up_status": follow_up.status if follow_up else None,
        "follow_up_assessed_on": follow_up.assessed_on if follow_up else None,
        "visits": state.visits,
        "contact_minutes": state.contact_minutes,
        "last_visit_at": state.last_visit_at,
        "gas_t_score": state.gas_t_score,
        "active_goals": state.active_goals,
        "achieved_goals": state.achieved_goals,
        "document": state.to_dict(),
    }
