"""The dashboard and commissioners' pages show the API's numbers; commissioners never reach a person."""

from __future__ import annotations

import re
from datetime import date, timedelta

from tests.integration.api.steps import close, post_visit
from tests.integration.api.world import World, visit_body
from tests.integration.web.conftest import Browsers

METRIC_CELL = re.compile(r'data-metric="(\w+)">([^<]*)<')


def shown_precision(name: str) -> float:
    """How far a figure on a page may be from the API's: whole percentages, T-scores to 1 dp, the rest to 2 dp."""
    return 0.5 if name.endswith("_pct") else 0.05 if name.endswith("t_score") else 0.01


def _number(text: str) -> float | None:
    cleaned = text.replace("£", "").replace(",", "").replace("%", "").strip()
    return None if cleaned in ("–", "suppressed") else float(cleaned)


def _closed_episodes(world: World, count: int) -> list[str]:
    ids = []
    for index in range(count):
        episode = world.open_episode(start_need_hours_per_week=10.0 + index)
        outcome = {"outcome": "long_term_support", "end_need_hours_per_week": 4.0} if index % 3 == 0 else {}
        assert close(world, episode["id"], **outcome).status_code == 200
        ids.append(episode["id"])
    return ids


def test_dashboard_shows_the_same_numbers_as_the_api_for_the_period(world: World, browsers: Browsers) -> None:
    _closed_episodes(world, 4)
    start, end = date.today() - timedelta(days=30), date.today()
    query = f"from={start}&to={end}"
    api = world.client.get(f"/api/v1/reports/effectiveness?{query}", headers=world.manager.headers).get_json()

    page = browsers.manager.get(f"/dashboard?{query}")

    assert page.status_code == 200
    shown = dict(METRIC_CELL.findall(page.get_data(as_text=True)))
    assert set(shown) == set(api["metrics"]) - {"ascof_2d_pct"}  # the deprecated name of 2A is not shown twice
    for name in shown:
        value = api["metrics"][name]
        expected = value["value"] if isinstance(value, dict) else value
        actual = _number(shown[name])
        assert (actual is None) == (expected is None), name
        assert actual is None or abs(actual - expected) <= shown_precision(name), (name, actual, expected)
    text = page.get_data(as_text=True)
    assert "ASCOF 2A: no further request for ongoing support (%)" in text and "ASCOF 2D" not in text
    assert "At home 91 days after discharge (formerly ASCOF 2B(1)) (%)" in text
    assert "national figure, worked out from the council&#39;s Client Level Data return" in text
    assert text.count('role="img"') == 5 and text.count('class="visually-hidden"') >= 5
    csv = browsers.manager.get(f"/reports/effectiveness.csv?{query}")
    api_csv = world.client.get(f"/api/v1/reports/effectiveness?{query}&format=csv", headers=world.manager.headers)
    assert csv.status_code == 200 and csv.mimetype == "text/csv" and csv.data == api_csv.data
    export = browsers.manager.get(f"/reports/episodes.csv?{query}")
    api_export = world.client.get(f"/api/v1/exports/episodes.csv?{query}", headers=world.manager.headers)
    assert export.data == api_export.data and export.data.count(b"\n") == 5


def test_dashboard_refuses_a_period_that_ends_before_it_starts(browsers: Browsers) -> None:
    response = browsers.manager.get("/dashboard?from=2026-02-01&to=2026-01-01")

    assert response.status_code == 422 and "Must be on or after the From date." in response.get_data(as_text=True)


def test_commissioner_gets_404_on_every_person_level_page(world: World, browsers: Browsers) -> None:
    episode = world.open_episode()
    post_visit(world, visit_body(episode["id"], concerns=["fall"]))
    person_level = [f"/episodes/{episode['id']}", "/flags", "/episodes", "/dashboard", "/reports/episodes.csv"]

    responses = {path: browsers.commissioner.get(path) for path in person_level}
    posted = browsers.commissioner.post(f"/episodes/{episode['id']}/flags/concern/acknowledge", data={})

    assert {path: response.status_code for path, response in responses.items()} == dict.fromkeys(person_level, 404)
    assert posted.status_code in (400, 404)
    assert all(episode["person_ref"] not in response.get_data(as_text=True) for response in responses.values())
    assert browsers.manager.get("/providers").status_code == 403


def test_commissioner_sees_providers_side_by_side_suppressed_and_contract_earnings(
        world: World, browsers: Browsers) -> None:
    _closed_episodes(world, 6)
    contract = world.client.post("/api/v1/contracts", headers=world.commissioner.headers, json={
        "provider_id": str(world.provider), "name": "Home First outcomes 2026",
        "starts_on": str(date.today() - timedelta(days=60)), "ends_on": str(date.today()),
        "outcome_pot_gbp": 10000, "targets": [
            {"metric": "independent_pct", "comparator": "ge", "value": 50, "weight": 0.6},
            {"metric": "mean_length_of_stay_days", "comparator": "le", "value": 5, "weight": 0.4}]}).get_json()
    query = f"from={date.today() - timedelta(days=30)}&to={date.today()}"
    api = world.client.get(f"/api/v1/reports/providers?{query}", headers=world.commissioner.headers).get_json()

    providers = browsers.commissioner.get(f"/providers?{query}").get_data(as_text=True)
    contracts = browsers.commissioner.get("/contracts").get_data(as_text=True)

    for row in api["providers"]:
        for name in ("value_per_person_gbp", "independent_pct", "ascof_2a_pct", "mean_length_of_stay_days"):
            cell = re.search(rf'data-provider="{row["provider_id"]}" data-metric="{name}">([^<]*)<', providers)
            value = row["metrics"][name]
            expected = value["value"] if isinstance(value, dict) else value
            assert cell, (row["provider_name"], name)
            shown = _number(cell.group(1))
            assert (shown is None) == (expected is None), (row["provider_name"], name)
            assert shown is None or abs(shown - expected) <= shown_precision(name), (row["provider_name"], name)
    assert "suppressed" in providers  # the other provider has no completions: n = 0 < 5
    assert "AB-1234" not in providers and "AB-1234" not in contracts
    report = world.client.get(f"/api/v1/contracts/{contract['id']}/report",
                              headers=world.commissioner.headers).get_json()
    assert "Home First outcomes 2026" in contracts
    assert re.search(r"data-total-earned>£([\d,.]+)<", contracts).group(1) == f"{report['earned_gbp']:,.2f}"
    csv = browsers.commissioner.get(f"/contracts/{contract['id']}/report.csv")
    assert csv.status_code == 200 and csv.data.startswith(b"metric,value,n,ci_low,ci_high,suppressed")
    commissioner_csv = browsers.commissioner.get(f"/reports/effectiveness.csv?{query}&provider_id={world.provider}")
    assert commissioner_csv.status_code == 200 and b"independent_pct" in commissioner_csv.data
