"""Episodes' event streams read from the log as the projection and the write-side checks see them."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.domain.events import StoredEvent
from service.models import Event


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


def stored_streams(session: Session, episode_ids: Sequence[uuid.UUID], *,
                   exclude_types: Sequence[str] = ()) -> dict[uuid.UUID, list[StoredEvent]]:
    """Several episodes' events as the projection reads them, oldest first (one query, plain rows)."""
    statement = select(*_EVENT_COLUMNS).where(Event.episode_id.in_(set(episode_ids)))
    if exclude_types:
        statement = statement.where(Event.type.not_in(exclude_types))
    streams: dict[uuid.UUID, list[StoredEvent]] = {episode_id: [] for episode_id in episode_ids}
    for episode_id, event_id, version, sequence, kind, data, occurred_at, recorded_at, actor_id in session.execute(
            statement.order_by(Event.episode_id, Event.version)):
        streams[episode_id].append(StoredEvent(str(event_id), version, sequence, kind, data, occurred_at,
                                               recorded_at, str(actor_id) if actor_id else None))
    return streams
