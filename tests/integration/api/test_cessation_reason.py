"""Closures may say why reablement stopped early (the reasons CLD tells apart), additively to the v1 outcomes."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import pytest

from tests.helpers import assert_error
from tests.integration.api.steps import close, events, read_episode
from tests.integration.api.world import World

PERIOD = {"from": str(date.today() - timedelta(days=30)), "to": str(date.today())}
PAIRS = [("early_cessation_nhs_funded_or_deceased", "deceased", "NFA: Deceased"),
         ("early_cessation_nhs_funded_or_deceased", "nhs_funded_care",
          "NFA: Referral to NHS services or NHS funded social care"),
         ("early_cessation_other", "admitted_to_hospital", "Admitted to hospital"),
         ("early_cessation_other", "other", "NFA: Support ended for other reason")]


def cld_outcomes(world: World) -> dict[str, str]:
    response = world.client.get("/api/v1/exports/cld.csv", query_string=PERIOD, headers=world.manager.headers)
    assert response.status_code == 200
    return {row["Event_Reference"]: row["Event_Outcome"]
            for row in csv.DictReader(io.StringIO(response.get_data(as_text=True)))}


@pytest.mark.parametrize(("outcome", "reason", "event_outcome"), PAIRS)
def test_a_reason_is_recorded_shown_and_exported(world: World, outcome: str, reason: str,
                                                 event_outcome: str) -> None:
    episode = world.open_episode()

    response = close(world, episode["id"], outcome=outcome, cessation_reason=reason)

    assert response.status_code == 200, response.get_json()
    assert (response.get_json()["outcome"], response.get_json()["cessation_reason"]) == (outcome, reason)
    assert events(world, episode["id"])[-1]["data"]["cessation_reason"] == reason
    assert read_episode(world, episode["id"]).get_json()["cessation_reason"] == reason
    assert cld_outcomes(world)[episode["id"]] == event_outcome


def test_a_v1_closure_without_a_reason_is_unchanged(world: World) -> None:
    episode = world.open_episode()

    response = close(world, episode["id"], outcome="early_cessation_other")

    assert response.status_code == 200 and response.get_json()["cessation_reason"] is None
    assert "cessation_reason" not in events(world, episode["id"])[-1]["data"]
    assert cld_outcomes(world)[episode["id"]] == "NFA: Support ended for other reason"


@pytest.mark.parametrize(("outcome", "reason"), [
    ("early_cessation_other", "deceased"),
    ("early_cessation_nhs_funded_or_deceased", "admitted_to_hospital"),
    ("no_services_no_identified_needs", "other"),
    ("early_cessation_to_long_term_support", "other"),
    ("early_cessation_other", "fell_over"),
    ("early_cessation_other", 3),
])
def test_a_reason_that_does_not_fit_the_outcome_is_a_422_and_nothing_is_recorded(world: World, outcome: str,
                                                                                 reason: object) -> None:
    episode = world.open_episode()
    before = world.event_count(episode["id"])
    extra = {"end_need_hours_per_week": 5.0} if outcome == "early_cessation_to_long_term_support" else {}

    assert_error(close(world, episode["id"], outcome=outcome, cessation_reason=reason, **extra), 422,
                 "cessation_reason")
    assert world.event_count(episode["id"]) == before


def test_a_manager_corrects_a_closure_to_add_the_reason(world: World) -> None:
    episode = world.open_episode()
    assert close(world, episode["id"], outcome="early_cessation_nhs_funded_or_deceased").status_code == 200
    closed = events(world, episode["id"])[-1]
    assert cld_outcomes(world)[episode["id"]] == "NFA: Referral to NHS services or NHS funded social care"

    wrong = world.client.post(f"/api/v1/events/{closed['id']}/corrections", headers=world.manager.headers, json={
        "reason": "The family told us", "data": {**closed["data"], "cessation_reason": "admitted_to_hospital"}})
    assert wrong.status_code == 422, wrong.get_json()
    corrected = world.client.post(f"/api/v1/events/{closed['id']}/corrections", headers=world.manager.headers,
                                  json={"reason": "The family told us",
                                        "data": {**closed["data"], "cessation_reason": "deceased"}})

    assert corrected.status_code == 201, corrected.get_json()
    assert read_episode(world, episode["id"]).get_json()["cessation_reason"] == "deceased"
    assert cld_outcomes(world)[episode["id"]] == "NFA: Deceased"


def test_reasons_leave_the_effectiveness_figures_as_they_were(world: World) -> None:
    report = "/api/v1/reports/effectiveness"
    plain, reasoned = world.open_episode(), world.open_episode()
    assert close(world, plain["id"], outcome="early_cessation_other").status_code == 200
    before = world.client.get(report, query_string=PERIOD, headers=world.manager.headers).get_json()["metrics"]
    assert close(world, reasoned["id"], outcome="early_cessation_other", cessation_reason="other").status_code == 200
    twice = world.client.get(report, query_string=PERIOD, headers=world.manager.headers).get_json()["metrics"]

    assert twice["episodes_closed"] == before["episodes_closed"] + 1 == 2
    assert {name: value for name, value in twice.items() if name != "episodes_closed"} == {
        name: value for name, value in before.items() if name != "episodes_closed"}
