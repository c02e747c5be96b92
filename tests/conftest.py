"""Fixtures: an app per test on SQLite and (with TEST_DATABASE_URL) PostgreSQL; Redis; clients."""

from __future__ import annotations

import os
import secrets
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from service import create_app
from service.cli.db import upgrade_database
from service.database import db
from service.models import Base

# Cheap argon2 so the suite stays fast; production cost is the default in service.config.
TEST_SETTINGS: dict[str, Any] = {
    "TESTING": True,
    "SECRET_KEY": "test-secret-key-" + "x" * 32,
    "ARGON2_TIME_COST": 1,
    "ARGON2_MEMORY_COST": 64,
    "REDIS_URL": None,
    # The limiter runs in every test, with budgets no test reaches; tests of the limits set their own.
    "RATE_LIMIT_PER_CLIENT": "100000/minute",
    "RATE_LIMIT_PER_IP": "100000/minute",
    # Refresh jobs end as soon as the dirty set is empty (as `--burst` workers need); the lingering
    # job has its own test (tests/integration/workers/test_background_refresh.py).
    "REFRESH_LINGER_SECONDS": 0,
}

REQUIRE_SERVICES = os.environ.get("TEST_REQUIRE_SERVICES") == "1"


def _unavailable(what: str) -> None:
    """Skip locally, but fail in CI where the services must be there."""
    if REQUIRE_SERVICES:
        pytest.fail(f"{what} is required in CI but not configured/reachable")
    pytest.skip(f"{what} not configured")


def migrated_app(url: str, **overrides: Any) -> Flask:
    """An app bound to `url` with the schema migrated."""
    app = create_app({**TEST_SETTINGS, "DATABASE_URL": url, **overrides})
    with app.app_context():
        upgrade_database()
    return app


@contextmanager
def new_postgres_database(prefix: str) -> Iterator[str]:
    """The URL of a new, empty PostgreSQL database on TEST_DATABASE_URL's server, dropped afterwards.

    Never the shared `test` database itself; skipped locally (failed in CI) without TEST_DATABASE_URL.
    """
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        _unavailable("TEST_DATABASE_URL")
    assert base is not None
    name = f"{prefix}_{os.getpid()}_{secrets.token_hex(4)}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(base).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A fresh, migrated PostgreSQL database for this test run (never the shared `test` database)."""
    with new_postgres_database("reablement_test") as url:
        migrated_app(url)
        db.dispose()
        yield url
        db.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file copied for every test (migrating once is much faster)."""
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    migrated_app(f"sqlite:///{path}")
    db.dispose()  # closing the last connection checkpoints the WAL into the file
    assert not path.with_name(path.name + "-wal").exists()
    return path


def _empty_postgres(url: str) -> None:
    """Remove every row (the append-only triggers are bypassed for this session only)."""
    engine = create_engine(url)
    tables = ", ".join(table.name for table in Base.metadata.sorted_tables)
    with engine.begin() as connection:
        connection.execute(text("SET session_replication_role = replica"))
        connection.execute(text(f"TRUNCATE {tables} CASCADE"))
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty, migrated database: a SQLite copy, or the run's PostgreSQL database emptied."""
    if request.param == "sqlite":
        template: Path = request.getfixturevalue("sqlite_template")
        target = tmp_path / "db.sqlite3"
        shutil.copyfile(template, target)
        return f"sqlite:///{target}"
    url: str = request.getfixturevalue("postgres_url")
    _empty_postgres(url)
    return url


@pytest.fixture
def sqlite_url(tmp_path: Path, sqlite_template: Path) -> str:
    """An empty, migrated SQLite database (for tests about the embedded mode only)."""
    target = tmp_path / "db.sqlite3"
    shutil.copyfile(sqlite_template, target)
    return f"sqlite:///{target}"


@pytest.fixture
def app_settings() -> dict[str, Any]:
    """Extra settings a test module may override."""
    return {}


@pytest.fixture
def app(database_url: str, app_settings: dict[str, Any]) -> Iterator[Flask]:
    """The service bound to a fresh database."""
    application = create_app({**TEST_SETTINGS, "DATABASE_URL": database_url, **app_settings})
    yield application
    db.dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """Flask's test client."""
    return app.test_client()


@pytest.fixture
def redis_url() -> Iterator[str]:
    """A dedicated Redis database, flushed before and after the test."""
    url = os.environ.get("TEST_REDIS_URL")
    if not url:
        _unavailable("TEST_REDIS_URL")
    assert url is not None
    from redis import Redis

    connection = Redis.from_url(url)
    connection.flushdb()
    yield url
    connection.flushdb()
    connection.close()
