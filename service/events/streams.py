"""Episodes' event streams read from the log as the projection and the write-side checks see them."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, bindparam, select
from sqlalchemy.orm import Session

from service.domain.events import StoredEvent
from service.models import EpisodeState, Event


def as_stored(event: Event) -> StoredEvent:
    """The projection's view of a stored event."""
    return StoredEvent(
        id=str(event.id),
        version=event.version,
        sequence=event.sequence,
        type=event.type,
        data=event.data,
        occurred_at=event.occurred_at,
        recorded_at=event.recorded_at,
        actor_id=str(event.actor_id) if event.actor_id else None,
    )


_EVENT_COLUMNS = (Event.episode_id, Event.id, Event.version, Event.sequence, Event.type, Event.data,
                  Event.occurred_at, Event.recorded_at, Event.actor_id)
_STREAM_STATEMENTS: dict[tuple[tuple[str, ...], bool], Select[Any]] = {}


def _stream_statement(exclude_types: tuple[str, ...], after_projected: bool) -> Select[Any]:
    """The stream query for these options, built once: building a statement cost more than running it
    (cProfile of a visit's refresh, bench/profile_hot_paths.py)."""
    key = (exclude_types, after_projected)
    if key not in _STREAM_STATEMENTS:
        statement = select(*_EVENT_COLUMNS).where(Event.episode_id.in_(bindparam("episode_ids", expanding=True)))
        if exclude_types:
            statement = statement.where(Event.type.not_in(exclude_types))
        if after_projected:
            statement = statement.join(EpisodeState, EpisodeState.episode_id == Event.episode_id).where(
                Event.version > EpisodeState.projected_version)
        _STREAM_STATEMENTS[key] = statement.order_by(Event.episode_id, Event.version)
    return _STREAM_STATEMENTS[key]


def stored_streams(session: Session, episode_ids: Sequence[uuid.UUID], *, exclude_types: Sequence[str] = (),
                   after_projected: bool = False) -> dict[uuid.UUID, list[StoredEvent]]:
    """Several episodes' events as the projection reads them, oldest first (one query, plain rows).

    `after_projected`: only the events after each episode's derived state (its projected_version).
    """
    session.flush()  # this transaction's own appends first (the query bypasses the ORM)
    statement = _stream_statement(tuple(exclude_types), after_projected)
    streams: dict[uuid.UUID, list[StoredEvent]] = {episode_id: [] for episode_id in episode_ids}
    rows = session.connection().execute(statement, {"episode_ids": list(set(episode_ids))})
    for episode_id, event_id, version, sequence, kind, data, occurred_at, recorded_at, actor_id in rows:
        streams[episode_id].append(StoredEvent(str(event_id), version, sequence, kind, data, occurred_at,
                                               recorded_at, str(actor_id) if actor_id else None))
    return streams
