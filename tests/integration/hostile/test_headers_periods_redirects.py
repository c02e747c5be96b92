"""Items 3, 4 and 6: If-Match and hidden versions, CR/LF and open redirects in `next`, bounded report periods."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from service.reports.service import MAX_PERIOD_DAYS
from tests.helpers import PASSWORD, assert_error, username_of
from tests.integration.api.world import World
from tests.integration.hostile.openapi_walk import event_total
from tests.integration.web.conftest import Browsers
from tests.integration.web.pages import csrf_token, post_form


@pytest.mark.parametrize("tag", ["²", '"²"', "W/\"١٢\"", "99999999999999999999999", "5 5", "-1"])
def test_if_match_of_anything_but_ascii_digits_is_a_412(app: Flask, world: World, tag: str) -> None:
    episode = world.open_episode()
    before = event_total(app)
    closure = {"ended_on": episode["started_on"], "end_need_hours_per_week": 0,
               "outcome": "no_services_no_identified_needs"}
    response = world.client.post(f"/api/v1/episodes/{episode['id']}/closure", json=closure,
                                 headers={**world.manager.headers, "If-Match": tag})
    assert_error(response, 412, "If-Match")
    assert event_total(app) == before


def test_the_close_forms_hidden_version_of_unicode_digits_is_refused(app: Flask, world: World,
                                                                     browsers: Browsers) -> None:
    episode = world.open_episode()
    before = event_total(app)
    page = f"/episodes/{episode['id']}"
    response = post_form(browsers.manager, page, f"{page}/close", {
        "version": "²", "ended_on": episode["started_on"], "end_need_hours_per_week": "0",
        "outcome": "no_services_no_identified_needs"})
    assert response.status_code == 412
    assert event_total(app) == before


@pytest.mark.parametrize("target", [
    "/%09/evil.example/phish", "/\t/evil.example", "/\r\n/evil.example", "//evil.example", "/\\evil.example",
    "https://evil.example/", "javascript:alert(1)", "/\x0b/evil.example", "\t//evil.example", "/ /evil.example",
    "/flags\r\nSet-Cookie: x=1", "/%2F/evil.example",
])
def test_sign_in_next_never_leaves_the_site(app: Flask, world: World, target: str) -> None:
    client: FlaskClient = app.test_client()
    token = csrf_token(client, "/sign-in")
    response = client.post("/sign-in", query_string={"next": target}, data={
        "csrf_token": token, "username": username_of(app, world.manager.id), "password": PASSWORD})
    assert response.status_code == 303
    location = response.headers["Location"]
    assert location == "/flags", location


@pytest.mark.parametrize("raw_query", ["next=/%09/evil.example/phish", "next=/%0d%0a/evil.example",
                                       "next=%2F%2Fevil.example", "next=/%5Cevil.example"])
def test_sign_in_next_as_the_attack_sends_it(app: Flask, world: World, raw_query: str) -> None:
    client: FlaskClient = app.test_client()
    token = csrf_token(client, "/sign-in")
    response = client.post(f"/sign-in?{raw_query}", data={
        "csrf_token": token, "username": username_of(app, world.manager.id), "password": PASSWORD})
    assert response.status_code == 303
    assert response.headers["Location"] == "/flags"


def test_sign_in_next_keeps_a_same_site_path(app: Flask, world: World) -> None:
    client: FlaskClient = app.test_client()
    token = csrf_token(client, "/sign-in")
    response = client.post("/sign-in", query_string={"next": "/episodes?status=closed"}, data={
        "csrf_token": token, "username": username_of(app, world.manager.id), "password": PASSWORD})
    assert response.headers["Location"] == "/episodes?status=closed"


@pytest.mark.parametrize(("start", "end", "field"), [
    ("0001-01-01", "9999-12-31", "from"), ("2000-01-01", "2099-11-30", "to"), ("2015-01-01", "2026-01-01", "to"),
])
def test_report_periods_are_bounded_in_the_api(world: World, start: str, end: str, field: str) -> None:
    for path, actor in (("/api/v1/reports/effectiveness", world.manager), ("/api/v1/reports/providers", world.admin),
                        ("/api/v1/exports/episodes.csv", world.manager)):
        response = world.client.get(path, query_string={"from": start, "to": end}, headers=actor.headers)
        assert_error(response, 422, field)


def test_a_ten_year_period_is_allowed(world: World) -> None:
    response = world.client.get("/api/v1/reports/effectiveness", headers=world.manager.headers,
                                query_string={"from": "2016-01-01", "to": "2025-12-31"})
    assert response.status_code == 200
    assert MAX_PERIOD_DAYS == 3653


def test_contract_periods_are_bounded(world: World) -> None:
    body = {"provider_id": str(world.provider), "name": "Forever", "starts_on": "0001-01-01", "ends_on": "9999-12-31",
            "outcome_pot_gbp": 1000, "targets": [{"metric": "independent_pct", "comparator": "ge",
                                                  "value": 50, "weight": 1}]}
    assert_error(world.client.post("/api/v1/contracts", json=body, headers=world.admin.headers), 422, "starts_on")


@pytest.mark.parametrize(("start", "end"), [("0001-01-01", "9999-12-31"), ("2000-01-01", "2099-11-30")])
def test_report_periods_are_bounded_on_the_web(browsers: Browsers, start: str, end: str) -> None:
    for page in ("/dashboard", "/reports/effectiveness.csv", "/reports/episodes.csv"):
        response = browsers.manager.get(page, query_string={"from": start, "to": end})
        assert response.status_code == 422, (page, response.status_code)
    response = browsers.commissioner.get("/providers", query_string={"from": start, "to": end})
    assert response.status_code == 422
