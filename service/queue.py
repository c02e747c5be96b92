"""Dispatching background work: to RQ when REDIS_URL is set, otherwise run in-process.

Refreshes are coalesced: an append adds its episode to a Redis set of dirty
episodes and enqueues one `refresh_dirty` job only if none is scheduled, so at
100 visits/s a worker refreshes many episodes per job and per transaction
instead of paying RQ's bookkeeping for every visit.
"""

from __future__ import annotations

import logging
import os
import uuid
from collections.abc import Iterable, Sequence
from typing import Any

from flask import current_app, has_app_context
from redis import Redis
from redis.exceptions import RedisError
from rq import Queue, Retry
from rq.serializers import JSONSerializer

from service.observability.request_ids import current_request_id

log = logging.getLogger(__name__)

REFRESH_DIRTY_JOB = "workers.jobs.refresh_dirty"
# A scheduled refresh job that died unseen stops blocking new ones after this long.
SCHEDULED_TTL_SECONDS = 60

_queues: dict[tuple[int, str, str], Queue] = {}


def redis_connection(url: str, socket_timeout: float = 0.5) -> Redis:
    """A Redis client that gives up quickly, so a Redis outage never stalls a request."""
    return Redis.from_url(url, socket_timeout=socket_timeout, socket_connect_timeout=socket_timeout,
                          health_check_interval=30)


def get_queue(config: Any | None = None) -> Queue | None:
    """The service's RQ queue (one client per process), or None in the embedded (in-process) mode."""
    config = config if config is not None else current_app.config
    url = config.get("REDIS_URL")
    if not url:
        return None
    key = (os.getpid(), url, config["QUEUE_NAME"])
    if key not in _queues:
        connection = redis_connection(url, config["REDIS_SOCKET_TIMEOUT_SECONDS"])
        _queues[key] = Queue(config["QUEUE_NAME"], connection=connection, serializer=JSONSerializer)
    return _queues[key]


def dirty_set_key(queue: Queue) -> str:
    """Redis set of episode ids whose derived state needs a refresh."""
    return f"{queue.name}:dirty-episodes"


def scheduled_key(queue: Queue) -> str:
    """Redis flag: a refresh_dirty job is queued or running."""
    return f"{queue.name}:refresh-scheduled"


def queue_status() -> str:
    """'inline' without Redis, else 'ok' or 'down'."""
    queue = get_queue()
    if queue is None:
        return "inline"
    try:
        queue.connection.ping()
    except RedisError:
        return "down"
    return "ok"


def enqueue_job(queue: Queue, function: str, *args: Any) -> None:
    """Enqueue with the service's timeout, retries and failure TTL, tagged with the request id."""
    config = current_app.config
    queue.enqueue(
        function,
        *args,
        job_timeout=config["JOB_TIMEOUT_SECONDS"],
        failure_ttl=config["JOB_FAILURE_TTL_SECONDS"],
        result_ttl=0,
        retry=Retry(max=config["JOB_RETRIES"], interval=config["JOB_RETRY_INTERVALS"]),
        meta={"request_id": current_request_id.get()},
    )


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
        from workers.jobs import refresh_now

        try:
            refresh_now(ids)
        except Exception:  # the catch-up sweep retries; the append stands
            log.exception("in-process refresh of %d episode(s) failed", len(ids))
        return
    try:
        schedule_refresh(queue, dirty=ids, force=force)
    except RedisError:
        log.warning("Redis unreachable: %d episode refresh(es) left to the catch-up sweep", len(ids))
