"""The benchmark's floor: a bare Flask app doing one raw INSERT + COMMIT per request.

Served by gunicorn with the service's own settings (docker/gunicorn.conf.py), so
the difference between this and `POST /api/v1/visits` is the service's own work
(validation, auth, locking, idempotency, hash chain, ORM, queueing), not the stack.

Settings: FLOOR_DATABASE_URL, a libpq URL (postgresql://...) of a database that
already has the table `floor_visits` (bench/run.py creates it).
"""

from __future__ import annotations

import os
import threading

import psycopg
from flask import Flask, jsonify, request
from psycopg.types.json import Jsonb

CREATE_TABLE = """CREATE TABLE IF NOT EXISTS floor_visits (
    id bigserial PRIMARY KEY, body jsonb NOT NULL, received_at timestamptz NOT NULL DEFAULT now())"""
INSERT = "INSERT INTO floor_visits (body) VALUES (%s) RETURNING id"

app = Flask(__name__)
_local = threading.local()


def connection() -> psycopg.Connection:
    """This gunicorn thread's own connection, opened on first use (reopened if it broke)."""
    conn: psycopg.Connection | None = getattr(_local, "conn", None)
    if conn is None or conn.closed or conn.broken:
        conn = psycopg.connect(os.environ["FLOOR_DATABASE_URL"])
        _local.conn = conn
    return conn


@app.post("/visit")
def visit():  # type: ignore[no-untyped-def]
    """Store the JSON body: one INSERT, one COMMIT."""
    body = request.get_json()
    conn = connection()
    try:
        row = conn.execute(INSERT, (Jsonb(body),)).fetchone()
        conn.commit()
    except psycopg.Error:
        conn.rollback()
        raise
    assert row is not None
    return jsonify({"id": row[0]}), 201


@app.get("/health")
def health():  # type: ignore[no-untyped-def]
    """Ready once the database answers."""
    connection().execute("SELECT 1").fetchone()
    connection().rollback()
    return jsonify({"status": "ok"})
