"""Item 2: every number bounded, page numbers included; JSON nested too deeply refused before parsing."""

from __future__ import annotations

import json

from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from service.input_limits import MAX_JSON_DEPTH
from service.schemas import MAX_PAGE
from tests.helpers import assert_error
from tests.integration.api.world import World
from tests.integration.hostile.openapi_walk import event_total, everyone, leaves, openapi, operations, placed, send
from tests.integration.web.conftest import Browsers

EXTREMES = (2**63, -(2**63) - 1, 10**400, 1e308, -1e308, 9223372036854775807)


def test_every_number_the_api_accepts_is_documented_with_both_bounds(world: World) -> None:
    """The class rule: no integer or decimal in any body or query without a minimum and a maximum."""
    document = openapi(world.client)
    unbounded = []
    for operation in operations(document):
        schemas = [(parameter["name"], parameter["schema"]) for parameter in operation.parameters]
        if operation.body is not None:
            schemas += [(".".join(map(str, path)), schema)
                        for path, schema in leaves(document, operation.body, ("integer", "number"))]
        for name, schema in schemas:
            if schema.get("type") in ("integer", "number") and "enum" not in schema and not (
                    "minimum" in schema and "maximum" in schema):
                unbounded.append((operation.method, operation.path, name))
    assert unbounded == []


def test_extreme_numbers_in_every_body_are_refused_not_failed(app: Flask, world: World) -> None:
    document = openapi(world.client)
    before = event_total(app)
    checked = 0
    for operation in operations(document):
        if operation.body is None or operation.path == "/api/v1/visits/batch":
            continue
        for path, _ in leaves(document, operation.body, ("integer", "number")):
            for value in EXTREMES:
                response = send(world, operation, everyone(world), data=json.dumps(placed(path, value)),
                                content_type="application/json")
                body = assert_error(response, 422)
                assert path[0] in body["errors"], (operation.path, path, value, body)
                checked += 1
    assert checked > 40
    assert event_total(app) == before


def test_outcome_pot_of_1e308_is_a_422(world: World) -> None:
    body = {"provider_id": str(world.provider), "name": "Big", "starts_on": "2026-01-01", "ends_on": "2026-12-31",
            "outcome_pot_gbp": 1e308, "targets": [{"metric": "independent_pct", "comparator": "ge",
                                                   "value": 50, "weight": 1}]}
    response = world.client.post("/api/v1/contracts", json=body, headers=world.admin.headers)
    assert_error(response, 422, "outcome_pot_gbp")


def test_page_numbers_beyond_the_bound_are_422_on_every_paginated_list(world: World) -> None:
    document = openapi(world.client)
    lists = [operation for operation in operations(document)
             if any(parameter["name"] == "page" for parameter in operation.parameters)]
    assert len(lists) >= 5
    for operation in lists:
        for page in ("9223372036854775807", str(MAX_PAGE + 1), "0", "-1"):
            response = send(world, operation, everyone(world), query_string={"page": page})
            assert_error(response, 422, "page")
        if "{" not in operation.path:
            last = send(world, operation, everyone(world), query_string={"page": str(MAX_PAGE)})
            assert last.status_code == 200, (operation.path, last.get_json())


def test_web_episode_list_refuses_a_page_beyond_the_bound(browsers: Browsers) -> None:
    assert browsers.manager.get("/episodes?page=9223372036854775807").status_code == 404
    assert browsers.manager.get(f"/episodes?page={MAX_PAGE}").status_code == 200


def test_deep_json_is_a_400_on_every_json_endpoint(app: Flask, world: World) -> None:
    document = openapi(world.client)
    before = event_total(app)
    for operation in operations(document):
        if operation.body is None:
            continue
        for depth in (MAX_JSON_DEPTH + 1, 100_000):
            response = send(world, operation, everyone(world), data="[" * depth + "]" * depth,
                            content_type="application/json")
            assert_error(response, 400)
    # Brackets inside strings are text, not nesting.
    response = world.client.post("/api/v1/auth/token", json={"username": "[" * 5000, "password": "{" * 1000})
    assert response.status_code == 422  # too long a username, not "too deep"
    assert event_total(app) == before


@settings(max_examples=30, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(depth=st.integers(min_value=1, max_value=3 * MAX_JSON_DEPTH), wrap=st.sampled_from(["[", '{"a":']))
def test_nesting_depth_property(world: World, depth: int, wrap: str) -> None:
    closing = "]" if wrap == "[" else "}"
    body = wrap * depth + "1" + closing * depth
    response = world.client.post("/api/v1/visits/batch", data=body, content_type="application/json",
                                 headers=world.worker.headers)
    assert response.status_code == (400 if depth > MAX_JSON_DEPTH else 422)


@settings(max_examples=40, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(page=st.integers(min_value=-(2**70), max_value=2**70), size=st.integers(min_value=-(2**70), max_value=2**70))
def test_page_and_size_property(world: World, page: int, size: int) -> None:
    response = world.client.get("/api/v1/episodes", query_string={"page": page, "page_size": size},
                                headers=world.manager.headers)
    valid = 1 <= page <= MAX_PAGE and 1 <= size <= 500
    assert response.status_code == (200 if valid else 422)
