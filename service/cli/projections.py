"""`flask projections rebuild`."""

from __future__ import annotations

import time

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import func, select

from service.database import db
from service.domain.calendar import today_london
from service.models import Episode
from service.projections.rebuild import default_processes, rebuild_all

projections_cli = AppGroup("projections", help="Derived state.")


@projections_cli.command("rebuild")
@click.option("--processes", type=click.IntRange(1, 16), default=None,
              help="Parallel processes on PostgreSQL (default: one per core, at most 4).")
def rebuild_command(processes: int | None) -> None:
    """Recompute every episode's derived state from the log (safe while the service runs)."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    with db.transaction() as session:
        total = session.execute(select(func.count()).select_from(Episode)).scalar_one()
    started = time.perf_counter()
    with click.progressbar(length=total, label="Rebuilding derived state", show_pos=True) as bar:
        episodes, events = rebuild_all(app, today=today_london(),
                                       confirmations=app.config["ACHIEVEMENT_CONFIRMATIONS"],
                                       processes=processes or default_processes(), progress=bar.update)
    seconds = time.perf_counter() - started
    rate = events / seconds if seconds else 0.0
    click.echo(f"rebuilt {episodes} episodes from {events} events in {seconds:.2f}s ({rate:,.0f} events/s)")
