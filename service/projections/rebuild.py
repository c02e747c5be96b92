"""Rebuilding every episode's derived state from the log, in chunks, optionally in parallel processes."""

from __future__ import annotations

import multiprocessing
import os
import uuid
from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

from flask import Flask
from sqlalchemy import select

from service.database import db
from service.models import Episode
from service.projections.refresh import refresh_episodes

CHUNK = 250

# The app and the refresh settings of this process (set in the parent, and in each spawned child).
_app: Flask | None = None
_settings: tuple[date, int] | None = None


def _chunks(ids: list[uuid.UUID], size: int) -> Iterator[list[uuid.UUID]]:
    """`ids` in consecutive chunks of at most `size`."""
    for start in range(0, len(ids), size):
        yield ids[start:start + size]


def _start_child(config: dict[str, Any], today: date, confirmations: int) -> None:
    """A spawned child builds its own app (and connections) from the parent's settings.

    Children are spawned, not forked: forking a process that has other threads
    can copy a lock some thread holds, and the child then waits on it forever.
    """
    global _app, _settings
    from service import create_app

    _app, _settings = create_app(config), (today, confirmations)


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
        config = {key: value for key, value in app.config.items() if key.isupper() and _plain(value)}
        context = multiprocessing.get_context("spawn")
        with context.Pool(processes, initializer=_start_child, initargs=(config, today, confirmations)) as pool:
            for result in pool.imap_unordered(_rebuild_chunk, chunks):
                account(result)
    else:
        for chunk in chunks:
            account(_rebuild_chunk(chunk))
    return totals[0], totals[1]


def _plain(value: Any) -> bool:
    """Settings that can be handed to a spawned child."""
    return value is None or isinstance(value, str | int | float | bool | list | tuple | dict)


def default_processes() -> int:
    """One process per core, at most 4."""
    return max(1, min(4, os.cpu_count() or 1))
