"""Writing one episode's derived state: recompute from the whole stream, under a per-episode lock."""

from __future__ import annotations

import uuid
import zlib
from datetime import date

from sqlalchemy import delete, select, text
from sqlalchemy.orm import Session

from service.episodes.stream import as_stored
from service.events.store import read_stream
from service.models import EpisodeFlag, EpisodeState, utcnow
from workers.projection import project_episode


def _lock_episode(session: Session, episode_id: uuid.UUID) -> None:
    """Serialise refreshes of one episode (PostgreSQL advisory lock; SQLite writers are serial already)."""
    if session.get_bind().dialect.name == "postgresql":
        key = zlib.crc32(episode_id.bytes)
        session.execute(text("SELECT pg_advisory_xact_lock(:namespace, :key)"),
                        {"namespace": 7401, "key": key - (1 << 31)})


def refresh_episode_state(session: Session, episode_id: uuid.UUID, *, today: date, confirmations: int) -> int:
    """Recompute and store the episode's derived state and flags; return the projected version.

    Runs inside the caller's transaction. The stream is read after the lock is
    taken, so a refresh never writes an older version over a newer one.
    """
    _lock_episode(session, episode_id)
    events = read_stream(session, episode_id)
    if not events:
        return 0
    state = project_episode([as_stored(event) for event in events], today=today,
                            achievement_confirmations=confirmations)
    row = session.execute(select(EpisodeState).where(EpisodeState.episode_id == episode_id)
                          .with_for_update()).scalar_one_or_none()
    if row is not None and row.projected_version > state.version:
        return row.projected_version
    if row is None:
        row = EpisodeState(episode_id=episode_id)
        session.add(row)
    _fill(row, state, state.version)
    session.execute(delete(EpisodeFlag).where(EpisodeFlag.episode_id == episode_id))
    session.add_all(
        EpisodeFlag(episode_id=episode_id, flag=flag.flag, provider_id=row.provider_id, person_ref=state.person_ref,
                    raised_at=flag.raised_at, detail=flag.detail, acknowledged=flag.acknowledged)
        for flag in state.flags)
    return state.version


def _fill(row: EpisodeState, state: object, version: int) -> None:
    """Copy derived values onto the row."""
    from workers.projection import EpisodeState as Derived

    assert isinstance(state, Derived)
    row.provider_id = uuid.UUID(state.provider_id)
    row.projected_version = version
    row.refreshed_at = utcnow()
    row.person_ref = state.person_ref
    row.age_at_referral = state.age_at_referral
    row.referral_source = state.referral_source
    row.referred_on = state.referred_on
    row.started_on = state.started_on
    row.planned_end_on = state.planned_end_on
    row.hospital_discharge_on = state.hospital_discharge_on
    row.status = state.status
    row.ended_on = state.ended_on
    row.length_of_stay_days = (state.ended_on - state.started_on).days if state.ended_on else None
    row.start_need_hours_per_week = state.start_need_hours_per_week
    row.end_need_hours_per_week = state.end_need_hours_per_week
    row.outcome = state.outcome
    row.follow_up_eligible = state.follow_up is not None
    row.follow_up_status = state.follow_up.status if state.follow_up else None
    row.follow_up_assessed_on = state.follow_up.assessed_on if state.follow_up else None
    row.visits = state.visits
    row.contact_minutes = state.contact_minutes
    row.last_visit_at = state.last_visit_at
    row.gas_t_score = state.gas_t_score
    row.active_goals = state.active_goals
    row.achieved_goals = state.achieved_goals
    row.document = state.to_dict()
