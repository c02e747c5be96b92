"""After a commit: bring episodes' derived state up to date, through RQ or, without Redis, in-process.

Refreshes are coalesced: an append adds its episode to a Redis set of dirty
episodes and enqueues one `refresh_dirty` job only if none is scheduled, so at
100 visits/s a worker refreshes many episodes per job and per transaction
instead of paying RQ's bookkeeping for every visit. Jobs are named by their
import path, so nothing here imports the workers package.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable, Sequence

from flask import current_app, has_app_context
from redis.exceptions import RedisError
from rq import Queue

from service.projections.refresh import refresh_now
from service.queue import dirty_set_key, enqueue_job, get_queue, scheduled_key

log = logging.getLogger(__name__)

REFRESH_DIRTY_JOB = "workers.jobs.refresh_dirty"
# A scheduled refresh job that died unseen stops blocking new ones after this long.
SCHEDULED_TTL_SECONDS = 60


def schedule_refresh(queue: Queue, *, dirty: Sequence[str] = (), force: bool = False) -> None:
    """Mark episodes dirty and enqueue a refresh_dirty job unless one is scheduled (always, with `force`)."""
    with queue.connection.pipeline(transaction=False) as pipe:
        if dirty:
            pipe.sadd(dirty_set_key(queue), *dirty)
        pipe.set(scheduled_key(queue), "1", nx=True, ex=SCHEDULED_TTL_SECONDS)
        fresh = pipe.execute()[-1]
    if fresh or force:
        enqueue_job(queue, REFRESH_DIRTY_JOB)


def dispatch_refresh(episode_ids: Iterable[uuid.UUID], *, force: bool = False) -> None:
    """After a commit: bring these episodes' derived state up to date.

    Never raises: the events are already durable, and the scheduled catch-up
    re-dispatches any episode whose derived state lags (for example when Redis is down).
    """
    ids = sorted({str(episode_id) for episode_id in episode_ids})
    if not ids or not has_app_context():
        return
    queue = get_queue()
    if queue is None:
        try:
            refresh_now(current_app._get_current_object(), ids)  # type: ignore[attr-defined]
        except Exception:  # the catch-up sweep retries; the append stands
            log.exception("in-process refresh of %d episode(s) failed", len(ids))
        return
    try:
        schedule_refresh(queue, dirty=ids, force=force)
    except RedisError:
        log.warning("Redis unreachable: %d episode refresh(es) left to the catch-up sweep", len(ids))
