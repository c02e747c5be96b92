"""`flask events verify`: re-walk every hash chain."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from service.database import db
from service.events.verify import verify_chains

events_cli = AppGroup("events", help="The event log.")


@events_cli.command("verify")
def verify_command() -> None:
    """Check every stream's hash chain; exit 1 naming the first broken event."""
    with db.transaction() as session:
        result = verify_chains(session)
    if result.broken is not None:
        broken = result.broken
        click.echo(
            f"BROKEN: episode {broken.episode_id} event {broken.event_id} "
            f"(version {broken.version}): {broken.reason}",
            err=True,
        )
        raise SystemExit(1)
    click.echo(f"ok: {result.events} events in {result.episodes} streams verified")
