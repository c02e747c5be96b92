"""Append events to an episode's stream: versions without gaps, idempotency, hash chain."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from service.events.hashing import GENESIS_HASH, envelope_hash, format_instant
from service.models import Episode, Event, utcnow
from service.observability.metrics import note_appended


@dataclass(frozen=True)
class NewEvent:
    """An event about to be appended."""

    type: str
    data: dict[str, Any]
    occurred_at: datetime

# session.info key: the episodes a transaction appended to, whose derived state needs a refresh after commit.
_APPENDED_EPISODES = "appended_episodes"


def envelope_of(event: Event) -> dict[str, Any]:
    """The event as DOMAIN.md's envelope (the form the API shows and the hash covers)."""
    return {
        "id": str(event.id),
        "episode_id": str(event.episode_id),
        "version": event.version,
        "sequence": event.sequence,
        "type": event.type,
        "data": event.data,
        "occurred_at": format_instant(event.occurred_at),
        "recorded_at": format_instant(event.recorded_at),
        "actor_id": str(event.actor_id) if event.actor_id else None,
        "prev_hash": event.prev_hash,
        "hash": event.hash,
    }


def allocate_sequences(session: Session, count: int) -> list[int]:
    """Allocate `count` global sequence numbers (unused ones leave harmless gaps).

    PostgreSQL has a real sequence; on SQLite every write transaction holds the
    database's write lock (BEGIN IMMEDIATE), so max + 1 cannot race.
    """
    if session.get_bind().dialect.name == "postgresql":
        rows = session.execute(text("SELECT nextval('event_sequence') FROM generate_series(1, :count)"),
                               {"count": count})
        return [int(value) for value in rows.scalars()]
    current = int(session.execute(select(func.max(Event.sequence))).scalar_one() or 0)
    return list(range(current + 1, current + count + 1))


def lock_stream(session: Session, episode_id: uuid.UUID) -> Episode | None:
    """Return the stream head locked for this transaction, or None if there is no such episode."""
    statement = select(Episode).where(Episode.id == episode_id).with_for_update()
    return session.execute(statement).scalar_one_or_none()


def lock_streams(session: Session, episode_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, Episode]:
    """Lock several stream heads in id order (a fixed order, so batches cannot deadlock)."""
    ordered = sorted(set(episode_ids))
    statement = select(Episode).where(Episode.id.in_(ordered)).order_by(Episode.id).with_for_update()
    return {head.id: head for head in session.execute(statement).scalars()}


def find_by_idempotency_key(session: Session, key: str) -> Event | None:
    """The event first recorded under a client-supplied idempotency key, if any."""
    return session.execute(select(Event).where(Event.idempotency_key == key)).scalar_one_or_none()


def append(
    session: Session,
    head: Episode,
    new: NewEvent,
    *,
    actor_id: uuid.UUID | None,
    idempotency_key: str | None = None,
    content_hash: str | None = None,
    sequence: int | None = None,
) -> Event:
    """Append one event to the locked stream `head` (with a pre-allocated `sequence`, if given); the caller commits."""
    event = Event(
        id=uuid.uuid4(),
        episode_id=head.id,
        version=head.version + 1,
        sequence=sequence if sequence is not None else allocate_sequences(session, 1)[0],
        type=new.type,
        data=new.data,
        occurred_at=new.occurred_at,
        recorded_at=utcnow(),
        actor_id=actor_id,
        prev_hash=head.last_hash,
        idempotency_key=idempotency_key,
        content_hash=content_hash,
    )
    event.hash = envelope_hash(envelope_of(event))
    head.version = event.version
    head.last_hash = event.hash
    session.add(event)
    note_appended(session, new.type)
    session.info.setdefault(_APPENDED_EPISODES, set()).add(head.id)
    return event


def appended_episodes(session: Session) -> set[uuid.UUID]:
    """The episodes this session has appended to since the last call (each call forgets them)."""
    episode_ids: set[uuid.UUID] = session.info.pop(_APPENDED_EPISODES, set())
    return episode_ids


def start_stream(
    session: Session,
    *,
    episode_id: uuid.UUID,
    provider_id: uuid.UUID,
    person_ref: str,
    started_on: Any,
    opened: NewEvent,
    actor_id: uuid.UUID | None,
) -> tuple[Episode, Event]:
    """Create a new episode stream whose first event is `opened`."""
    head = Episode(
        id=episode_id,
        provider_id=provider_id,
        person_ref=person_ref,
        status="open",
        started_on=started_on,
        ended_on=None,
        version=0,
        last_hash=GENESIS_HASH,
        opened_at=utcnow(),
    )
    session.add(head)
    session.flush()
    return head, append(session, head, opened, actor_id=actor_id)


def find_by_idempotency_keys(session: Session, keys: Sequence[str]) -> dict[str, Event]:
    """Events already recorded under any of these keys, by key (one query)."""
    if not keys:
        return {}
    events = session.execute(select(Event).where(Event.idempotency_key.in_(set(keys)))).scalars()
    return {event.idempotency_key: event for event in events if event.idempotency_key is not None}


def read_stream(session: Session, episode_id: uuid.UUID, *, exclude_types: Sequence[str] = ()) -> list[Event]:
    """The episode's events, oldest first (optionally without some types)."""
    statement = select(Event).where(Event.episode_id == episode_id)
    if exclude_types:
        statement = statement.where(Event.type.not_in(exclude_types))
    return list(session.execute(statement.order_by(Event.version)).scalars())


class IdempotencyConflict(Exception):
    """The idempotency key was already used with different content."""


@dataclass(frozen=True)
class AppendOutcome:
    """The event recorded for a key, and whether this call only replayed it."""

    event: Event
    replayed: bool


def append_idempotent(
    session: Session,
    head: Episode,
    *,
    key: str,
    content_hash: str,
    build: Callable[[], NewEvent],
    actor_id: uuid.UUID | None,
    known: dict[str, Event] | None = None,
    sequence: int | None = None,
) -> AppendOutcome:
    """Append `build()` unless `key` was seen: same content replays the original, other content conflicts.

    `build` runs (and may refuse by raising) only for a new key, so a phone's
    retry gets the original answer even if the episode has changed since.
    `known` is the caller's map of keys already recorded (looked up in bulk, and
    kept up to date here); without it the key is looked up and the append flushed.
    Callers hold the stream lock, so a concurrent duplicate on the same stream
    waits and then finds the first one; a duplicate key on another stream is
    refused by the unique constraint when flushed (IntegrityError).
    """
    existing = known.get(key) if known is not None else find_by_idempotency_key(session, key)
    if existing is not None:
        if existing.content_hash == content_hash and existing.episode_id == head.id:
            return AppendOutcome(existing, replayed=True)
        raise IdempotencyConflict(key)
    event = append(session, head, build(), actor_id=actor_id, idempotency_key=key, content_hash=content_hash,
                   sequence=sequence)
    if known is None:
        session.flush()
    else:
        known[key] = event
    return AppendOutcome(event, replayed=False)
