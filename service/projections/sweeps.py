"""The background work on derived state: draining the dirty set, catching up lagging episodes, time-based flags."""

from __future__ import annotations

import logging
import time

from flask import Flask
from sqlalchemy import or_, select

from service.database import db
from service.models import Episode, EpisodeState
from service.projections.dispatch import SCHEDULED_TTL_SECONDS, dispatch_refresh, schedule_refresh
from service.projections.lag import lagging_episodes_statement
from service.projections.refresh import refresh_now
from service.queue import dirty_set_key, get_queue, scheduled_key

log = logging.getLogger(__name__)

REFRESH_BATCH = 200
# A lingering refresh job looks for new dirty episodes this often: the visits of this window
# are refreshed together, in one transaction. At a paced 100 visits/s (bench/run.py --quick,
# back to back) 0.1 s gave 0.98 ms of refresh CPU per visit and a lag p95 of 0.18 s; 0.2 s gave
# 0.68 ms and 0.25 s (targets: <= 1 ms, p95 < 0.5 s).
COALESCE_SECONDS = 0.2


def refresh_dirty(app: Flask, batch_size: int = REFRESH_BATCH) -> int:
    """Drain the dirty-episode set in batches of `batch_size`; returns how many episodes were refreshed.

    The job stays for REFRESH_LINGER_SECONDS after the set empties, looking
    again every COALESCE_SECONDS, so a steady stream of visits is refreshed by
    one long-running job in batches of what arrived meanwhile, instead of one RQ
    job per visit (RQ's own work per job cost 3.4-3.9 ms of CPU and about 28 Redis
    round trips, more than the refresh itself: PERFORMANCE profile). It never
    runs past half the job timeout. A batch that fails goes back into the set
    before the error is re-raised, so RQ's retry (or the catch-up sweep)
    refreshes it later.
    """
    queue = get_queue(app.config)
    if queue is None:
        return 0
    redis, dirty, total = queue.connection, dirty_set_key(queue), 0
    started = last_work = time.monotonic()
    linger = float(app.config["REFRESH_LINGER_SECONDS"])
    ends = started + min(float(app.config["JOB_TIMEOUT_SECONDS"]) / 2, SCHEDULED_TTL_SECONDS / 2)
    while time.monotonic() < ends:
        began = time.monotonic()
        popped: list[bytes] = redis.spop(dirty, batch_size) or []  # type: ignore[assignment]
        ids = [value.decode() for value in popped]
        if ids:
            try:
                refresh_now(app, ids)
            except Exception:
                redis.sadd(dirty, *ids)
                log.exception("refresh of %d dirty episode(s) failed; they stay dirty", len(ids))
                raise
            total += len(ids)
            last_work = time.monotonic()
            if len(ids) == batch_size:
                continue  # a backlog: drain it without waiting
        elif time.monotonic() - last_work >= linger:
            break
        time.sleep(max(0.0, COALESCE_SECONDS - (time.monotonic() - began)))
    # Appends that raced with the drain above either see the flag gone and schedule
    # a job themselves, or added their id before it went: look once more.
    redis.delete(scheduled_key(queue))
    if redis.scard(dirty):
        with app.app_context():
            schedule_refresh(queue)
    return total


def catch_up(app: Flask) -> int:
    """Re-dispatch every episode whose derived state lags its stream; returns how many."""
    with app.app_context():
        with db.transaction() as session:
            lagging = [row.id for row in session.execute(lagging_episodes_statement())]
        dispatch_refresh(lagging, force=True)
    if lagging:
        log.info("catch-up re-dispatched %d lagging episode(s)", len(lagging))
    return len(lagging)


def sweep_time_flags(app: Flask) -> int:
    """Re-evaluate time-based flags (overdue, follow_up_due): refresh every episode they may touch."""
    with app.app_context():
        with db.transaction() as session:
            statement = select(Episode.id).outerjoin(EpisodeState, EpisodeState.episode_id == Episode.id).where(
                or_(Episode.status == "open",
                    EpisodeState.follow_up_eligible.is_(True) & EpisodeState.follow_up_status.is_(None)))
            episode_ids = list(session.execute(statement).scalars())
        dispatch_refresh(episode_ids)
    return len(episode_ids)
