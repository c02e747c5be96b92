"""RQ job functions: plain, importable, taking ids, each calling one function of service.projections.

They run in the app context that `flask --app wsgi worker` opens (wsgi.py wires the app and these
commands together); the log lines they write carry the id of the request that enqueued them.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask, current_app, has_app_context
from rq import get_current_job

from service.observability.request_ids import current_request_id
from service.projections import sweeps
from service.projections.refresh import refresh_now


@contextmanager
def job_app() -> Iterator[Flask]:
    """The app of the worker process running this job, with the enqueuing request's id set for logging."""
    job = get_current_job()
    if job is not None:
        current_request_id.set(job.meta.get("request_id") or f"job-{job.id}")
    if not has_app_context():
        raise RuntimeError("RQ jobs run in `flask --app wsgi worker`, which provides the app")
    yield current_app._get_current_object()  # type: ignore[attr-defined]


def refresh_episode(episode_id: str) -> None:
    """Recompute one episode's derived state from its whole stream."""
    with job_app() as app:
        refresh_now(app, [episode_id])


def refresh_dirty(batch_size: int = sweeps.REFRESH_BATCH) -> int:
    """Drain the dirty-episode set; returns how many episodes were refreshed."""
    with job_app() as app:
        return sweeps.refresh_dirty(app, batch_size)


def catch_up() -> int:
    """Re-dispatch every episode whose derived state lags its stream; returns how many."""
    with job_app() as app:
        return sweeps.catch_up(app)


def sweep_time_flags() -> int:
    """Re-evaluate the time-based flags of every episode they may touch; returns how many."""
    with job_app() as app:
        return sweeps.sweep_time_flags(app)
