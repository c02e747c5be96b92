"""Event store guarantees: gap-free versions, idempotent append, append-only triggers, tamper detection."""

from __future__ import annotations

import threading
import uuid
from datetime import UTC, date, datetime
from itertools import pairwise

import pytest
from flask import Flask
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError, IntegrityError

from service.database import db
from service.events.hashing import GENESIS_HASH, envelope_hash
from service.events.store import (
    NewEvent,
    Pending,
    append,
    append_pending,
    envelope_of,
    lock_heads,
    lock_stream,
    open_streams,
    read_stream,
    recorded_under,
    start_stream,
)
from service.events.verify import verify_chains
from service.models import Event, utcnow
from tests.helpers import make_provider

WHEN = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)


def _new_stream(app: Flask) -> uuid.UUID:
    provider = make_provider(app)
    episode_id = uuid.uuid4()
    with app.app_context(), db.transaction() as session:
        start_stream(session, episode_id=episode_id, provider_id=provider, person_ref="P1",
                     started_on=date(2026, 11, 1), actor_id=None,
                     opened=NewEvent("EpisodeOpened", {"person_ref": "P1", "provider_id": str(provider)}, WHEN))
    return episode_id


def _append(app: Flask, episode_id: uuid.UUID, n: int) -> None:
    for i in range(n):
        with app.app_context(), db.transaction() as session:
            head = lock_stream(session, episode_id)
            assert head is not None
            append(session, head, NewEvent("GoalWithdrawn", {"goal_id": str(i), "reason": "x"}, WHEN), actor_id=None)


def _events(app: Flask, episode_id: uuid.UUID) -> list[Event]:
    with app.app_context(), db.transaction() as session:
        return read_stream(session, episode_id)


def test_versions_run_one_to_n_and_each_hash_chains_to_the_previous(app: Flask) -> None:
    episode_id = _new_stream(app)
    _append(app, episode_id, 3)
    events = _events(app, episode_id)
    assert [event.version for event in events] == [1, 2, 3, 4]
    assert events[0].prev_hash == GENESIS_HASH
    for previous, current in pairwise(events):
        assert current.prev_hash == previous.hash
        assert current.sequence > previous.sequence
    for event in events:
        assert envelope_hash(envelope_of(event)) == event.hash


def test_stored_timestamps_come_back_aware_and_identical(app: Flask) -> None:
    episode_id = _new_stream(app)
    (opened,) = _events(app, episode_id)
    assert opened.occurred_at == WHEN and opened.occurred_at.tzinfo is not None
    assert opened.recorded_at.tzinfo is not None


def test_concurrent_appends_from_two_threads_leave_no_gaps_and_lose_nothing(app: Flask) -> None:
    episode_id = _new_stream(app)
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            _append(app, episode_id, 25)
        except BaseException as exc:  # reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    events = _events(app, episode_id)
    assert [event.version for event in events] == list(range(1, 52))
    assert all(b.prev_hash == a.hash for a, b in pairwise(events))


def _lean_append(app: Flask, items: list[tuple[uuid.UUID, str]]) -> list[uuid.UUID]:
    """Visits appended as the visit recorder does: (stream, key) pairs in order, one INSERT."""
    with app.app_context(), db.transaction() as session:
        heads = lock_heads(session, [episode_id for episode_id, _ in items])
        pending = [Pending(uuid.uuid4(), episode_id, NewEvent("VisitRecorded", {"visit_id": key}, WHEN), None, key,
                           key * 16, utcnow()) for episode_id, key in items]
        append_pending(session, heads, pending)
        return [item.id for item in pending]


def test_the_lean_append_keeps_versions_and_the_chain_exactly_as_the_orm_append(app: Flask) -> None:
    first, second = _new_stream(app), _new_stream(app)
    _append(app, first, 1)
    ids = _lean_append(app, [(first, "k001"), (second, "k002"), (first, "k003")])
    _append(app, first, 1)
    _lean_append(app, [(second, "k004")])
    for episode_id, versions in ((first, [1, 2, 3, 4, 5]), (second, [1, 2, 3])):
        events = _events(app, episode_id)
        assert [event.version for event in events] == versions
        assert events[0].prev_hash == GENESIS_HASH
        assert all(b.prev_hash == a.hash for a, b in pairwise(events))
        assert all(envelope_hash(envelope_of(event)) == event.hash for event in events)
    last_hash = _events(app, first)[-1].hash
    with app.app_context(), db.transaction() as session:
        assert verify_chains(session).broken is None
        recorded = recorded_under(session, ["k001", "k003", "nope"])
        head = lock_stream(session, first)
        assert head is not None and head.version == 5 and head.last_hash == last_hash
    assert sorted(recorded) == ["k001", "k003"] and recorded["k001"].id == ids[0]
    assert recorded["k003"].episode_id == first and recorded["k003"].content_hash == "k003" * 16


def _data(key: str) -> dict[str, object]:
    """Event data with text and values that must come back exactly as written."""
    return {"visit_id": key, "note": 'Zoë said "fine" \\ ✓ 🙂', "levels": [1, None, 2.5], "nested": {"a": {"b": []}}}


