"""Property: visits delivered in any order, in any batches, with duplicates and corrections, give the same
derived state; the state the refreshes stored (incrementally for visits arriving in order, from the whole
stream otherwise) equals what a full rebuild stores."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from service.database import db
from service.models import EpisodeFlag, EpisodeState
from tests.integration.api.world import World

LEVELS = st.integers(min_value=0, max_value=5)
VISIT = st.tuples(st.integers(min_value=0, max_value=60 * 24 * 9), LEVELS, LEVELS, st.booleans())


def _visit(episode_id: str, goals: list[str], minutes: int, levels: tuple[int, int], concern: bool) -> dict[str, Any]:
    start = datetime.now(UTC).replace(microsecond=0) - timedelta(days=9, hours=1)
    return {"id": str(uuid.uuid4()), "episode_id": episode_id,
            "occurred_at": (start + timedelta(minutes=minutes)).isoformat(), "duration_minutes": 30, "carers": 1,
            "goal_progress": [{"goal_id": goal, "level": level} for goal, level in zip(goals, levels, strict=True)],
            "concerns": ["fall"] if concern else []}


def _episode(world: World) -> tuple[str, list[str]]:
    episode = world.open_episode()
    goals = [world.set_goal(episode["id"], 1, 4)["id"], world.set_goal(episode["id"], 0, 3)["id"]]
    return episode["id"], goals


def _derived(world: World, episode_id: str) -> dict[str, Any]:
    body = world.client.get(f"/api/v1/episodes/{episode_id}", headers=world.manager.headers).get_json()
    goals = [{key: goal[key] for key in ("current_level", "progress_pct", "met", "achieved", "achieved_on",
                                         "gas_score")} | {"levels": [o["level"] for o in goal["observations"]]}
             for goal in body["goals"]]
    flags = sorted((flag["flag"], flag["detail"]) for flag in body["flags"])
    return {"goals": goals, "flags": flags, "gas_t_score": body["gas_t_score"], "visits": body["visits"],
            "contact_minutes": body["contact_minutes"], "projected": body["projected_version"] == body["version"]}


def _stored(app: Flask, episode_id: str) -> dict[str, Any]:
    """The derived row the refreshes stored (all but when it was written), and the episode's flag rows."""
    with app.app_context(), db.transaction() as session:
        state = session.get(EpisodeState, uuid.UUID(episode_id))
        assert state is not None
        row = {column.key: getattr(state, column.key) for column in EpisodeState.__table__.columns
               if column.key != "refreshed_at"}
        flags = session.execute(select(EpisodeFlag).where(EpisodeFlag.episode_id == uuid.UUID(episode_id))
                                .order_by(EpisodeFlag.flag)).scalars()
        row["flag_rows"] = [(flag.flag, flag.raised_at, flag.detail, flag.acknowledged) for flag in flags]
    return row


def _void(world: World, episode_id: str, visit_id: str) -> None:
    """Void one visit as its manager (a correction: the refresh then folds the whole stream)."""
    body = world.client.get(f"/api/v1/episodes/{episode_id}/events?page_size=500",
                            headers=world.manager.headers).get_json()
    (event,) = [item for item in body["items"] if item["data"].get("visit_id") == visit_id]
    response = world.client.post(f"/api/v1/events/{event['id']}/corrections", json={"void": True, "reason": "typo"},
                                 headers=world.manager.headers)
    assert response.status_code == 201, response.get_json()


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(visits=st.lists(VISIT, min_size=2, max_size=12, unique_by=lambda visit: visit[0]), data=st.data())
def test_any_arrival_order_batching_and_duplication_gives_the_ordered_derived_state(
    app: Flask, client: FlaskClient, world: World, visits: list[tuple[int, int, int, bool]], data: st.DataObject
) -> None:
    in_order, in_order_goals = _episode(world)
    shuffled, shuffled_goals = _episode(world)
    ordered = sorted(visits)
    # A correction (void) part-way through, then more visits in order: the refresh folds the whole
    # stream once, then extends the kept fold again.
    voided_index = data.draw(st.integers(min_value=0, max_value=len(ordered) - 1)) if data.draw(st.booleans()) else None
    void_after = data.draw(st.integers(min_value=voided_index, max_value=len(ordered) - 1)) \
        if voided_index is not None else None
    sent: list[dict[str, Any]] = []
    for index, (minutes, first, second, concern) in enumerate(ordered):
        sent.append(_visit(in_order, in_order_goals, minutes, (first, second), concern))
        response = client.post("/api/v1/visits", json=sent[-1], headers=world.worker.headers)
        assert response.status_code == 201
        if index == void_after and voided_index is not None:
            _void(world, in_order, sent[voided_index]["id"])
    bodies = [_visit(shuffled, shuffled_goals, minutes, (first, second), concern)
              for minutes, first, second, concern in ordered]
    arrival = data.draw(st.permutations(bodies + data.draw(st.lists(st.sampled_from(bodies), max_size=4))))
    while arrival:
        size = data.draw(st.integers(min_value=1, max_value=len(arrival)))
        batch, arrival = arrival[:size], arrival[size:]
        results = client.post("/api/v1/visits/batch", json={"visits": batch},
                              headers=world.worker.headers).get_json()["results"]
        assert {result["status"] for result in results} <= {200, 201}
    if voided_index is not None:
        _void(world, shuffled, bodies[voided_index]["id"])
    expected = _derived(world, in_order)
    assert _derived(world, shuffled) == expected
    assert expected["projected"]
    stored = {episode: _stored(app, episode) for episode in (in_order, shuffled)}
    rebuild = app.test_cli_runner().invoke(args=["projections", "rebuild"])
    assert rebuild.exit_code == 0, rebuild.output
    assert _derived(world, shuffled) == expected
    for episode, refreshed in stored.items():
        assert _stored(app, episode) == refreshed  # what the refreshes stored is what a rebuild stores
