"""The app's fold cache: a refresh extends the fold it committed last, never one that was rolled back or is stale."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from sqlalchemy import select

from service.database import db
from service.domain.calendar import today_london
from service.domain.episode import StreamFold
from service.models import EpisodeState
from service.projections.refresh import FoldCache, refresh_episodes, refresh_now
from tests.integration.api.world import World, visit_body


def _fold(version: int) -> StreamFold:
    return StreamFold.of(opened={}, closed=None, definitions=(), visits=(), follow_up=None, acknowledgements=(),
                      worker_ids=(), version=version)


def test_a_kept_fold_is_given_only_for_its_own_version_and_the_least_recently_used_goes_first() -> None:
    cache, first, second, third = FoldCache(size=2), uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    cache.put([(first, _fold(3))])
    assert cache.get(first, 3) == _fold(3)
    assert cache.get(first, 4) is None and cache.get(first, 2) is None
    cache.put([(second, _fold(1))])
    assert cache.get(first, 3) is not None  # first is now the most recently used
    cache.put([(third, _fold(1))])
    assert cache.get(second, 1) is None
    assert cache.get(first, 3) is not None and cache.get(third, 1) is not None


def _visit(world: World, episode_id: str, goal_id: str, level: int, hours_ago: float) -> None:
    occurred = (datetime.now(UTC) - timedelta(hours=hours_ago)).isoformat()
    body = visit_body(episode_id, [{"goal_id": goal_id, "level": level}], occurred_at=occurred)
    assert world.client.post("/api/v1/visits", json=body, headers=world.worker.headers).status_code == 201


def _stored_document(app: Flask, episode_id: str) -> tuple[int, dict[str, object]]:
    with app.app_context(), db.transaction() as session:
        state = session.execute(select(EpisodeState)
                                .where(EpisodeState.episode_id == uuid.UUID(episode_id))).scalar_one()
        return state.projected_version, state.document


def test_refreshes_keep_the_committed_fold_and_a_rolled_back_refresh_leaves_none(app: Flask, world: World) -> None:
    episode = world.open_episode()
    goal = world.set_goal(episode["id"], 1, 4)["id"]
    episode_id = uuid.UUID(episode["id"])
    cache: FoldCache = app.extensions["fold_cache"]
    _visit(world, episode["id"], goal, 2, hours_ago=5)  # refreshed in-process after the commit
    version, _ = _stored_document(app, episode["id"])
    kept = cache.get(episode_id, version)
    assert kept is not None and len(kept.visits) == 1

    cache.clear()
    _visit(world, episode["id"], goal, 3, hours_ago=4)
    cache.clear()  # the next refresh reads the stored fold, then rolls back: nothing may be kept
    with app.app_context():
        session = db.of(app).sessions()
        with pytest.raises(RuntimeError), session.begin():
            refresh_episodes(session, [episode_id], today=today_london(), confirmations=2, folds_kept=cache)
            raise RuntimeError("rolled back")
        session.close()
    version, _ = _stored_document(app, episode["id"])
    assert cache.get(episode_id, version) is None


def test_a_stale_kept_fold_is_ignored_and_the_state_equals_a_rebuild(app: Flask, world: World) -> None:
    episode = world.open_episode()
    goal = world.set_goal(episode["id"], 1, 4)["id"]
    episode_id = uuid.UUID(episode["id"])
    cache: FoldCache = app.extensions["fold_cache"]
    for hours_ago, level in ((6, 2), (5, 4), (4, 4)):
        _visit(world, episode["id"], goal, level, hours_ago=hours_ago)
    version, with_cache = _stored_document(app, episode["id"])
    kept = cache.get(episode_id, version)
    assert kept is not None
    # A fold one version behind (as a process that missed a refresh would hold) is not used for this version.
    cache.put([(episode_id, replace(kept, visits=kept.visits[:-1], version=version - 1))])
    _visit(world, episode["id"], goal, 5, hours_ago=3)
    version, incremental = _stored_document(app, episode["id"])
    cache.clear()
    refresh_now(app, [episode_id])  # nothing new: the stored state stands
    with app.app_context(), db.transaction() as session:
        refresh_episodes(session, [episode_id], today=today_london(), confirmations=2, whole_streams=True)
    _, rebuilt = _stored_document(app, episode["id"])
    assert incremental == rebuilt
    assert [goal_state["current_level"] for goal_state in rebuilt["goals"]] == [5]  # type: ignore[index]
    assert with_cache != rebuilt
