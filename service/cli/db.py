"""`flask db upgrade`: migrate the database to the latest schema."""

from __future__ import annotations

import click
from alembic import command
from alembic.config import Config
from flask.cli import AppGroup

from service.config import PROJECT_ROOT
from service.database import db

db_cli = AppGroup("db", help="Database schema commands.")


def alembic_config() -> Config:
    """Alembic configuration pointing at service/migrations."""
    config = Config()
    config.set_main_option("script_location", str(PROJECT_ROOT / "service" / "migrations"))
    return config


def upgrade_database(revision: str = "head") -> None:
    """Migrate the bound database to `revision` inside one transaction."""
    config = alembic_config()
    with db.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


@db_cli.command("upgrade")
@click.argument("revision", default="head")
def upgrade_command(revision: str) -> None:
    """Migrate the database to the latest schema (or REVISION)."""
    upgrade_database(revision)
    click.echo(f"database at {revision}")


