"""Command-line entry points registered on the Flask app (`flask --app wsgi ...`); wsgi.py adds `worker` and `cron`."""

from __future__ import annotations

from flask import Flask


def register_commands(app: Flask) -> None:
    """Add every command group to the app's CLI."""
    from service.cli.db import db_cli
    from service.cli.demo import demo_cli
    from service.cli.events import events_cli
    from service.cli.projections import projections_cli
    from service.cli.users import users_cli

    for command in (db_cli, events_cli, users_cli, projections_cli, demo_cli):
        app.cli.add_command(command)
