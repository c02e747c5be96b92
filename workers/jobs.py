"""RQ job functions: plain, importable, taking ids. The same functions run in-process without Redis."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask, current_app, has_app_context
from rq import get_current_job
from sqlalchemy import or_, select

from service.database import db
from service.domain.calendar import today_london
from service.models import Episode, EpisodeState
from service.observability.request_ids import current_request_id
from service.projections.lag import lagging_episodes_statement
from service.projections.refresh import refresh_episodes
from service.queue import dirty_set_key, dispatch_refresh, get_queue, schedule_refresh, scheduled_key

log = logging.getLogger(__name__)

_worker_app: Flask | None = None
REFRESH_BATCH = 200


@contextmanager
def job_app() -> Iterator[Flask]:
    """The current app (in-process jobs) or this worker process's app, built once from the environment."""
    global _worker_app
    job = get_current_job()
    if job is not None:
        # Log under the id of the request that enqueued this job.
        current_request_id.set(job.meta.get("request_id") or f"job-{job.id}")
    if has_app_context():
        yield current_app._get_current_object()  # type: ignore[attr-defined]
        return
    if _worker_app is None:
        from service import create_app

        _worker_app = create_app()
    with _worker_app.app_context():
        yield _worker_app


def refresh_now(episode_ids: list[str]) -> None:
    """Refresh these episodes in one transaction (the in-process path, and each batch of refresh_dirty)."""
    with job_app() as app, db.transaction() as session:
        refresh_episodes(session, [uuid.UUID(episode_id) for episode_id in episode_ids], today=today_london(),
                         confirmations=app.config["ACHIEVEMENT_CONFIRMATIONS"])


def refresh_episode(episode_id: str) -> None:
    """Recompute one episode's derived state from its whole stream."""
    refresh_now([episode_id])


def refresh_dirty(batch_size: int = REFRESH_BATCH) -> int:
    """Drain the dirty-episode set in batches of `batch_size`; returns how many episodes were refreshed.

    A batch that fails goes back into the set before the error is re-raised, so
    RQ's retry (or the catch-up sweep) refreshes it later.
    """
    with job_app():
        queue = get_queue()
        if queue is None:
            return 0
        redis, dirty, total = queue.connection, dirty_set_key(queue), 0
        while True:
            popped: list[bytes] = redis.spop(dirty, batch_size) or []  # type: ignore[assignment]
            ids = [value.decode() for value in popped]
            if not ids:
                break
            try:
                refresh_now(ids)
            except Exception:
                redis.sadd(dirty, *ids)
                log.exception("refresh of %d dirty episode(s) failed; they stay dirty", len(ids))
                raise
            total += len(ids)
        # Appends that raced with the drain above either see the flag gone and schedule
        # a job themselves, or added their id before it went: look once more.
        redis.delete(scheduled_key(queue))
        if redis.scard(dirty):
            schedule_refresh(queue)
        return total


def catch_up() -> int:
    """Re-dispatch every episode whose derived state lags its stream; returns how many."""
    with job_app():
        with db.transaction() as session:
            lagging = [row.id for row in session.execute(lagging_episodes_statement())]
        dispatch_refresh(lagging, force=True)
        if lagging:
            log.info("catch-up re-dispatched %d lagging episode(s)", len(lagging))
        return len(lagging)


def sweep_time_flags() -> int:
    """Re-evaluate time-based flags (overdue, follow_up_due): refresh every episode they may touch."""
    with job_app():
        with db.transaction() as session:
            statement = select(Episode.id).outerjoin(EpisodeState, EpisodeState.episode_id == Episode.id).where(
                or_(Episode.status == "open",
                    EpisodeState.follow_up_eligible.is_(True) & EpisodeState.follow_up_status.is_(None)))
            episode_ids = list(session.execute(statement).scalars())
        dispatch_refresh(episode_ids)
        return len(episode_ids)