def test_opening_streams_reads_the_locked_heads_and_the_keys_and_reserves_a_sequence_per_key(app: Flask) -> None:
    first, second = _new_stream(app), _new_stream(app)
    _lean_append(app, [(first, "k001"), (first, "k002")])
    with app.app_context(), db.transaction() as session:
        streams = open_streams(session, [second, uuid.uuid4(), first, first], ["k001", "k009", "k010"])
        assert streams.heads == lock_heads(session, [first, second])
        assert streams.known == recorded_under(session, ["k001", "k009", "k010"])
        highest = session.execute(select(func.max(Event.sequence))).scalar_one()
        assert len(streams.sequences) == 3 and highest < streams.sequences[0]
        assert streams.sequences == sorted(set(streams.sequences))
        pending = [Pending(uuid.uuid4(), episode_id, NewEvent("VisitRecorded", _data(key), WHEN), None, key,
                           key * 16, utcnow()) for episode_id, key in ((second, "k009"), (first, "k010"))]
        append_pending(session, streams.heads, pending, streams.sequences)
    assert streams.heads[first].version == 3 and sorted(streams.known) == ["k001"]
    assert [(event.version, event.sequence) for event in _events(app, second)][-1] == (2, streams.sequences[0])
    assert [(event.version, event.sequence) for event in _events(app, first)][-1] == (4, streams.sequences[1])
    for episode_id in (first, second):
        events = _events(app, episode_id)
        assert all(b.prev_hash == a.hash for a, b in pairwise(events))
        assert all(envelope_hash(envelope_of(event)) == event.hash for event in events)
        assert events[-1].data == _data(events[-1].idempotency_key or "")
    last_hash = _events(app, first)[-1].hash
    with app.app_context(), db.transaction() as session:
        assert verify_chains(session).broken is None
        assert lock_heads(session, [first])[first].last_hash == last_hash


def test_a_key_is_recorded_once_whatever_the_stream(app: Flask) -> None:
    first, second = _new_stream(app), _new_stream(app)
    _lean_append(app, [(first, "dup1")])
    with pytest.raises(IntegrityError):
        _lean_append(app, [(second, "dup1")])
    assert len(_events(app, second)) == 1


@pytest.mark.parametrize("statement", ["UPDATE events SET type = 'Edited'", "DELETE FROM events"])
def test_database_refuses_to_update_or_delete_events(app: Flask, statement: str) -> None:
    episode_id = _new_stream(app)
    with app.app_context(), pytest.raises(DBAPIError, match="append-only"), db.transaction() as session:
        session.execute(text(statement))
    assert len(_events(app, episode_id)) == 1


def _tamper(app: Flask, sql: str) -> None:
    """Edit stored history with the guard bypassed, as an attacker with table access could."""
    with app.app_context(), db.transaction() as session:
        if db.dialect == "postgresql":
            session.execute(text("SET LOCAL session_replication_role = replica"))
            session.execute(text(sql))
        else:
            session.execute(text("DROP TRIGGER events_no_update"))
            session.execute(text(sql))


def test_events_verify_passes_on_untouched_history(app: Flask) -> None:
    episode_id = _new_stream(app)
    _append(app, episode_id, 2)
    result = app.test_cli_runner().invoke(args=["events", "verify"])
    assert result.exit_code == 0, result.output
    assert "3 events in 1 streams" in result.output


def test_events_verify_names_the_first_edited_event(app: Flask) -> None:
    episode_id = _new_stream(app)
    _append(app, episode_id, 3)
    target = _events(app, episode_id)[2]
    _tamper(app, f"UPDATE events SET type = 'GoalSet' WHERE sequence = {target.sequence}")
    result = app.test_cli_runner().invoke(args=["events", "verify"])
    assert result.exit_code == 1
    assert str(target.id) in result.output and "edited" in result.output


def test_events_verify_detects_a_removed_event(app: Flask) -> None:
    episode_id = _new_stream(app)
    _append(app, episode_id, 3)
    removed = _events(app, episode_id)[1]
    if db.of(app).engine.dialect.name == "sqlite":
        _tamper(app, "SELECT 1")
        with app.app_context(), db.transaction() as session:
            session.execute(text("DROP TRIGGER events_no_delete"))
            session.execute(text(f"DELETE FROM events WHERE sequence = {removed.sequence}"))
    else:
        _tamper(app, f"DELETE FROM events WHERE sequence = {removed.sequence}")
    result = app.test_cli_runner().invoke(args=["events", "verify"])
    assert result.exit_code == 1
    assert "gap" in result.output


def test_global_sequence_is_unique_across_streams(app: Flask) -> None:
    first, second = _new_stream(app), _new_stream(app)
    _append(app, first, 2)
    _append(app, second, 2)
    with app.app_context(), db.transaction() as session:
        count = session.execute(select(func.count(func.distinct(Event.sequence)))).scalar_one()
    assert count == 6
