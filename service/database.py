"""The database extension: one engine and session factory per app, sessions per app context or per job."""

from __future__ import annotations

import time
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import Flask, current_app, g
from sqlalchemy import Engine, create_engine, event, exc
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


# A pooled connection idle at least this long is pinged before use; busier ones are not.
IDLE_PING_SECONDS = 1.0
# Every connection is replaced after this long, whatever its use.
POOL_RECYCLE_SECONDS = 1800


def _ping_idle_connections(engine: Engine) -> None:
    """Ping a pooled connection before use only if it sat idle for IDLE_PING_SECONDS or more.

    `pool_pre_ping` pings on every checkout: one extra round trip per request
    (0.18 ms of CPU per visit measured with bench/profile_hot_paths.py, plus the
    PostgreSQL side). Under load a connection is back in use within milliseconds
    and cannot have gone stale unseen; one that sat idle (a PostgreSQL restart, a
    firewall dropping idle sockets) is pinged, and if the ping fails the pool
    replaces it before the request sees it (DisconnectionError).
    """

    @event.listens_for(engine, "checkin")
    def _on_checkin(_dbapi_connection: Any, record: Any) -> None:
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _on_checkout(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        idle_since = record.info.get("idle_since")
        if idle_since is None or time.monotonic() - idle_since < IDLE_PING_SECONDS:
            return
        try:
            ok = engine.dialect.do_ping(dbapi_connection)
        except Exception as error:  # the driver's own error type: any failure means a dead connection
            raise exc.DisconnectionError(str(error)) from error
        if not ok:
            raise exc.DisconnectionError("ping failed")


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
    # LIFO: the pool reuses the connections it just used, so spare ones go idle (and get pinged).
    engine = create_engine(url, pool_size=10, max_overflow=10, pool_recycle=POOL_RECYCLE_SECONDS,
                           pool_use_lifo=True, json_serializer=json_dumps,
                           json_deserializer=json_loads, hide_parameters=True)
    _ping_idle_connections(engine)
    return engine


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
