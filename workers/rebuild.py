"""Rebuilding every episode's derived state from the log, in chunks, optionally in parallel processes."""

from __future__ import annotations

import multiprocessing
import os
import uuid
from collections.abc import Callable, Iterator
from datetime import date

from flask import Flask
from sqlalchemy import select

from service.database import db
from service.models import Episode
from workers.refresh import refresh_episodes

CHUNK = 250

# Set in the parent before forking, so children reuse the parent's app configuration.
_app: Flask | None = None
_settings: tuple[date, int] | None = None


def _chunks(ids: list[uuid.UUID], size: int) -> Iterator[list[uuid.UUID]]:
    """`ids` in consecutive chunks of at most `size`."""
    for start in range(0, len(ids), size):
        yield ids[start:start + size]


def _after_fork() -> None:
    """Forked children must open their own connections, never reuse the parent's."""
    db.engine.dispose(close=False)


def _rebuild_chunk(ids: list[uuid.UUID]) -> tuple[int, int]:
    """Refresh one chunk in its own transaction; returns (episodes, events)."""
    assert _app is not None and _settings is not None
    today, confirmations = _settings
    with _app.app_context(), db.transaction() as session:
        events = refresh_episodes(session, ids, today=today, confirmations=confirmations)
    return len(ids), events


def rebuild_all(app: Flask, *, today: date, confirmations: int, processes: int,
                progress: Callable[[int], None]) -> tuple[int, int]:
    """Recompute all derived state; returns (episodes, events). Safe while the service runs.

    Each chunk takes the same per-episode locks as the refresh job, so a live
    refresh and the rebuild never interleave on one episode.
    """
    global _app, _settings
    _app, _settings = app, (today, confirmations)
    with app.app_context(), db.transaction() as session:
        ids = list(session.execute(select(Episode.id).order_by(Episode.id)).scalars())
    chunks = list(_chunks(ids, CHUNK))
    totals = [0, 0]

    def account(result: tuple[int, int]) -> None:
        totals[0] += result[0]
        totals[1] += result[1]
        progress(result[0])

    if processes > 1 and db.dialect == "postgresql" and len(chunks) > 1:
        with app.app_context():
            db.dispose()  # nothing open for the children to inherit
        context = multiprocessing.get_context("fork")
        with context.Pool(processes, initializer=_after_fork) as pool:
            for result in pool.imap_unordered(_rebuild_chunk, chunks):
                account(result)
    else:
        for chunk in chunks:
            account(_rebuild_chunk(chunk))
    return totals[0], totals[1]


def default_processes() -> int:
    """One process per core, at most 4."""
    return max(1, min(4, os.cpu_count() or 1))
