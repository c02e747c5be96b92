"""`flask worker`, `flask cron` and `flask projections rebuild`."""

from __future__ import annotations

import time
import uuid

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext
from rq import SimpleWorker
from rq.serializers import JSONSerializer
from sqlalchemy import func, select

from service.database import db
from service.models import Episode
from service.queue import get_queue
from service.schemas import today_london
from workers.refresh import refresh_episodes
from workers.schedule import build_scheduler

projections_cli = AppGroup("projections", help="Derived state.")
REBUILD_CHUNK = 200




@click.command("worker")
@click.option("--burst", is_flag=True, help="Stop when the queue is empty.")
@with_appcontext
def worker_command(burst: bool) -> None:
    """Run an RQ worker on the service's queue (jobs run in this process: no fork per job)."""
    queue = get_queue()
    if queue is None:
        raise click.ClickException("REDIS_URL is not set: jobs run in-process and need no worker.")
    db.dispose()
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


@projections_cli.command("rebuild")
def rebuild_command() -> None:
    """Recompute every episode's derived state from the log (safe while the service runs)."""
    confirmations = current_app.config["ACHIEVEMENT_CONFIRMATIONS"]
    today = today_london()
    with db.transaction() as session:
        total = session.execute(select(func.count()).select_from(Episode)).scalar_one()
    started, events, last_id = time.perf_counter(), 0, uuid.UUID(int=0)
    with click.progressbar(length=total, label="Rebuilding derived state", show_pos=True) as bar:
        while True:
            with db.transaction() as session:
                ids = list(session.execute(select(Episode.id).where(Episode.id > last_id)
                                           .order_by(Episode.id).limit(REBUILD_CHUNK)).scalars())
                if not ids:
                    break
                events += refresh_episodes(session, ids, today=today, confirmations=confirmations)
            last_id = ids[-1]
            bar.update(len(ids))
    seconds = time.perf_counter() - started
    rate = events / seconds if seconds else 0.0
    click.echo(f"rebuilt {total} episodes from {events} events in {seconds:.2f}s ({rate:,.0f} events/s)")
