"""The database extension: one engine and session factory per app, sessions per app context or per job."""

from __future__ import annotations

import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import Flask, current_app, g
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from service.json_columns import dumps as json_dumps
from service.json_columns import loads as json_loads


def _configure_sqlite(engine: Engine) -> None:
    """Make SQLite safe for concurrent writers: WAL, a busy timeout, and BEGIN IMMEDIATE.

    pysqlite starts transactions lazily, so two writers can both read and then
    deadlock upgrading to a write lock. Taking the write lock at BEGIN serialises
    writers instead, which is what the event store's "no gaps" rule needs.
    """

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


# Every connection is replaced after this long, whatever its use.
POOL_RECYCLE_SECONDS = 1800


def build_engine(url: str) -> Engine:
    """Create an engine for `url` with the settings this service relies on.

    `hide_parameters`: a failed statement's error text (logged) never carries its parameter values,
    which can be visit notes, password hashes or token hashes.
    """
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30},
                               json_serializer=json_dumps, json_deserializer=json_loads, hide_parameters=True)
        _configure_sqlite(engine)
        return engine
    # Pre-ping on every checkout (one round trip, ~0.2 ms of CPU per request): pinging only connections
    # idle for a second was tried and let a stale connection through after a PostgreSQL restart under
    # load (tests/fault/test_postgres_restart.py), so the cheaper rule was not kept.
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=10, pool_recycle=POOL_RECYCLE_SECONDS,
                         json_serializer=json_dumps, json_deserializer=json_loads, hide_parameters=True)


@dataclass(frozen=True)
class AppDatabase:
    """One app's engine and session factory."""

    engine: Engine
    sessions: sessionmaker[Session]


class Database:
    """The database extension: each app gets its own engine; calls reach the current app's."""

    def __init__(self) -> None:
        # Every engine made here, so tests and forked processes can close them all.
        self._engines: weakref.WeakSet[Engine] = weakref.WeakSet()

    def init_app(self, app: Flask) -> None:
        """Create the app's engine from `DATABASE_URL` (lazily connecting) and close request sessions on teardown."""
        engine = build_engine(app.config["DATABASE_URL"])
        self._engines.add(engine)
        app.extensions["database"] = AppDatabase(engine, sessionmaker(engine, expire_on_commit=False))
        app.teardown_appcontext(self._close_request_session)

    def of(self, app: Flask | None = None) -> AppDatabase:
        """The engine and sessions of `app` (default: the current app)."""
        bound: AppDatabase | None = (app or current_app).extensions.get("database")
        if bound is None:
            raise RuntimeError("Database.init_app() has not been called for this app")
        return bound

    @property
    def engine(self) -> Engine:
        """The current app's engine."""
        return self.of().engine

    @property
    def dialect(self) -> str:
        """'postgresql' or 'sqlite'."""
        return self.engine.dialect.name

    def new_session(self) -> Session:
        """A fresh session the caller must close."""
        return self.of().sessions()

    @property
    def session(self) -> Session:
        """The session of the current app context (one per request)."""
        if "db_session" not in g:
            g.db_session = self.new_session()
        session: Session = g.db_session
        return session

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session in a transaction, committed on success and rolled back on error."""
        session = self.new_session()
        try:
            with session.begin():
                yield session
        finally:
            session.close()

    def _close_request_session(self, _exc: BaseException | None) -> None:
        session = g.pop("db_session", None)
        if session is not None:
            session.close()

    def dispose(self, app: Flask | None = None) -> None:
        """Close the pooled connections of `app`, or of every app in this process (tests, forked workers)."""
        engines = [self.of(app).engine] if app is not None else list(self._engines)
        for engine in engines:
            engine.dispose()


db = Database()
