"""Rebuilding every episode's derived state from the log, in chunks, optionally in parallel processes."""

from __future__ import annotations

import multiprocessing
import os
import threading
import uuid
from collections.abc import Callable, Iterator
from datetime import date

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from service.database import build_engine, db
from service.models import Episode
from service.projections.refresh import refresh_episodes

CHUNK = 250

# What a spawned rebuild process works with: its own sessions, today's date and the confirmations setting.
_ChildSettings = tuple[sessionmaker[Session], date, int]
_child: _ChildSettings | None = None


def _chunks(ids: list[uuid.UUID], size: int) -> Iterator[list[uuid.UUID]]:
    """`ids` in consecutive chunks of at most `size`."""
    for start in range(0, len(ids), size):
        yield ids[start:start + size]


def _rebuild_chunk(sessions: sessionmaker[Session], ids: list[uuid.UUID], today: date,
                   confirmations: int) -> tuple[int, int]:
    """Refresh one chunk in its own transaction; returns (episodes, events)."""
    with sessions.begin() as session:
        events = refresh_episodes(session, ids, today=today, confirmations=confirmations, whole_streams=True)
    return len(ids), events


def _start_child(database_url: str, today: date, confirmations: int) -> None:
    """A child process opens its own connections to the same database."""
    global _child
    _child = (sessionmaker(build_engine(database_url), expire_on_commit=False), today, confirmations)


def _rebuild_chunk_in_child(ids: list[uuid.UUID]) -> tuple[int, int]:
    """Refresh one chunk in a spawned child."""
    assert _child is not None, "the pool initializer sets this process's settings"
    sessions, today, confirmations = _child
    return _rebuild_chunk(sessions, ids, today, confirmations)


def rebuild_all(app: Flask, *, today: date, confirmations: int, processes: int,
                progress: Callable[[int], None]) -> tuple[int, int]:
    """Recompute all derived state; returns (episodes, events). Safe while the service runs.

    Each chunk takes the same per-episode locks as the refresh job, so a live
    refresh and the rebuild never interleave on one episode.
    """
    sessions = db.of(app).sessions
    dialect = db.of(app).engine.dialect.name
    with sessions() as session:
        ids = list(session.execute(select(Episode.id).order_by(Episode.id)).scalars())
    chunks = list(_chunks(ids, CHUNK))
    totals = [0, 0]

    def account(result: tuple[int, int]) -> None:
        totals[0] += result[0]
        totals[1] += result[1]
        progress(result[0])

    if processes > 1 and dialect == "postgresql" and len(chunks) > 1:
        db.of(app).engine.dispose()  # no connection of this process may be inherited by a child
        context = multiprocessing.get_context(_start_method())
        with context.Pool(processes, initializer=_start_child,
                          initargs=(app.config["DATABASE_URL"], today, confirmations)) as pool:
            for result in pool.imap_unordered(_rebuild_chunk_in_child, chunks):
                account(result)
    else:
        for chunk in chunks:
            account(_rebuild_chunk(sessions, chunk, today, confirmations))
    return totals[0], totals[1]


def _start_method() -> str:
    """Fork the children when this process has no other thread, else spawn them.

    A forked child starts at once with everything imported; a spawned one imports
    the service again first: 0.8 s of a 4.9 s rebuild of 118,000 events with two
    processes (bench/run.py data, 2026-12-02). But forking a process that has other
    threads can copy a lock some thread holds, and the child then waits on it forever.
    """
    if threading.active_count() == 1 and "fork" in multiprocessing.get_all_start_methods():
        return "fork"
    return "spawn"


def default_processes() -> int:
    """One process per core, at most 4."""
    return max(1, min(4, os.cpu_count() or 1))
