"""The episode page's closure form records why reablement stopped early, and the page says it in plain words."""

from __future__ import annotations

from datetime import date, timedelta

from tests.integration.api.steps import read_episode
from tests.integration.api.world import World
from tests.integration.web.conftest import Browsers
from tests.integration.web.pages import post_form


def test_manager_records_a_hospital_admission_when_closing_early(world: World, browsers: Browsers) -> None:
    episode = world.open_episode()
    page = f"/episodes/{episode['id']}"
    form = browsers.manager.get(page).get_data(as_text=True)
    assert "why (optional)" in form and "Admitted to hospital" in form

    closed = post_form(browsers.manager, page, f"{page}/close", {
        "version": str(episode["version"]), "ended_on": str(date.today() - timedelta(days=1)),
        "end_need_hours_per_week": "0", "outcome": "early_cessation_other", "cessation_reason": "admitted_to_hospital"})

    assert closed.status_code == 303
    body = read_episode(world, episode["id"]).get_json()
    assert (body["outcome"], body["cessation_reason"]) == ("early_cessation_other", "admitted_to_hospital")
    shown = browsers.manager.get(page).get_data(as_text=True)
    assert "Why it stopped early" in shown and "Admitted to hospital" in shown


def test_a_reason_that_does_not_fit_the_outcome_is_refused_on_the_page(world: World, browsers: Browsers) -> None:
    episode = world.open_episode()
    page = f"/episodes/{episode['id']}"

    refused = post_form(browsers.manager, page, f"{page}/close", {
        "version": str(episode["version"]), "ended_on": str(date.today() - timedelta(days=1)),
        "end_need_hours_per_week": "0", "outcome": "no_services_no_identified_needs", "cessation_reason": "deceased"})

    assert refused.status_code == 422 and "Only an early cessation" in refused.get_data(as_text=True)
    assert read_episode(world, episode["id"]).get_json()["status"] == "open"
