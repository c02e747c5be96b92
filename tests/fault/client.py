"""Talking to the running service over HTTP, as a manager's browser and a worker's phone would."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import requests

from tests.helpers import PASSWORD

TIMEOUT = 15.0


def sign_in(base: str, username: str) -> dict[str, str]:
    """Bearer headers for `username`, from the running service."""
    response = requests.post(f"{base}/api/v1/auth/token", json={"username": username, "password": PASSWORD},
                             timeout=TIMEOUT)
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


@dataclass
class Episode:
    """An open episode with one goal."""

    id: str
    goal_id: str


@dataclass
class Client:
    """A signed-in manager and worker of one provider."""

    base: str
    manager: dict[str, str]
    worker: dict[str, str]
    provider_id: uuid.UUID
    worker_id: uuid.UUID

    def open_episode(self) -> Episode:
        """Open an episode (started 10 days ago) assigned to the worker, with one goal."""
        started = date.today() - timedelta(days=10)
        body = {"person_ref": "FT-0001", "age_at_referral": 81, "provider_id": str(self.provider_id),
                "referral_source": "hospital_discharge", "referred_on": str(started - timedelta(days=2)),
                "started_on": str(started), "hospital_discharge_on": str(started - timedelta(days=1)),
                "start_need_hours_per_week": 14.0, "worker_ids": [str(self.worker_id)]}
        episode = requests.post(f"{self.base}/api/v1/episodes", json=body, headers=self.manager, timeout=TIMEOUT)
        assert episode.status_code == 201, episode.text
        goal_body = {"domain": "meal_preparation", "description": "Make a cup of tea myself",
                     "baseline_level": 1, "target_level": 4}
        goal = requests.post(f"{self.base}/api/v1/episodes/{episode.json()['id']}/goals", json=goal_body,
                             headers=self.manager, timeout=TIMEOUT)
        assert goal.status_code == 201, goal.text
        return Episode(episode.json()["id"], goal.json()["id"])

    def post_visit(self, visit: dict[str, Any], timeout: float = TIMEOUT) -> requests.Response:
        """POST /visits as the worker's phone."""
        return requests.post(f"{self.base}/api/v1/visits", json=visit, headers=self.worker, timeout=timeout)

    def post_batch(self, visits: list[dict[str, Any]], timeout: float = 60.0) -> requests.Response:
        """POST /visits/batch as the worker's phone."""
        return requests.post(f"{self.base}/api/v1/visits/batch", json={"visits": visits}, headers=self.worker,
                             timeout=timeout)

    def health(self) -> tuple[int, dict[str, Any]]:
        """GET /health: status code and body."""
        response = requests.get(f"{self.base}/api/v1/health", timeout=TIMEOUT)
        return response.status_code, response.json()

    def episode(self, episode_id: str) -> dict[str, Any]:
        """The episode as the manager reads it."""
        response = requests.get(f"{self.base}/api/v1/episodes/{episode_id}", headers=self.manager, timeout=TIMEOUT)
        assert response.status_code == 200, response.text
        result: dict[str, Any] = response.json()
        return result


def visit(episode: Episode, level: int = 2) -> dict[str, Any]:
    """A new visit (fresh phone-generated id) an hour ago, assessing the episode's goal."""
    return {"id": str(uuid.uuid4()), "episode_id": episode.id,
            "occurred_at": (datetime.now(UTC) - timedelta(hours=1)).isoformat(),
            "duration_minutes": 45, "carers": 1, "goal_progress": [{"goal_id": episode.goal_id, "level": level}]}
