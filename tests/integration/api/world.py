"""A small world for API tests: two providers with managers and workers, a commissioner and an admin."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from tests.helpers import make_provider, make_user, sign_in, username_of


@dataclass
class Actor:
    """A signed-in user."""

    id: uuid.UUID
    headers: dict[str, str]


@dataclass
class World:
    """Everyone the API tests act as."""

    client: FlaskClient
    provider: uuid.UUID
    other_provider: uuid.UUID
    manager: Actor
    worker: Actor
    second_worker: Actor
    other_manager: Actor
    other_worker: Actor
    commissioner: Actor
    admin: Actor

    def open_episode(self, **overrides: Any) -> dict[str, Any]:
        """Open an episode (started 10 days ago) with the worker assigned; returns the episode."""
        body = episode_body(self.provider, worker_ids=[str(self.worker.id)], **overrides)
        response = self.client.post("/api/v1/episodes", json=body, headers=self.manager.headers)
        assert response.status_code == 201, response.get_json()
        result: dict[str, Any] = response.get_json()
        return result

    def set_goal(self, episode_id: str, baseline: int = 1, target: int = 4, **overrides: Any) -> dict[str, Any]:
        """Set a goal on the episode; returns the goal."""
        body = {"domain": "meal_preparation", "description": "Make a cup of tea myself",
                "baseline_level": baseline, "target_level": target, **overrides}
        response = self.client.post(f"/api/v1/episodes/{episode_id}/goals", json=body, headers=self.manager.headers)
        assert response.status_code == 201, response.get_json()
        result: dict[str, Any] = response.get_json()
        return result

    def event_count(self, episode_id: str) -> int:
        """How many events the episode's stream holds (read as the manager)."""
        response = self.client.get(f"/api/v1/episodes/{episode_id}/events?page_size=500",
                                   headers=self.manager.headers)
        assert response.status_code == 200
        return int(response.get_json()["total"])


def episode_body(provider_id: uuid.UUID, **overrides: Any) -> dict[str, Any]:
    """A valid EpisodeCreate body."""
    started = date.today() - timedelta(days=10)
    return {
        "person_ref": "AB-1234", "age_at_referral": 82, "provider_id": str(provider_id),
        "referral_source": "hospital_discharge", "referred_on": str(started - timedelta(days=2)),
        "started_on": str(started), "hospital_discharge_on": str(started - timedelta(days=1)),
        "start_need_hours_per_week": 14.0, **overrides,
    }


def visit_body(episode_id: str, goal_progress: list[dict[str, Any]] | None = None, **overrides: Any) -> dict[str, Any]:
    """A valid visit, one hour ago."""
    return {
        "id": str(uuid.uuid4()), "episode_id": episode_id,
        "occurred_at": (datetime.now(UTC) - timedelta(hours=1)).isoformat(),
        "duration_minutes": 45, "carers": 1, "goal_progress": goal_progress or [], **overrides,
    }


def _actor(app: Flask, client: FlaskClient, role: str, provider: uuid.UUID | None) -> Actor:
    user_id = make_user(app, role, provider)
    return Actor(user_id, sign_in(client, username_of(app, user_id)))


def build_world(app: Flask, client: FlaskClient) -> World:
    """Create the world's providers and users."""
    provider, other = make_provider(app, "Home First"), make_provider(app, "CareCo")
    return World(
        client=client, provider=provider, other_provider=other,
        manager=_actor(app, client, "manager", provider),
        worker=_actor(app, client, "worker", provider),
        second_worker=_actor(app, client, "worker", provider),
        other_manager=_actor(app, client, "manager", other),
        other_worker=_actor(app, client, "worker", other),
        commissioner=_actor(app, client, "commissioner", None),
        admin=_actor(app, client, "admin", None),
    )
