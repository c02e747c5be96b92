"""Looking at and pinning the private PostgreSQL from the side: counts, waiting backends, held locks."""

from __future__ import annotations

import threading
import time
import uuid
import zlib
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg

from service.projections.refresh import LOCK_NAMESPACE
from tests.fault.processes import PrivatePostgres, wait_until


def visit_events(postgres: PrivatePostgres, database: str, episode_id: str) -> int:
    """How many VisitRecorded events the episode's stream holds."""
    with postgres.connect(database) as connection:
        row = connection.execute("SELECT count(*) FROM events WHERE episode_id = %s AND type = 'VisitRecorded'",
                                 (uuid.UUID(episode_id),)).fetchone()
    assert row is not None
    return int(row[0])


def waiting_backends(postgres: PrivatePostgres, database: str, application: str, wait_event_type: str,
                     wait_event: str | None = None) -> int:
    """How many of `application`'s backends are waiting on this kind of event right now."""
    with postgres.connect() as connection:
        row = connection.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND application_name = %s"
            " AND wait_event_type = %s AND (%s::text IS NULL OR wait_event = %s::text)",
            (database, application, wait_event_type, wait_event, wait_event)).fetchone()
    assert row is not None
    return int(row[0])


def wait_for_waiting_backend(postgres: PrivatePostgres, database: str, application: str, wait_event_type: str,
                             wait_event: str | None = None, seconds: float = 15.0) -> None:
    """Block until one of `application`'s backends is parked on the event (so it is provably mid-work)."""
    wait_until(lambda: waiting_backends(postgres, database, application, wait_event_type, wait_event) > 0,
               seconds, f"a {application} backend waiting on {wait_event_type}/{wait_event}", interval=0.05)


@contextmanager
def stream_locked(postgres: PrivatePostgres, database: str, episode_id: str) -> Iterator[None]:
    """Hold the episode's stream head row lock: appends to it wait before writing anything."""
    connection = postgres.connect(database, autocommit=False)
    try:
        connection.execute("SELECT id FROM episodes WHERE id = %s FOR UPDATE", (uuid.UUID(episode_id),))
        yield
    finally:
        connection.rollback()
        connection.close()


@contextmanager
def refresh_locked(postgres: PrivatePostgres, database: str, episode_id: str) -> Iterator[None]:
    """Hold the per-episode advisory lock of service.projections.refresh: a refresh then waits in its transaction."""
    key = zlib.crc32(uuid.UUID(episode_id).bytes) - (1 << 31)
    with postgres.connect(database) as connection:
        connection.execute("SELECT pg_advisory_lock(%s, %s)", (LOCK_NAMESPACE, key))
        try:
            yield
        finally:
            connection.execute("SELECT pg_advisory_unlock(%s, %s)", (LOCK_NAMESPACE, key))


def _commits_wait(postgres: PrivatePostgres) -> bool:
    """Whether a commit now waits for a synchronous standby: watch a probe insert, then cancel its wait.

    (statement_timeout cannot be used: PostgreSQL disarms it before the commit starts waiting.)
    """
    with postgres.connect() as probe, postgres.connect() as watcher:
        pid = probe.info.backend_pid
        errors: list[BaseException] = []

        def insert() -> None:
            try:
                probe.execute("INSERT INTO fault_commit_probe VALUES (now())")
            except psycopg.Error as error:  # a cancel that lands before the commit
                errors.append(error)

        thread = threading.Thread(target=insert, daemon=True)
        thread.start()
        try:
            for _ in range(25):
                row = watcher.execute("SELECT wait_event FROM pg_stat_activity WHERE pid = %s", (pid,)).fetchone()
                if row is not None and row[0] == "SyncRep":
                    return True
                if not thread.is_alive():
                    return False
                time.sleep(0.02)
            return False
        finally:
            # A cancelled commit wait ends with a warning: the probe row is committed locally.
            watcher.execute("SELECT pg_cancel_backend(%s)", (pid,))
            thread.join(timeout=10)
            assert not thread.is_alive(), "the commit probe could not be cancelled"


@contextmanager
def commits_held(postgres: PrivatePostgres) -> Iterator[None]:
    """Make every commit wait for a standby that never comes: written to the WAL, not yet acknowledged.

    A transaction parked there has done all its work and will be durable whatever happens to its
    client; leaving the block releases it.
    """
    with postgres.connect() as admin:
        admin.execute("CREATE TABLE IF NOT EXISTS fault_commit_probe (at timestamptz)")
        admin.execute("ALTER SYSTEM SET synchronous_standby_names = 'fault_test_absent_standby'")
        admin.execute("SELECT pg_reload_conf()")
        try:
            wait_until(lambda: _commits_wait(postgres), 15, "commits to wait for the absent standby", interval=0.1)
            yield
        finally:
            admin.execute("ALTER SYSTEM RESET synchronous_standby_names")
            admin.execute("SELECT pg_reload_conf()")
            wait_until(lambda: not _commits_wait(postgres), 15, "commits to stop waiting", interval=0.1)
