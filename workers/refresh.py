"""Writing episodes' derived state: recompute from whole streams, under per-episode locks."""

from __future__ import annotations

import uuid
import zlib
from collections import defaultdict
from collections.abc import Sequence
from datetime import date

from sqlalchemy import delete, select, text
from sqlalchemy.orm import Session

from service.episodes.stream import as_stored
from service.models import EpisodeFlag, EpisodeState, Event, utcnow
from workers.projection import EpisodeState as DerivedEpisode
from workers.projection import project_episode

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
    taken, so a refresh never writes an older version over a newer one.
    """
    ids = sorted(set(episode_ids))
    if not ids:
        return 0
    _lock_episodes(session, ids)
    streams: dict[uuid.UUID, list[Event]] = defaultdict(list)
    for event in session.execute(select(Event).where(Event.episode_id.in_(ids))
                                 .order_by(Event.episode_id, Event.version)).scalars():
        streams[event.episode_id].append(event)
    rows = {row.episode_id: row for row in session.execute(
        select(EpisodeState).where(EpisodeState.episode_id.in_(ids)).with_for_update()).scalars()}
    written: list[tuple[uuid.UUID, DerivedEpisode]] = []
    for episode_id in ids:
        events = streams.get(episode_id)
        if not events:
            continue
        state = project_episode([as_stored(event) for event in events], today=today,
                                achievement_confirmations=confirmations)
        row = rows.get(episode_id)
        if row is not None and row.projected_version > state.version:
            continue
        if row is None:
            row = EpisodeState(episode_id=episode_id)
            session.add(row)
        _fill(row, state)
        written.append((episode_id, state))
    session.execute(delete(EpisodeFlag).where(EpisodeFlag.episode_id.in_([episode_id for episode_id, _ in written])))
    session.add_all(
        EpisodeFlag(episode_id=episode_id, flag=flag.flag, provider_id=uuid.UUID(state.provider_id),
                    person_ref=state.person_ref, raised_at=flag.raised_at, detail=flag.detail,
                    acknowledged=flag.acknowledged)
        for episode_id, state in written for flag in state.flags)
    return sum(len(events) for events in streams.values())


def _fill(row: EpisodeState, state: DerivedEpisode) -> None:
    """Copy derived values onto the row."""
    row.provider_id = uuid.UUID(state.provider_id)
    row.projected_version = state.version
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
