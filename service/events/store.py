"""Append events to an episode's stream: versions without gaps, idempotency, hash chain."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

import orjson
from sqlalchemy import Table, bindparam, func, insert, select, text, update
from sqlalchemy.orm import Session

from service.events.hashing import GENESIS_HASH, envelope_hash, format_instant
from service.json_columns import dumps as json_dumps
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


def envelope_of(event: Event | dict[str, Any]) -> dict[str, Any]:
    """An event (a row, or a dict of its columns) as DOMAIN.md's envelope: what the API shows and the hash covers."""
    row = event if isinstance(event, dict) else {column: getattr(event, column) for column in _ENVELOPE_COLUMNS}
    return {
        "id": str(row["id"]),
        "episode_id": str(row["episode_id"]),
        "version": row["version"],
        "sequence": row["sequence"],
        "type": row["type"],
        "data": row["data"],
        "occurred_at": format_instant(row["occurred_at"]),
        "recorded_at": format_instant(row["recorded_at"]),
        "actor_id": str(row["actor_id"]) if row["actor_id"] else None,
        "prev_hash": row["prev_hash"],
        "hash": row.get("hash"),
    }


_ENVELOPE_COLUMNS = ("id", "episode_id", "version", "sequence", "type", "data", "occurred_at", "recorded_at",
                     "actor_id", "prev_hash", "hash")


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


def read_stream(session: Session, episode_id: uuid.UUID, *, exclude_types: Sequence[str] = ()) -> list[Event]:
    """The episode's events, oldest first (optionally without some types)."""
    statement = select(Event).where(Event.episode_id == episode_id)
    if exclude_types:
        statement = statement.where(Event.type.not_in(exclude_types))
    return list(session.execute(statement.order_by(Event.version)).scalars())


# ---------------------------------------------------------------- the lean append (visits)
# Visits are most of the log's traffic, so recording them skips the ORM: plain rows in, plain
# rows out, every statement for all of a batch's visits at once. Measured back to back (bench/profile_hot_paths.py
# style, in-process) on the loaded 2-core machine, with the token cache and the facts snapshot, a visit's CPU in
# the app went from 10.5 to 6.3 ms and a batch of 500 from 155 to 98 ms (4 statements + COMMIT instead of
# 9, no ORM objects).
# On PostgreSQL the reads are then two statements (the lock; the keys and sequence numbers) and the writes
# (events, heads) one, sent as plain SQL (no compilation per call): 3 round trips + COMMIT instead of 5 + COMMIT.
# (Figures below for the first version, the reads in one statement; the second statement costs ~0.1 ms.) Measured
# with /tmp scripts back to back on the shared machine: 400 single appends + commit through the store, this
# process's CPU per append 1.7 -> 0.8 ms and the PostgreSQL backend's unchanged at 0.6 ms; POST /api/v1/visits
# (bench/profile_hot_paths.py --only visit) 3.1 -> 2.3-2.6 ms of the app's CPU, backend 0.5-0.7 ms (noise) either way.


@dataclass(frozen=True)
class LockedHead:
    """A stream head locked for this transaction (what an append needs of it)."""

    id: uuid.UUID
    provider_id: uuid.UUID
    version: int
    last_hash: str
    facts: dict[str, Any] | None


@dataclass(frozen=True)
class Recorded:
    """An event as an idempotent append answers with it: its ids, key, content hash and when it was recorded."""

    id: uuid.UUID
    episode_id: uuid.UUID
    idempotency_key: str
    content_hash: str | None
    recorded_at: datetime


@dataclass(frozen=True)
class Pending:
    """An event to append to a locked stream under an idempotency key (its id and time already given)."""

    id: uuid.UUID
    episode_id: uuid.UUID
    new: NewEvent
    actor_id: uuid.UUID | None
    key: str
    content_hash: str
    recorded_at: datetime

    def recorded(self) -> Recorded:
        """How an idempotent append answers with this event."""
        return Recorded(self.id, self.episode_id, self.key, self.content_hash, self.recorded_at)


_heads = cast(Table, Episode.__table__)
_events = cast(Table, Event.__table__)


