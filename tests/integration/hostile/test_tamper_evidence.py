"""Items 12 and 13: verify checks each stream head against its events; a trigger guards the head's identity."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import Executable, delete, select, text, update
from sqlalchemy.exc import DatabaseError

from service.database import db
from service.models import Episode, Event
from tests.integration.api.steps import post_visit
from tests.integration.api.world import World, visit_body


def verify(app: Flask) -> tuple[int, str]:
    """`flask events verify`: exit code and output."""
    result = app.test_cli_runner().invoke(args=["events", "verify"])
    return result.exit_code, result.output


def run(app: Flask, statement: Executable, bypass_trigger: str | None = None) -> None:
    """Execute `statement`; with `bypass_trigger`, as a superuser who disables the guards first."""
    with app.app_context(), db.transaction() as session:
        if bypass_trigger and db.dialect == "postgresql":
            session.execute(text("SET LOCAL session_replication_role = replica"))
        elif bypass_trigger:
            session.execute(text(f"DROP TRIGGER {bypass_trigger}"))
        session.execute(statement)


def recorded_episode(world: World) -> uuid.UUID:
    """An episode with a goal and two visits, recorded through the API."""
    episode = world.open_episode()
    world.set_goal(episode["id"])
    for _ in range(2):
        assert post_visit(world, visit_body(episode["id"])).status_code == 201
    return uuid.UUID(episode["id"])


def test_verify_passes_on_history_written_through_the_api(app: Flask, world: World) -> None:
    for _ in range(2):
        recorded_episode(world)
    code, output = verify(app)
    assert code == 0, output


def test_verify_detects_the_last_event_removed(app: Flask, world: World) -> None:
    episode_id = recorded_episode(world)
    with app.app_context(), db.transaction() as session:
        last = session.execute(select(Event.sequence).where(Event.episode_id == episode_id)
                               .order_by(Event.version.desc()).limit(1)).scalar_one()
    run(app, delete(Event).where(Event.sequence == last), bypass_trigger="events_no_delete")
    code, output = verify(app)
    assert code == 1
    assert str(episode_id) in output and "head says version" in output


def test_verify_detects_a_head_whose_hash_was_edited(app: Flask, world: World) -> None:
    episode_id = recorded_episode(world)
    run(app, update(Episode).where(Episode.id == episode_id).values(last_hash="f" * 64))
    code, output = verify(app)
    assert code == 1 and str(episode_id) in output and "last hash" in output


@pytest.mark.parametrize(("column", "value"), [
    ("provider_id", None), ("id", uuid.UUID(int=1)), ("opened_at", datetime(2001, 1, 1, tzinfo=UTC))])
def test_a_stream_heads_identity_cannot_be_updated(app: Flask, world: World, column: str, value: Any) -> None:
    episode_id = recorded_episode(world)
    new_value = world.other_provider if column == "provider_id" else value
    with pytest.raises(DatabaseError, match="never change"):
        run(app, update(Episode).where(Episode.id == episode_id).values({column: new_value}))
    with app.app_context(), db.transaction() as session:
        head = session.get(Episode, episode_id)
        assert head is not None and head.provider_id == world.provider
    # The other provider's manager still cannot see it, and the history still verifies.
    response = world.client.get(f"/api/v1/episodes/{episode_id}", headers=world.other_manager.headers)
    assert response.status_code == 404
    assert verify(app)[0] == 0


def test_verify_detects_a_moved_episode_when_the_guard_was_bypassed(app: Flask, world: World) -> None:
    episode_id = recorded_episode(world)
    run(app, update(Episode).where(Episode.id == episode_id).values(provider_id=world.other_provider),
        bypass_trigger="episodes_identity_immutable")
    code, output = verify(app)
    assert code == 1
    assert str(episode_id) in output and "moved" in output
