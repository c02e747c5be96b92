"""CLI commands: users create and db upgrade."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from tests.helpers import make_provider, sign_in


def test_users_create_reads_the_password_from_stdin_and_prints_the_id(app: Flask, client: FlaskClient) -> None:
    provider = make_provider(app)
    result = app.test_cli_runner().invoke(
        args=["users", "create", "--username", "cli-mgr", "--role", "manager",
              "--provider-id", str(provider), "--password-stdin"],
        input="a long enough password\n",
    )
    assert result.exit_code == 0, result.output
    user_id = result.output.strip()
    assert len(user_id) == 36
    headers = sign_in(client, "cli-mgr", "a long enough password")
    assert client.get("/api/v1/providers", headers=headers).status_code == 200


def test_users_create_refuses_a_short_password(app: Flask) -> None:
    result = app.test_cli_runner().invoke(
        args=["users", "create", "--username", "x", "--role", "admin", "--password-stdin"], input="short\n")
    assert result.exit_code != 0 and "password" in result.output


def test_db_upgrade_is_idempotent(app: Flask) -> None:
    result = app.test_cli_runner().invoke(args=["db", "upgrade"])
    assert result.exit_code == 0 and "head" in result.output
