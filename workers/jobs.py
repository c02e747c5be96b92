"""RQ job functions: plain, importable, taking ids. The same functions run in-process without Redis."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

from flask import Flask, current_app, has_app_context
from rq import get_current_job
from sqlalchemy import or_, select

from service.database import db
from service.models import Episode, EpisodeState
from service.observability.request_ids import current_request_id
from service.projections.lag import lagging_episodes_statement
from service.schemas import today_london
from workers.refresh import refresh_episodes

log = logging.getLogger(__name__)

_worker_app: Flask | None = None


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


def refresh_episode(episode_id: str, today: str | None = None) -> None:
    """Recompute one episode's derived state from its whole stream."""
    with job_app() as app:
        day = date.fromisoformat(today) if today else today_london()
        try:
            with db.transaction() as session:
                refresh_episodes(session, [uuid.UUID(episode_id)], today=day,
                                 confirmations=app.config["ACHIEVEMENT_CONFIRMATIONS"])
        except Exception:
            log.exception("refresh of episode %s failed", episode_id)
            raise


def catch_up() -> int:
    """Re-dispatch every episode whose derived state lags its stream; returns how many."""
    from service.queue import dispatch_refresh

    with job_app():
        with db.transaction() as session:
            lagging = [row.id for row in session.execute(lagging_episodes_statement())]
        dispatch_refresh(lagging)
        if lagging:
            log.info("catch-up re-dispatched %d lagging episode(s)", len(lagging))
        return len(lagging)


def sweep_time_flags() -> int:
    """Re-evaluate time-based flags (overdue, follow_up_due): refresh every episode they may touch."""
    from service.queue import dispatch_refresh

    with job_app():
        with db.transaction() as session:
            statement = select(Episode.id).outerjoin(EpisodeState, EpisodeState.episode_id == Episode.id).where(
                or_(Episode.status == "open",
                    EpisodeState.follow_up_eligible.is_(True) & EpisodeState.follow_up_status.is_(None)))
            episode_ids = list(session.execute(statement).scalars())
        dispatch_refresh(episode_ids)
        return len(episode_ids)
