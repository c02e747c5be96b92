"""Benchmark GET /api/v1/reports/effectiveness over 50,000 closed episodes on a throwaway PostgreSQL database.

Run from the project root:

    .venv/bin/python bench/report_bench.py --database-url postgresql+psycopg://root@127.0.0.1:5432/report_bench

The database named in the URL is created (it must not exist), migrated, filled
with `episodes` + `episode_states` rows across 3 providers, timed through the
Flask test client as a manager and as a commissioner, and dropped at the end.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import create_engine, insert, text
from sqlalchemy.engine import make_url

from service import create_app
from service.admin.accounts import create_provider, create_user
from service.cli.db import upgrade_database
from service.database import db
from service.domain.outcomes import OUTCOMES, outcome_classes
from service.models import Episode, EpisodeState

PASSWORD = "benchmark-password-1"
PERIOD = {"from": "2025-04-01", "to": "2026-03-31"}
SETTINGS = {"SECRET_KEY": "bench-" + "x" * 40, "ARGON2_TIME_COST": 1, "ARGON2_MEMORY_COST": 64, "REDIS_URL": None}
CHUNK = 5_000


@contextmanager
def scratch_database(url: str) -> Iterator[None]:
    """Create the URL's database on its server and drop it afterwards, whatever happens."""
    parsed = make_url(url)
    name = parsed.database
    if parsed.get_backend_name() != "postgresql" or not name or name in ("test", "postgres", "template0", "template1"):
        raise SystemExit("give a PostgreSQL URL naming a new, throwaway database")
    server = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        if connection.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).first():
            raise SystemExit(f"database {name!r} already exists; refusing to touch it")
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield
    finally:
        db.dispose()
        with server.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        server.dispose()


def derived_document(rng: random.Random) -> dict[str, Any]:
    """A derived episode document of realistic size (three goals with observations, no flags)."""
    goals = [{"id": str(uuid.uuid4()), "domain": "mobility", "description": "walk to the shop and back",
              "baseline_level": 1, "target_level": 4, "status": "active", "current_level": rng.randint(1, 5),
              "progress_pct": 100.0, "met": True, "achieved": True, "achieved_on": "2026-01-10", "gas_score": 0,
              "observations": [{"level": level, "occurred_at": f"2026-01-0{level}T10:00:00+00:00"}
                               for level in range(1, 6)]} for _ in range(3)]
    return {"goals": goals, "flags": [], "worker_ids": [str(uuid.uuid4())]}


Rows = list[dict[str, Any]]


def episode_rows(providers: list[uuid.UUID], count: int, seed: int = 5) -> Iterator[tuple[Rows, Rows]]:
    """Chunks of (episode, episode_state) row dicts for `count` closed episodes spread over the period."""
    rng = random.Random(seed)
    now = datetime.now(UTC)
    first_day = date.fromisoformat(PERIOD["from"])
    heads: Rows = []
    states: Rows = []
    for number in range(count):
        episode_id, provider_id = uuid.uuid4(), providers[number % len(providers)]
        ended_on = first_day + timedelta(days=rng.randint(0, 364))
        stay = rng.randint(5, 60)
        started_on = ended_on - timedelta(days=stay)
        outcome = rng.choice(OUTCOMES)
        start_need = round(rng.uniform(0, 35), 1)
        end_need = 0.0 if outcome.startswith("no_services") else round(rng.uniform(0, start_need + 5), 1)
        hospital = rng.random() < 0.6
        age = rng.randint(50, 100)
        person_ref = f"BENCH-{number:06d}"
        heads.append({"id": episode_id, "provider_id": provider_id, "person_ref": person_ref, "status": "closed",
                      "started_on": started_on, "ended_on": ended_on, "version": 20, "last_hash": "0" * 64,
                      "opened_at": now})
        states.append({
            "episode_id": episode_id, "provider_id": provider_id, "projected_version": 20, "refreshed_at": now,
            "person_ref": person_ref, "age_at_referral": age,
            "referral_source": "hospital_discharge" if hospital else "community", "referred_on": started_on,
            "started_on": started_on, "planned_end_on": started_on + timedelta(days=42),
            "hospital_discharge_on": started_on - timedelta(days=1) if hospital else None, "status": "closed",
            "ended_on": ended_on, "length_of_stay_days": stay, "start_need_hours_per_week": start_need,
            "end_need_hours_per_week": end_need, "outcome": outcome, **asdict(outcome_classes(outcome)),
            "follow_up_eligible": hospital and age >= 65,
            "follow_up_status": rng.choice([None, "at_home", "at_home", "in_hospital"]) if hospital else None,
            "follow_up_assessed_on": None, "visits": rng.randint(3, 40), "contact_minutes": rng.randint(60, 2400),
            "last_visit_at": now, "gas_t_score": round(rng.uniform(30, 70), 2), "active_goals": 3,
            "achieved_goals": rng.randint(0, 3), "document": derived_document(rng),
        })
        if len(heads) == CHUNK:
            yield heads, states
            heads, states = [], []
    if heads:
        yield heads, states


def seed(app: Flask, count: int) -> tuple[str, str]:
    """Migrate, add 3 providers, a manager and a commissioner, and `count` closed episodes; return usernames."""
    with app.app_context():
        upgrade_database()
        with db.transaction() as session:
            providers = [create_provider(session, f"Bench provider {n}", "external").id for n in range(3)]
            create_user(session, "bench-manager", PASSWORD, "manager", providers[0])
            create_user(session, "bench-commissioner", PASSWORD, "commissioner", None)
        for heads, states in episode_rows(providers, count):
            with db.transaction() as session:
                session.execute(insert(Episode), heads)
                session.execute(insert(EpisodeState), states)
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE episode_states"))
    return "bench-manager", "bench-commissioner"


def time_requests(client: FlaskClient, username: str, requests: int) -> list[float]:
    """Milliseconds per effectiveness request for `username`, after 3 warm-up requests."""
    token = client.post("/api/v1/auth/token", json={"username": username, "password": PASSWORD}).get_json()
    headers = {"Authorization": f"Bearer {token['access_token']}"}
    timings = []
    for number in range(requests + 3):
        started = time.perf_counter()
        response = client.get("/api/v1/reports/effectiveness", query_string=PERIOD, headers=headers)
        elapsed = (time.perf_counter() - started) * 1000
        if response.status_code != 200:
            raise SystemExit(f"{username}: HTTP {response.status_code} {response.get_data(as_text=True)}")
        if number >= 3:
            timings.append(elapsed)
    return timings


def main() -> None:
    """Parse arguments, run the benchmark and print median/p95 per role."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True, help="PostgreSQL URL naming a new database")
    parser.add_argument("--episodes", type=int, default=50_000)
    parser.add_argument("--requests", type=int, default=30)
    args = parser.parse_args()
    with scratch_database(args.database_url):
        app = create_app({**SETTINGS, "DATABASE_URL": args.database_url})
        started = time.perf_counter()
        usernames = seed(app, args.episodes)
        print(f"seeded {args.episodes} closed episodes in {time.perf_counter() - started:.1f} s")
        client = app.test_client()
        for role, username in zip(("manager", "commissioner"), usernames, strict=True):
            timings = time_requests(client, username, args.requests)
            p95 = statistics.quantiles(timings, n=20, method="inclusive")[18]
            print(f"{role:>12}: {len(timings)} requests, median {statistics.median(timings):.1f} ms, "
                  f"p95 {p95:.1f} ms, max {max(timings):.1f} ms")


if __name__ == "__main__":
    main()
