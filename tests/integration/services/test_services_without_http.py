"""Service functions called directly, with no HTTP in between: the unit of work and per-app database state."""

from __future__ import annotations

import shutil
import uuid
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select

from service import create_app
from service.database import db
from service.domain.errors import NotAssigned, VisitIdConflict
from service.models import EpisodeState, Event, User
from service.visits.recording import record_visit
from service.visits.schemas import VisitIn
from tests.conftest import TEST_SETTINGS
from tests.integration.api.world import World, visit_body


def _events(episode_id: str) -> int:
    with db.transaction() as session:
        return int(session.execute(select(func.count()).select_from(Event).where(
            Event.episode_id == uuid.UUID(episode_id))).scalar_one())


def test_recording_a_visit_commits_it_and_refreshes_the_episode(app: Flask, world: World) -> None:
    episode = world.open_episode()
    visit = VisitIn().load(visit_body(episode["id"]))
    with app.app_context():
        worker = db.session.get(User, world.worker.id)
        assert worker is not None
        recorded = record_visit(db.session, worker, visit)
        assert not recorded.replayed and recorded.receipt["episode_id"] == episode["id"]
        # Committed: another session sees the event; refreshed after commit (no Redis: in-process).
        assert _events(episode["id"]) == 3
        with db.transaction() as session:
            state = session.get(EpisodeState, uuid.UUID(episode["id"]))
            assert state is not None and state.projected_version == 3 and state.visits == 1


def test_a_replayed_visit_is_not_recorded_twice_and_a_changed_one_is_refused(app: Flask, world: World) -> None:
    episode = world.open_episode()
    body = visit_body(episode["id"])
    with app.app_context():
        worker = db.session.get(User, world.worker.id)
        assert worker is not None
        record_visit(db.session, worker, VisitIn().load(body))
        assert record_visit(db.session, worker, VisitIn().load(body)).replayed
        with pytest.raises(VisitIdConflict) as refused:
            record_visit(db.session, worker, VisitIn().load({**body, "duration_minutes": 50}))
        assert refused.value.reason == "visit_id_conflict" and refused.value.errors == {"id": [refused.value.message]}
        db.session.rollback()
        assert _events(episode["id"]) == 3


def test_a_worker_not_assigned_is_refused_as_not_assigned(app: Flask, world: World) -> None:
    episode = world.open_episode()
    with app.app_context():
        other = db.session.get(User, world.second_worker.id)
        assert other is not None
        with pytest.raises(NotAssigned) as refused:
            record_visit(db.session, other, VisitIn().load(visit_body(episode["id"])))
        assert refused.value.reason == "not_assigned"
        db.session.rollback()
        assert _events(episode["id"]) == 2


def test_a_second_app_does_not_rebind_the_first_apps_database(sqlite_template: Path, tmp_path: Path) -> None:
    urls = []
    for name in ("first", "second"):
        shutil.copyfile(sqlite_template, tmp_path / f"{name}.sqlite3")
        urls.append(f"sqlite:///{tmp_path / name}.sqlite3")
    first = create_app({**TEST_SETTINGS, "DATABASE_URL": urls[0]})
    second = create_app({**TEST_SETTINGS, "DATABASE_URL": urls[1]})
    try:
        with first.app_context():
            assert db.engine.url.render_as_string() == urls[0]
        with second.app_context():
            assert db.engine.url.render_as_string() == urls[1]
        assert db.of(first).engine is not db.of(second).engine
    finally:
        db.dispose(first)
        db.dispose(second)