@dataclass(frozen=True)
class OpenStreams:
    """What appending under idempotency keys starts from, read after the heads are locked.

    `heads`: the stream heads locked for this transaction (missing ids absent);
    `known`: the events already recorded under any of the keys, by key;
    `sequences`: global sequence numbers reserved for the appends, in order (unused ones leave harmless gaps).
    """

    heads: dict[uuid.UUID, LockedHead]
    known: dict[str, Recorded]
    sequences: list[int]


def open_streams(session: Session, episode_ids: Sequence[uuid.UUID], keys: Sequence[str]) -> OpenStreams:
    """Lock these stream heads (`lock_heads`), then read the keys and reserve a sequence number per key.

    On PostgreSQL the keys and sequence numbers are one plain statement (`_KEYS_AND_SEQUENCES`),
    elsewhere `recorded_under` and `allocate_sequences`: the same reads.
    """
    heads = lock_heads(session, episode_ids)
    if session.get_bind().dialect.name != "postgresql":
        return OpenStreams(heads, recorded_under(session, keys), allocate_sequences(session, len(keys)) if keys else [])
    streams = OpenStreams(heads, {}, [])
    rows = session.connection().exec_driver_sql(_KEYS_AND_SEQUENCES, {"keys": sorted(set(keys)), "count": len(keys)})
    for event_id, episode_id, key, content_hash, recorded_at, sequence in rows:
        if key is None:
            streams.sequences.append(sequence)
        else:
            streams.known[key] = Recorded(event_id, episode_id, key, content_hash, recorded_at)
    return streams


# The keys are read by a second statement, after the heads are locked: a statement sees only what was committed
# when it began, so read together with the lock they missed a visit committed while this request waited for the
# lock, and a batch repeating it failed twice on the unique key (the unit of work retries once): a 500.
# `IN (SELECT unnest(...))` rather than `= ANY(...)`: with 500 keys against 30,000 events the planner scanned
# the whole events table for `= ANY` (2.5 ms of the backend per batch, growing with the log) and probes the
# unique index for each key with `IN` (1.7 ms, flat).
_LOCK_HEADS = """
SELECT id, provider_id, version, last_hash, facts FROM episodes
WHERE id IN (SELECT unnest(%(episode_ids)s::uuid[])) ORDER BY id FOR UPDATE
"""
_KEYS_AND_SEQUENCES = """
SELECT id, episode_id, idempotency_key, content_hash, recorded_at, NULL::bigint
FROM events WHERE idempotency_key IN (SELECT unnest(%(keys)s::text[]))
UNION ALL
SELECT NULL, NULL, NULL, NULL, NULL, nextval('event_sequence') FROM generate_series(1, %(count)s)
"""


def lock_heads(session: Session, episode_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, LockedHead]:
    """Lock these stream heads in id order (so batches cannot deadlock) and read them; missing ids are absent.

    On PostgreSQL a plain statement (`_LOCK_HEADS`: no compilation per call), elsewhere the same as Core.
    """
    session.flush()  # ORM changes of this transaction (a command's append) first: these reads bypass the ORM
    ids = sorted(set(episode_ids))
    if session.get_bind().dialect.name == "postgresql":
        rows = session.connection().exec_driver_sql(_LOCK_HEADS, {"episode_ids": ids})
    else:
        rows = session.connection().execute(
            select(_heads.c.id, _heads.c.provider_id, _heads.c.version, _heads.c.last_hash, _heads.c.facts)
            .where(_heads.c.id.in_(ids)).order_by(_heads.c.id).with_for_update())
    return {head_id: LockedHead(head_id, provider_id, version, last_hash, facts)
            for head_id, provider_id, version, last_hash, facts in rows}


def recorded_under(session: Session, keys: Sequence[str]) -> dict[str, Recorded]:
    """The events already recorded under any of these idempotency keys, by key (one query)."""
    if not keys:
        return {}
    statement = select(_events.c.id, _events.c.episode_id, _events.c.idempotency_key, _events.c.content_hash,
                       _events.c.recorded_at).where(_events.c.idempotency_key.in_(set(keys)))
    return {row.idempotency_key: Recorded(*row) for row in session.connection().execute(statement)}


