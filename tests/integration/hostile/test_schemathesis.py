"""Schemathesis over the whole API, as every role and as no one: no 5xx, responses and status codes as documented.

Bounded and repeatable: a fixed number of positive and negative examples per operation,
derandomized, no example database. Half of the cases reuse ids that exist (an episode with
a goal, its events, a worker, a contract), so generated bodies reach the domain rules and
not only the 404s. SQLite by default; PostgreSQL too when TEST_DATABASE_URL is set (the
`app` fixture runs both).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import schemathesis
from flask import Flask
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

from tests.integration.api.steps import post_visit
from tests.integration.api.world import World, visit_body
from tests.integration.hostile.openapi_walk import event_total

EXAMPLES = 5  # per operation and generation mode; each example is sent as all five callers
CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance]


def known_ids(world: World) -> dict[str, str]:
    """Ids that exist, for path parameters: an episode with a goal and a visit, its events, a contract."""
    episode = world.open_episode()
    goal = world.set_goal(episode["id"])
    assert post_visit(world, visit_body(episode["id"])).status_code == 201
    events = world.client.get(f"/api/v1/episodes/{episode['id']}/events", headers=world.manager.headers)
    contract = world.client.post("/api/v1/contracts", headers=world.admin.headers, json={
        "provider_id": str(world.provider), "name": "Fuzzed", "starts_on": str(date.today() - timedelta(days=30)),
        "ends_on": str(date.today()), "outcome_pot_gbp": 1000,
        "targets": [{"metric": "independent_pct", "comparator": "ge", "value": 50, "weight": 1}]})
    assert contract.status_code == 201, contract.get_json()
    return {"episode_id": episode["id"], "goal_id": goal["id"], "worker_id": str(world.worker.id),
            "event_id": events.get_json()["items"][-1]["id"], "contract_id": contract.get_json()["id"],
            "flag": "concern"}


def exercise(strategy: st.SearchStrategy[Any], callers: list[dict[str, str]], examples: int,
             problems: list[str]) -> int:
    """Send `examples` generated cases as each caller; note every failed check in `problems`; return the calls made."""
    calls = 0

    @settings(max_examples=examples, deadline=None, derandomize=True, database=None,
              phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
    @given(case=strategy)
    def run(case: Any) -> None:
        nonlocal calls
        for headers in callers:
            response = case.call(headers=headers)
            calls += 1
            try:
                case.validate_response(response, checks=CHECKS)
            except AssertionError as error:  # schemathesis' failures are AssertionError subclasses
                who = headers.get("Authorization", "no one")[:15]
                problems.append(f"{case.method} {case.path} as {who}: {error}"[:2000])

    run()
    return calls


def test_the_api_holds_its_contract_for_every_role(app: Flask, world: World) -> None:
    schema = schemathesis.openapi.from_wsgi("/api/v1/docs/openapi.json", app)
    ids = known_ids(world)
    callers: list[dict[str, str]] = [world.admin.headers, world.manager.headers, world.worker.headers,
                                     world.commissioner.headers, {}]
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 30
    problems: list[str] = []
    calls = 0
    for operation in operations:
        fixed = {name: value for name, value in ids.items() if "{" + name + "}" in operation.path}
        strategies = [operation.as_strategy(mode) for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)]
        if fixed:
            strategies.append(operation.as_strategy(GenerationMode.POSITIVE, path_parameters=fixed))
        # Revoking a role's token would sign that role out for the rest of the run: revoke is called anonymously.
        who = [{}] if operation.path.endswith("/auth/revoke") else callers
        calls += exercise(st.one_of(strategies), who, EXAMPLES * len(strategies), problems)
    assert calls > 30 * 2 * EXAMPLES * len(callers) // 2
    assert problems == [], "\n\n".join(problems[:10])


def test_a_rejected_request_records_nothing(app: Flask, world: World) -> None:
    """Every refusal schemathesis provokes leaves the log as it was (spot-checked on the write endpoints)."""
    ids = known_ids(world)
    before = event_total(app)
    for path, body in ((f"/api/v1/episodes/{ids['episode_id']}/goals", {"domain": "x"}),
                       (f"/api/v1/episodes/{ids['episode_id']}/closure", {"ended_on": "2026-13-01"}),
                       ("/api/v1/visits", {"id": "not-a-uuid"}),
                       (f"/api/v1/events/{ids['event_id']}/corrections", {"reason": ""})):
        for headers in (world.manager.headers, world.worker.headers, {}):
            assert world.client.post(path, json=body, headers=headers).status_code in (400, 401, 403, 404, 422)
    assert event_total(app) == before
