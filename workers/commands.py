"""`flask worker` and `flask cron`: the RQ worker and cron scheduler processes, registered by wsgi.py."""

from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from rq import SimpleWorker
from rq.serializers import JSONSerializer

from service.database import db
from service.queue import get_queue
from workers.schedule import build_scheduler


@click.command("worker")
@click.option("--burst", is_flag=True, help="Stop when the queue is empty.")
@with_appcontext
def worker_command(burst: bool) -> None:
    """Run an RQ worker on the service's queue (jobs run in this process: no fork per job)."""
    queue = get_queue()
    if queue is None:
        raise click.ClickException("REDIS_URL is not set: jobs run in-process and need no worker.")
    db.dispose(current_app._get_current_object())  # type: ignore[attr-defined]
    worker = SimpleWorker([queue], connection=queue.connection, serializer=JSONSerializer)
    worker.work(burst=burst, with_scheduler=True)


@click.command("cron")
@with_appcontext
def cron_command() -> None:
    """Run RQ's cron scheduler with the service's schedule (catch-up each minute, time flags 4x a day)."""
    queue = get_queue()
    if queue is None:
        raise click.ClickException("REDIS_URL is not set: jobs run in-process and need no cron.")
    build_scheduler(queue, current_app.config).start()  # type: ignore[no-untyped-call]


def register_worker_commands(app: Flask) -> Flask:
    """Add `worker` and `cron` to the app's CLI; returns the app."""
    app.cli.add_command(worker_command)
    app.cli.add_command(cron_command)
    return app