def append_pending(session: Session, heads: dict[uuid.UUID, LockedHead], pending: Sequence[Pending],
                   reserved: Sequence[int] = ()) -> None:
    """Append events, in order, to their locked streams: the events and the moved heads written at once.

    The same rules as `append`: each event takes the next version of its stream
    and chains to the previous event's hash (hashed over the same envelope), and
    the head moves to the last one. Sequence numbers come from `reserved` (see
    `open_streams`), or are allocated here if too few were. On PostgreSQL one
    statement (`_APPEND`), elsewhere one INSERT and one UPDATE. The caller has
    checked each event and commits.
    """
    if not pending:
        return
    sequences = list(reserved[:len(pending)]) if len(reserved) >= len(pending) \
        else allocate_sequences(session, len(pending))
    tips = {episode_id: (head.version, head.last_hash) for episode_id, head in heads.items()}
    rows: list[dict[str, Any]] = []
    for item, sequence in zip(pending, sequences, strict=True):
        version, prev_hash = tips[item.episode_id]
        row = {"id": item.id, "episode_id": item.episode_id, "version": version + 1, "sequence": sequence,
               "type": item.new.type, "data": item.new.data, "occurred_at": item.new.occurred_at,
               "recorded_at": item.recorded_at, "actor_id": item.actor_id, "prev_hash": prev_hash,
               "idempotency_key": item.key, "content_hash": item.content_hash}
        event_hash = row["hash"] = envelope_hash(envelope_of(row))
        tips[item.episode_id] = (version + 1, event_hash)
        rows.append(row)
    moved = [{"head_id": episode_id, "new_version": version, "new_hash": last_hash}
             for episode_id, (version, last_hash) in tips.items() if version != heads[episode_id].version]
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        for row in rows:
            row["data"] = orjson.Fragment(json_dumps(row["data"]))  # as the engine writes a JSON column
        connection.exec_driver_sql(_APPEND, {"events": orjson.dumps(rows).decode(),
                                             "heads": orjson.dumps(moved).decode()})
    else:
        connection.execute(insert(_events), rows)
        connection.execute(update(_heads).where(_heads.c.id == bindparam("head_id"))
                           .values(version=bindparam("new_version"), last_hash=bindparam("new_hash")), moved)
    for item in pending:
        note_appended(session, item.new.type)
    session.info.setdefault(_APPENDED_EPISODES, set()).update(item.episode_id for item in pending)
    _forget_loaded_heads(session, tips)


# The events and the heads they move, in one statement. Each is one JSON parameter (orjson: UUIDs and instants
# as RFC 4122 / RFC 3339 text) rather than an array per column: psycopg dumps arrays in Python, and measured
# in-process (1,000 single appends, back to back) this statement took 0.26 ms of the app's CPU with arrays
# and 0.11 ms with JSON, and the backend 0.04 ms less.
_APPEND = """
WITH appended AS (
    INSERT INTO events (id, episode_id, version, sequence, type, data, occurred_at, recorded_at, actor_id,
                        prev_hash, hash, idempotency_key, content_hash)
    SELECT id, episode_id, version, sequence, type, data, occurred_at, recorded_at, actor_id,
           prev_hash, hash, idempotency_key, content_hash
    FROM json_populate_recordset(NULL::events, %(events)s::json)
)
UPDATE episodes SET version = moved.new_version, last_hash = moved.new_hash
FROM json_to_recordset(%(heads)s::json) AS moved(head_id uuid, new_version int, new_hash text)
WHERE episodes.id = moved.head_id
"""


def _forget_loaded_heads(session: Session, episode_ids: Iterable[uuid.UUID]) -> None:
    """Expire ORM copies of heads changed here without the ORM, so a later command reloads them."""
    for episode_id in episode_ids:
        loaded = session.identity_map.get(session.identity_key(Episode, episode_id))
        if loaded is not None:
            session.expire(loaded, ["version", "last_hash", "facts"])


def keep_facts(session: Session, episode_id: uuid.UUID, facts: dict[str, Any]) -> None:
    """Store the write-side facts snapshot of a locked stream head."""
    session.connection().execute(update(_heads).where(_heads.c.id == episode_id).values(facts=facts))
    _forget_loaded_heads(session, [episode_id])
