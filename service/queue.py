"""Dispatching background jobs: to RQ when REDIS_URL is set, otherwise run in-process."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable
from typing import Any

from flask import current_app, has_app_context
from redis import Redis
from redis.exceptions import RedisError
from rq import Queue, Retry
from rq.serializers import JSONSerializer

from service.observability.request_ids import current_request_id

log = logging.getLogger(__name__)

REFRESH_JOB = "workers.jobs.refresh_episode"


def redis_connection(url: str, socket_timeout: float = 0.5) -> Redis:
    """A Redis client that gives up quickly, so a Redis outage never stalls a request."""
    return Redis.from_url(url, socket_timeout=socket_timeout, socket_connect_timeout=socket_timeout)


def get_queue(config: Any | None = None) -> Queue | None:
    """The service's RQ queue, or None in the embedded (in-process) mode."""
    config = config if config is not None else current_app.config
    url = config.get("REDIS_URL")
    if not url:
        return None
    connection = redis_connection(url, config["REDIS_SOCKET_TIMEOUT_SECONDS"])
    return Queue(config["QUEUE_NAME"], connection=connection, serializer=JSONSerializer)


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
    """Enqueue with the service's timeout, retries and failure TTL."""
    config = current_app.config
    queue.enqueue(
        function,
        *args,
        job_timeout=config["JOB_TIMEOUT_SECONDS"],
        failure_ttl=config["JOB_FAILURE_TTL_SECONDS"],
        result_ttl=60,
        retry=Retry(max=config["JOB_RETRIES"], interval=config["JOB_RETRY_INTERVALS"]),
        meta={"request_id": current_request_id.get()},
    )


def dispatch_refresh(episode_ids: Iterable[uuid.UUID]) -> None:
    """After a commit: bring these episodes' derived state up to date.

    Never raises: the events are already durable, and the scheduled catch-up
    re-enqueues any episode whose derived state lags (for example when Redis is down).
    """
    ids = sorted({str(episode_id) for episode_id in episode_ids})
    if not ids or not has_app_context():
        return
    queue = get_queue()
    if queue is None:
        from workers.jobs import refresh_episode

        for episode_id in ids:
            try:
                refresh_episode(episode_id)
            except Exception:
                log.exception("in-process refresh of episode %s failed", episode_id)
        return
    try:
        for episode_id in ids:
            enqueue_job(queue, REFRESH_JOB, episode_id)
    except RedisError:
        log.warning("Redis unreachable: %d refresh job(s) left to the catch-up sweep", len(ids))
