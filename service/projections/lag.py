"""How far derived state lags the log."""

from __future__ import annotations

import uuid

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from service.models import Episode, EpisodeState


def lagging_episodes_statement() -> Select[uuid.UUID, int]:
    """SELECT of (episode id, version) for every episode whose derived state is behind its stream."""
    projected = func.coalesce(EpisodeState.projected_version, 0)
    return (
        select(Episode.id, Episode.version)
        .outerjoin(EpisodeState, EpisodeState.episode_id == Episode.id)
        .where(projected < Episode.version)
    )


def projection_lag(session: Session) -> int:
    """Events appended but not yet reflected in derived state, over every episode."""
    projected = func.coalesce(EpisodeState.projected_version, 0)
    statement = (
        select(func.coalesce(func.sum(Episode.version - projected), 0))
        .select_from(Episode)
        .outerjoin(EpisodeState, EpisodeState.episode_id == Episode.id)
        .where(projected < Episode.version)
    )
    return int(session.execute(statement).scalar_one())
