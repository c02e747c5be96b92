"""`flask demo seed`: a demo cohort loaded through the service, usable at once, and never loaded twice."""

from __future__ import annotations

from datetime import date

from click.testing import Result
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from service.database import db
from service.demo.catalogue import ACCOUNTS, DEMO_PASSWORD, PROVIDERS
from service.demo.cohort import build_cohort
from service.models import Event
from tests.conftest import migrated_app
from tests.helpers import sign_in

EPISODES = 40


def seed(app: Flask, *args: str) -> Result:
    """Run `flask demo seed` with these options."""
    return app.test_cli_runner().invoke(args=["demo", "seed", *args])


def event_count(app: Flask) -> int:
    """Events in the log."""
    with app.app_context(), db.transaction() as session:
        return int(session.execute(select(func.count()).select_from(Event)).scalar_one())


def test_demo_seed_loads_a_cohort_every_demo_account_can_use_at_once(app: Flask, client: FlaskClient) -> None:
    result = seed(app, "--episodes", str(EPISODES), "--seed", "7")

    assert result.exit_code == 0, result.output
    assert f"Total: {EPISODES} episodes" in result.output
    for username, role, _ in ACCOUNTS:
        assert username in result.output
        signed_in = client.post("/api/v1/auth/token", json={"username": username, "password": DEMO_PASSWORD})
        assert signed_in.status_code == 200 and signed_in.get_json()["user"]["role"] == role
    assert result.output.count(DEMO_PASSWORD) >= len(ACCOUNTS)

    admin = sign_in(client, "admin", DEMO_PASSWORD)
    providers = client.get("/api/v1/providers", headers=admin).get_json()["items"]
    assert {(item["name"], item["kind"]) for item in providers} == {
        (profile.name, profile.kind) for profile in PROVIDERS}
    for profile in PROVIDERS:
        manager = sign_in(client, profile.manager, DEMO_PASSWORD)
        for status in ("open", "closed"):
            listed = client.get(f"/api/v1/episodes?status={status}&page_size=1", headers=manager).get_json()
            assert listed["total"] > 0, (profile.name, status)
            assert listed["items"][0]["person_ref"].startswith(f"{profile.ref_prefix}-")
        flags = client.get("/api/v1/reports/flags?page_size=500", headers=manager).get_json()["items"]
        assert "overdue" in {flag["flag"] for flag in flags}, profile.name
        worker = sign_in(client, profile.workers[0], DEMO_PASSWORD)
        caseload = client.get("/api/v1/me/caseload", headers=worker).get_json()["items"]
        assert caseload and all(episode["goals"] for episode in caseload)

    health = client.get("/api/v1/health").get_json()
    assert health["projection_lag"] == 0
    verify = app.test_cli_runner().invoke(args=["events", "verify"])
    assert verify.exit_code == 0, verify.output


def test_demo_seed_if_empty_leaves_a_seeded_database_alone(app: Flask) -> None:
    assert seed(app, "--episodes", "4", "--if-empty").exit_code == 0
    before = event_count(app)

    again = seed(app, "--episodes", "4", "--if-empty")
    without_flag = seed(app, "--episodes", "4")

    assert again.exit_code == 0 and "nothing loaded" in again.output
    assert without_flag.exit_code != 0 and "--if-empty" in without_flag.output
    assert event_count(app) == before


def test_demo_seed_refuses_to_run_in_production(sqlite_url: str) -> None:
    app = migrated_app(sqlite_url, ENV="production", METRICS_TOKEN="m" * 16)

    result = seed(app, "--episodes", "4")

    assert result.exit_code != 0 and "production" in result.output
    assert event_count(app) == 0
    db.dispose()


def test_the_same_seed_on_the_same_day_gives_the_same_cohort() -> None:
    day = date(2026, 11, 20)

    assert build_cohort(EPISODES, 11, day) == build_cohort(EPISODES, 11, day)
    assert build_cohort(EPISODES, 11, day) != build_cohort(EPISODES, 12, day)
