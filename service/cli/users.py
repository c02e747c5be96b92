"""`flask users create`: add a user, reading the password from standard input."""

from __future__ import annotations

import sys
import uuid

import click
from flask.cli import AppGroup

from service.admin.accounts import create_user
from service.database import db
from service.domain.errors import DomainError
from service.models import ROLES

users_cli = AppGroup("users", help="User accounts.")


@users_cli.command("create")
@click.option("--username", required=True)
@click.option("--role", required=True, type=click.Choice(ROLES))
@click.option("--provider-id", type=click.UUID, default=None)
@click.option("--password-stdin", is_flag=True, required=True, help="Read the password from standard input.")
def create_command(username: str, role: str, provider_id: uuid.UUID | None, password_stdin: bool) -> None:
    """Create a user and print its id."""
    password = sys.stdin.readline().rstrip("\r\n")
    with db.transaction() as session:
        try:
            user = create_user(session, username, password, role, provider_id)
        except DomainError as error:
            raise click.ClickException(f"{error.field}: {error.message}") from error
        user_id = user.id
    click.echo(str(user_id))
