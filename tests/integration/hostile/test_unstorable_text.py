"""Item 1: NUL and unpaired surrogates in any string of any endpoint or form are a 422 naming the field."""

from __future__ import annotations

from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from service.input_limits import storable
from tests.helpers import assert_error
from tests.integration.api.steps import post_batch
from tests.integration.api.world import World, visit_body
from tests.integration.hostile.openapi_walk import (
    event_total,
    everyone,
    leaves,
    openapi,
    operations,
    placed,
    send,
)
from tests.integration.web.pages import csrf_token

POISONS = ("\ud83d", "a\x00b", "\udc00tail")
# Any code point, surrogates and NUL included (hypothesis leaves surrogates out unless told).
ANY_TEXT = st.text(st.characters(exclude_categories=()), max_size=20)


def test_every_string_field_of_every_json_body_refuses_unstorable_text(app: Flask, world: World) -> None:
    document = openapi(world.client)
    checked = 0
    before = event_total(app)
    for operation in operations(document):
        if operation.body is None:
            continue
        for path, _ in leaves(document, operation.body, ("string",)):
            if operation.path == "/api/v1/visits/batch":
                continue  # judged per visit: see the batch test below
            for poison in POISONS:
                response = send(world, operation, everyone(world), json=placed(path, poison))
                body = assert_error(response, 422)
                assert path[0] in body["errors"], (operation.path, path, body)
                checked += 1
    assert checked > 50  # every body's strings, not a handful
    assert event_total(app) == before


def test_every_string_query_parameter_refuses_nul(app: Flask, world: World) -> None:
    document = openapi(world.client)
    checked = 0
    for operation in operations(document):
        for parameter in operation.parameters:
            if parameter["in"] != "query":
                continue
            response = send(world, operation, everyone(world), query_string={parameter["name"]: "x\x00y"})
            body = assert_error(response, 422)
            assert parameter["name"] in body["errors"], (operation.path, parameter, body)
            checked += 1
    assert checked > 10


def test_sign_in_refuses_nul_before_any_lookup(world: World) -> None:
    for field in ("username", "password"):
        credentials = {"username": "someone", "password": "a password", field: "nul\x00here"}
        response = world.client.post("/api/v1/auth/token", json=credentials)
        assert_error(response, 422, field)


def test_web_sign_in_form_refuses_nul(app: Flask) -> None:
    client = app.test_client()
    token = csrf_token(client, "/sign-in")
    response = client.post("/sign-in", data={"csrf_token": token, "username": "who\x00", "password": "pw"})
    assert response.status_code == 422
    assert "username" in response.get_data(as_text=True)


def test_a_batch_refuses_only_the_poisoned_visit(app: Flask, world: World) -> None:
    episode = world.open_episode()
    good = [visit_body(episode["id"]) for _ in range(3)]
    poisoned = visit_body(episode["id"], note="cut emoji \ud83d")
    nul = visit_body(episode["id"], note="nul \x00")
    before = event_total(app)

    response = post_batch(world, [good[0], poisoned, good[1], nul, good[2]])

    assert response.status_code == 200, response.get_json()
    statuses = [result["status"] for result in response.get_json()["results"]]
    assert statuses == [201, 422, 201, 422, 201]
    assert "note" in response.get_json()["results"][1]["errors"]
    assert event_total(app) == before + 3
    # The phone's retry of the same batch converges: the good visits replay, the bad ones stay refused.
    again = [result["status"] for result in post_batch(world, [good[0], poisoned, good[1], nul, good[2]])
             .get_json()["results"]]
    assert again == [200, 422, 200, 422, 200]


@settings(max_examples=40, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(note=ANY_TEXT, reason=ANY_TEXT, person_ref=ANY_TEXT)
def test_arbitrary_unicode_never_fails_the_server(world: World, note: str, reason: str, person_ref: str) -> None:
    """Any Unicode in free text: recorded when storable, otherwise a 422 naming the field; never a 5xx."""
    episode_body = {"person_ref": person_ref or "x", "age_at_referral": 80, "provider_id": str(world.provider),
                    "referral_source": "hospital_discharge", "referred_on": "2026-01-01",
                    "started_on": "2026-01-02", "start_need_hours_per_week": 5.0}
    response = world.client.post("/api/v1/episodes", json=episode_body, headers=world.manager.headers)
    assert response.status_code < 500
    if not storable(person_ref):
        assert_error(response, 422, "person_ref")
    ack = world.client.post(f"/api/v1/episodes/{world.provider}/flags/concern/acknowledgement",
                            json={"note": note}, headers=world.manager.headers)
    assert ack.status_code == (404 if storable(note) else 422)
    token = world.client.post("/api/v1/auth/token", json={"username": reason or "x", "password": note or "x"})
    assert token.status_code in ((401, 429) if storable(reason) and storable(note) else (422,))


def test_correction_data_is_checked_however_deep(app: Flask, world: World) -> None:
    episode = world.open_episode()
    opened = world.client.get(f"/api/v1/episodes/{episode['id']}/events", headers=world.manager.headers)
    event_id = opened.get_json()["items"][0]["id"]
    before = event_total(app)
    response = world.client.post(f"/api/v1/events/{event_id}/corrections", headers=world.manager.headers,
                                 json={"reason": "typo", "data": {"person_ref": "x", "deeper": [{"a": "\ud800"}]}})
    assert_error(response, 422, "data")
    assert event_total(app) == before
