"""Gunicorn settings for the API, in one file: `gunicorn -c docker/gunicorn.conf.py wsgi:app`.

Every value can be tuned from the environment so the same file serves the
container, a developer's machine and the benchmark (`bench/run.py` serves both
the service and its floor app with exactly these settings).
"""

from __future__ import annotations

import os

from service.server_errors import install_json_errors


def _int(name: str, default: int) -> int:
    """An integer setting from the environment, or `default` when unset or empty."""
    value = os.environ.get(name, "")
    return int(value) if value.strip() else default


# Where to listen. PORT is the platform convention (default 8000). HOST defaults to
# every interface, as a container needs; set HOST=127.0.0.1 to stay on loopback
# (the benchmark does).
bind = f"{os.environ.get('HOST', '0.0.0.0')}:{_int('PORT', 8000)}"

# Worker processes. The usual guide is 2 x cores (+1); on the 2-core development
# machine PostgreSQL, Redis and the RQ worker share the cores, so 2 processes is
# the measured sweet spot. Override with WEB_CONCURRENCY (Heroku/Render convention).
workers = _int("WEB_CONCURRENCY", 2)

# gthread: each process serves requests on a small thread pool. Requests spend much
# of their time waiting on PostgreSQL, so threads overlap that waiting without the
# memory of more processes; keep-alive connections are parked in the worker's
# poller rather than tying up a thread. GUNICORN_THREADS overrides the pool size.
worker_class = "gthread"
threads = _int("GUNICORN_THREADS", 4)

# Kill and replace a worker that has not notified the master for this many seconds
# (a request stuck far beyond any sane latency). Jobs that take longer belong on RQ.
timeout = _int("GUNICORN_TIMEOUT", 30)

# On SIGTERM (a deploy or `docker stop`), let in-flight requests finish for up to
# this many seconds before workers are killed. Keep below the orchestrator's stop
# grace period (Docker's default is 10 s, so raise that too if this is raised).
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 20)

# Seconds an idle keep-alive connection is held open waiting for the next request.
# Phones and a load balancer reuse connections; a few seconds saves TCP handshakes
# without hoarding sockets. Keep it below the load balancer's idle timeout.
keepalive = _int("GUNICORN_KEEPALIVE", 5)

# The workers' heartbeat files live in memory: on Docker's overlay filesystem a
# disk-backed /tmp can stall the heartbeat and get healthy workers killed.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None

# Trust X-Forwarded-* only from this proxy address list (the load balancer / ingress).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")

# Errors and lifecycle messages go to stderr; LOG_LEVEL tunes how chatty they are.
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info")

# One access-log line per request as JSON, with the time taken in microseconds
# (%(D)s) so slow requests can be found with jq. Written to stdout only when
# ACCESS_LOG=1: formatting and writing a line per request costs throughput, so the
# benchmark and high-volume deployments that log at the proxy leave it off.
accesslog = "-" if os.environ.get("ACCESS_LOG") == "1" else None
access_log_format = (
    '{"time": "%(t)s", "remote": "%(h)s", "method": "%(m)s", "path": "%(U)s", '
    '"query": "%(q)s", "status": %(s)s, "bytes": %(B)s, "duration_us": %(D)s, '
    '"user_agent": "%(a)s"}'
)

# Requests gunicorn refuses itself (a request line over limit_request_line, default 4094
# bytes: 414; headers over limit_request_field_size / limit_request_fields: 431; malformed
# HTTP: 400) get the service's JSON error body rather than gunicorn's HTML page.
install_json_errors()

# Name the processes in `ps` so the API is told apart from the RQ worker.
proc_name = os.environ.get("GUNICORN_PROC_NAME", "reablement-api")
