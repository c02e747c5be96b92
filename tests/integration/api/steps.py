"""Requests the API tests repeat: posting visits, closing episodes, reading the log."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from tests.integration.api.world import Actor, World


def post_visit(world: World, body: dict[str, Any], actor: Actor | None = None) -> Any:
    """POST /visits as `actor` (default: the assigned worker)."""
    return world.client.post("/api/v1/visits", json=body, headers=(actor or world.worker).headers)


def post_batch(world: World, visits: list[Any], actor: Actor | None = None) -> Any:
    """POST /visits/batch as `actor` (default: the assigned worker)."""
    return world.client.post("/api/v1/visits/batch", json={"visits": visits},
                             headers=(actor or world.worker).headers)


def close(world: World, episode_id: str, **overrides: Any) -> Any:
    """POST a closure (ended two days ago, independent) as the manager."""
    body = {"ended_on": str(date.today() - timedelta(days=2)), "end_need_hours_per_week": 0.0,
            "outcome": "no_services_no_identified_needs", **overrides}
    return world.client.post(f"/api/v1/episodes/{episode_id}/closure", json=body, headers=world.manager.headers)


def read_episode(world: World, episode_id: str, actor: Actor | None = None) -> Any:
    """GET the episode as `actor` (default: the manager)."""
    return world.client.get(f"/api/v1/episodes/{episode_id}", headers=(actor or world.manager).headers)


def events(world: World, episode_id: str) -> list[dict[str, Any]]:
    """The episode's whole event log, oldest first."""
    response = world.client.get(f"/api/v1/episodes/{episode_id}/events?page_size=500",
                                headers=world.manager.headers)
    assert response.status_code == 200, response.get_json()
    items: list[dict[str, Any]] = response.get_json()["items"]
    return items


def noon_on(day: date) -> str:
    """Midday UTC on `day`, as an RFC 3339 timestamp (safely inside the London date)."""
    return datetime.combine(day, time(12), tzinfo=UTC).isoformat()
