"""The service's RQ queue on Redis (None in the embedded mode, where background work runs in-process)."""

from __future__ import annotations

import os
from typing import Any

from flask import current_app
from redis import Redis
from redis.exceptions import RedisError
from rq import Queue, Retry
from rq.serializers import JSONSerializer

from service.observability.request_ids import current_request_id

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
