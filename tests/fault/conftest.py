"""Fixtures for fault tests: a private PostgreSQL per run, a migrated database per module, a private Redis."""

from __future__ import annotations

import signal
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import FrameType

import pytest

from service import create_app
from service.cli.db import upgrade_database
from service.database import db
from tests.conftest import TEST_SETTINGS, _unavailable
from tests.fault.client import Client, sign_in
from tests.fault.processes import API_APPLICATION, Api, PrivatePostgres, missing_binaries, service_env
from tests.helpers import make_provider, make_user, username_of
from tests.integration.workers.redis_server import PrivateRedis
from workers.jobs import catch_up


@dataclass
class FaultDatabase:
    """A migrated database on the private cluster, with one provider's manager and worker."""

    postgres: PrivatePostgres
    name: str
    provider_id: uuid.UUID
    manager: str
    worker: str
    worker_id: uuid.UUID

    def url(self, application: str | None = None) -> str:
        """SQLAlchemy URL; `application` names the connections in pg_stat_activity."""
        return self.postgres.url(self.name, application=application)

    def catch_up(self, redis_url: str) -> int:
        """Run what the cron's catch-up job runs: re-dispatch every lagging episode to the queue."""
        app = create_app({**TEST_SETTINGS, "DATABASE_URL": self.url(), "REDIS_URL": redis_url})
        try:
            with app.app_context():
                return catch_up()
        finally:
            db.dispose()

    def client(self, base: str) -> Client:
        """The manager and the worker, signed in to the service at `base`."""
        return Client(base, sign_in(base, self.manager), sign_in(base, self.worker), self.provider_id,
                      self.worker_id)


@pytest.fixture(scope="session")
def private_postgres() -> Iterator[PrivatePostgres]:
    """One PostgreSQL cluster of our own for the run (these tests stop and restart it)."""
    missing = missing_binaries()
    if missing:
        _unavailable(" and ".join(missing))
    postgres = PrivatePostgres()
    # `timeout pytest ...` ends the run with SIGTERM, which skips teardown and would orphan our servers
    # (they run in their own sessions): turn it into an interrupt, which pytest tears down after.
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        postgres.initialise()
        postgres.start()
        yield postgres
    finally:
        postgres.destroy()
        signal.signal(signal.SIGTERM, previous)


def _interrupt(_signal: int, _frame: FrameType | None) -> None:
    raise KeyboardInterrupt("SIGTERM")


@pytest.fixture(scope="module")
def fault_database(private_postgres: PrivatePostgres, request: pytest.FixtureRequest) -> FaultDatabase:
    """A fresh migrated database for the test module, with a provider, a manager and a worker."""
    name = "fault_" + request.module.__name__.rsplit(".", 1)[-1]
    if not private_postgres.running():
        private_postgres.start()
    with private_postgres.connect() as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')
    app = create_app({**TEST_SETTINGS, "DATABASE_URL": private_postgres.url(name)})
    try:
        with app.app_context():
            upgrade_database()
        provider = make_provider(app, "Fault Home First")
        manager = username_of(app, make_user(app, "manager", provider))
        worker_id = make_user(app, "worker", provider)
        worker = username_of(app, worker_id)
    finally:
        db.dispose()
    return FaultDatabase(private_postgres, name, provider, manager, worker, worker_id)


@pytest.fixture(scope="module")
def private_redis(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PrivateRedis]:
    """A redis-server of our own for the module (these tests stop and restart it)."""
    if "redis-server" in missing_binaries():
        _unavailable("redis-server")
    redis = PrivateRedis(tmp_path_factory.mktemp("redis"))
    redis.start()
    try:
        yield redis
    finally:
        redis.stop()


@pytest.fixture(scope="module")
def queued_api(fault_database: FaultDatabase, private_redis: PrivateRedis, logs: Path) -> Iterator[Api]:
    """gunicorn serving the API with jobs going to the private Redis."""
    with Api(service_env(fault_database.url(API_APPLICATION), private_redis.url), logs) as api:
        yield api


@pytest.fixture(scope="module")
def logs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the module's service processes write their logs."""
    return tmp_path_factory.mktemp("logs")
