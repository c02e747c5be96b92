"""What the service really answers matches the document: every status is declared, every body validates (formats and
required fields included), on SQLite and PostgreSQL, across every role's everyday calls and refusals."""

from __future__ import annotations

import re
import uuid
from datetime import date, timedelta
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from openapi_schema_validator import OAS30Validator, oas30_format_checker

from tests.contract.tools import document, operations, resolve
from tests.helpers import PASSWORD, username_of
from tests.integration.api.world import World, visit_body
from tests.integration.reports.test_contracts_api import contract_body


def _template_pattern(path: str) -> re.Pattern[str]:
    return re.compile("^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(path)) + "$")


ROUTES = [(method, _template_pattern(path), path, op) for method, path, op in operations()]


def check(response: Any, method: str, url: str) -> None:
    """The response's status is declared for the operation, and its body validates against the declared schema."""
    path = url.split("?", 1)[0]
    method_path, op = next(((template, op) for m, pattern, template, op in ROUTES
                            if m == method and pattern.match(path)), (None, None))
    assert op is not None, (method, path)
    status = str(response.status_code)
    assert status in op["responses"], (op["operationId"], status, response.get_data(as_text=True)[:300])
    declared = resolve(op["responses"][status])
    content_type = response.headers.get("Content-Type", "").split(";")[0]
    if response.status_code == 204:
        return
    assert content_type in declared.get("content", {}), (op["operationId"], status, content_type)
    if content_type != "application/json":
        return
    schema = {**declared["content"][content_type]["schema"], "components": document()["components"]}
    OAS30Validator(schema, format_checker=oas30_format_checker).validate(response.get_json())
    for header, spec in declared.get("headers", {}).items():
        assert not spec.get("required") or header in response.headers, (op["operationId"], status, header, method_path)


class Checked:
    """A test client whose every API response is checked against the document."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client
        self.seen: set[tuple[str, str]] = set()

    def call(self, method: str, url: str, headers: dict[str, str] | None = None, **kwargs: Any) -> Any:
        """Make the request, check it, and return the response."""
        response = self.client.open(url, method=method, headers=headers or {}, **kwargs)
        check(response, method, url)
        self.seen.add((method, str(response.status_code)))
        return response


def test_everyday_calls_and_refusals_match_the_document(app: Flask, world: World) -> None:
    api = Checked(world.client)
    manager, worker, admin = world.manager.headers, world.worker.headers, world.admin.headers
    commissioner, other_manager = world.commissioner.headers, world.other_manager.headers
    v1 = "/api/v1"

    api.call("GET", f"{v1}/health")
    token = api.call("POST", f"{v1}/auth/token",
                     json={"username": username_of(app, world.worker.id), "password": PASSWORD}).get_json()
    api.call("POST", f"{v1}/auth/token", json={"username": "nobody", "password": "wrong password"})
    renewed = api.call("POST", f"{v1}/auth/refresh", json={"refresh_token": token["refresh_token"]}).get_json()
    api.call("POST", f"{v1}/auth/refresh", json={"refresh_token": token["refresh_token"]})
    api.call("POST", f"{v1}/auth/token", data="{not json", headers={"Content-Type": "application/json"})
    api.call("GET", f"{v1}/providers", headers=manager)
    api.call("GET", f"{v1}/providers", headers={"Authorization": f"Bearer {renewed['access_token']}"})
    api.call("POST", f"{v1}/providers", json={"name": "New Provider", "kind": "external"}, headers=admin)
    api.call("POST", f"{v1}/providers", json={"name": "New Provider", "kind": "external"}, headers=admin)
    api.call("GET", f"{v1}/users", headers=admin)
    created = api.call("POST", f"{v1}/users", json={"username": "new.worker", "password": PASSWORD, "role": "worker",
                                                    "provider_id": str(world.provider)}, headers=admin).get_json()
    api.call("GET", f"{v1}/users/{created['id']}", headers=admin)
    api.call("PATCH", f"{v1}/users/{created['id']}", json={"active": False}, headers=admin)
    api.call("GET", f"{v1}/users/{world.worker.id}/sessions", headers=manager)
    api.call("GET", f"{v1}/users/{world.worker.id}/sessions", headers=other_manager)
    api.call("GET", f"{v1}/users/{world.worker.id}/sessions", headers=commissioner)

    episode = api.call("POST", f"{v1}/episodes", json=_episode(world), headers=manager).get_json()
    episode_url = f"{v1}/episodes/{episode['id']}"
    api.call("GET", f"{v1}/episodes?status=open", headers=manager)
    api.call("GET", f"{v1}/episodes", headers=worker)
    api.call("GET", episode_url, headers=manager)
    api.call("GET", episode_url, headers=other_manager)
    goal = api.call("POST", f"{episode_url}/goals", json={"domain": "mobility", "description": "Walk to the shop",
                                                          "baseline_level": 1, "target_level": 4},
                    headers=manager).get_json()
    api.call("PATCH", f"{episode_url}/goals/{goal['id']}", json={"description": "Walk to the corner shop"},
             headers=manager)
    api.call("POST", f"{episode_url}/assignments", json={"worker_id": str(world.second_worker.id)},
             headers={**manager, "If-Match": '"1"'})
    api.call("POST", f"{episode_url}/assignments", json={"worker_id": str(world.second_worker.id)}, headers=manager)
    api.call("DELETE", f"{episode_url}/assignments/{world.second_worker.id}", headers=manager)

    api.call("GET", f"{v1}/me/caseload", headers=worker)
    visit = visit_body(episode["id"], [{"goal_id": goal["id"], "level": 2}], concerns=["fall"], note="Steady")
    receipt = api.call("POST", f"{v1}/visits", json=visit, headers=worker).get_json()
    api.call("POST", f"{v1}/visits", json=visit, headers=worker)
    api.call("POST", f"{v1}/visits", json={**visit, "duration_minutes": 50}, headers=worker)
    api.call("POST", f"{v1}/visits", json={**visit, "id": str(uuid.uuid4()), "occurred_at": "2026-11-20T09:30:00"},
             headers=worker)
    api.call("POST", f"{v1}/visits", json=visit_body(episode["id"]), headers=world.other_worker.headers)
    api.call("POST", f"{v1}/visits/batch", json={"visits": [visit, visit_body(episode["id"]), {"id": 7}]},
             headers=worker)
    api.call("GET", f"{episode_url}/events?page_size=5", headers=manager)
    api.call("POST", f"{v1}/events/{receipt['event_id']}/corrections",
             json={"reason": "Wrong duration", "data": {**_event_data(api, episode_url, manager),
                                                        "duration_minutes": 30}}, headers=worker)
    api.call("POST", f"{episode_url}/flags/concern/acknowledgement", json={"note": "Called the family"},
             headers=manager)
    api.call("GET", f"{v1}/reports/flags", headers=manager)
    api.call("POST", f"{episode_url}/goals/{goal['id']}/withdrawal", json={"reason": "No longer wanted"},
             headers=manager)
    closure = {"ended_on": str(date.today()), "end_need_hours_per_week": 0.0,
               "outcome": "no_services_no_identified_needs"}
    api.call("POST", f"{episode_url}/closure", json=closure, headers=manager)
    api.call("POST", f"{episode_url}/closure", json=closure, headers=manager)

    period = f"from={date.today() - timedelta(days=30)}&to={date.today()}"
    api.call("GET", f"{v1}/reports/effectiveness?{period}", headers=manager)
    api.call("GET", f"{v1}/reports/effectiveness?{period}&format=csv", headers=manager)
    api.call("GET", f"{v1}/reports/effectiveness?{period}", headers=worker)
    api.call("GET", f"{v1}/reports/providers?{period}", headers=commissioner)
    api.call("GET", f"{v1}/exports/episodes.csv?{period}", headers=manager)
    contract = api.call("POST", f"{v1}/contracts", json=contract_body(world.provider), headers=commissioner).get_json()
    api.call("GET", f"{v1}/contracts", headers=commissioner)
    api.call("GET", f"{v1}/contracts/{contract['id']}", headers=commissioner)
    api.call("GET", f"{v1}/contracts/{contract['id']}/report?{period}", headers=commissioner)
    api.call("GET", f"{v1}/contracts/{uuid.uuid4()}", headers=commissioner)
    api.call("POST", f"{v1}/auth/revoke", headers=worker)
    api.call("GET", f"{v1}/me/caseload", headers=worker)

    expected = {("GET", "200"), ("POST", "201"), ("POST", "200"), ("POST", "400"), ("POST", "401"),
                ("GET", "403"), ("GET", "404"), ("POST", "409"), ("POST", "412"), ("POST", "422"), ("POST", "204")}
    assert expected <= api.seen


def _episode(world: World) -> dict[str, Any]:
    from tests.integration.api.world import episode_body

    return episode_body(world.provider, worker_ids=[str(world.worker.id)])


def _event_data(api: Checked, episode_url: str, headers: dict[str, str]) -> dict[str, Any]:
    items = api.call("GET", f"{episode_url}/events?page_size=500", headers=headers).get_json()["items"]
    data: dict[str, Any] = next(item["data"] for item in items if item["type"] == "VisitRecorded")
    return {key: data[key] for key in ("occurred_at", "duration_minutes", "carers", "goal_progress")}
