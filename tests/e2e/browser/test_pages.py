"""Managers, commissioners, admins and workers use the pages in chromium against the seeded demo service."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest

from tests.e2e.browser.conftest import Site, screenshot, sign_in

pytestmark = pytest.mark.browser

MANAGER, COMMISSIONER, ADMIN, WORKER = "manager.homefirst", "commissioner", "admin", "worker.homefirst.1"


def number(text: str) -> float | None:
    """A figure as printed on a page (£, commas, % and dashes removed)."""
    cleaned = re.sub(r"[£,%\s]", "", text.split("\n")[0])
    return None if cleaned in ("–", "suppressed") else float(cleaned)


def expected(value: Any) -> float | None:
    """A metric's number in the API body (proportions are objects)."""
    return value["value"] if isinstance(value, dict) else value


def test_manager_dashboard_shows_the_apis_numbers_for_the_period(page: Any, site: Site) -> None:
    sign_in(page, site, MANAGER)
    page.get_by_role("link", name="Dashboard").click()
    start, end = page.get_by_label("From").input_value(), page.get_by_label("To").input_value()

    api = site.api(MANAGER, "GET", f"/api/v1/reports/effectiveness?from={start}&to={end}")

    cells = {cell.get_attribute("data-metric"): cell.inner_text() for cell in page.locator("td[data-metric]").all()}
    assert set(cells) == set(api["metrics"]) - {"ascof_2d_pct"}  # 2A's deprecated old name is not shown twice
    for name in cells:
        shown, wanted = number(cells[name]), expected(api["metrics"][name])
        precision = 0.5 if name.endswith("_pct") else 0.05 if name.endswith("t_score") else 0.01
        assert (shown is None) == (wanted is None) and (shown is None or abs(shown - wanted) <= precision), name
    assert api["metrics"]["episodes_closed"] > 0
    assert page.get_by_text("ASCOF 2A: no further request for ongoing support (%)").is_visible()
    assert page.get_by_text("At home 91 days after discharge (formerly ASCOF 2B(1)) (%)").is_visible()
    assert page.locator("svg[role=img]").count() == 5
    assert page.locator("figure .visually-hidden table").count() == 5
    screenshot(page, "manager-dashboard")


def test_manager_acknowledges_a_flag_from_the_queue(page: Any, site: Site) -> None:
    sign_in(page, site, MANAGER)
    assert page.get_by_role("heading", name="Flags to look at").is_visible()
    screenshot(page, "manager-flags")
    card = page.locator("li.flag-card:not(.is-acknowledged)").first
    episode_id = card.locator("a.person").get_attribute("href").rsplit("/", 1)[-1]
    flag = card.get_attribute("data-flag")

    card.get_by_label(re.compile("^Note for")).fill("Seen in the browser test")
    card.get_by_role("button", name="Acknowledge").click()

    assert page.locator(".flash-success").inner_text().endswith("acknowledged.")
    log = site.api(MANAGER, "GET", f"/api/v1/episodes/{episode_id}/events?page_size=500")["items"]
    assert log[-1]["type"] == "FlagAcknowledged"
    assert log[-1]["data"] == {"flag": flag, "note": "Seen in the browser test"}


def test_manager_reads_an_episode_and_closes_it_with_the_form(page: Any, site: Site) -> None:
    sign_in(page, site, MANAGER)
    page.get_by_role("link", name="Episodes").click()
    page.locator("table.data tbody th a").filter(has_text=re.compile(r"^HF-\d+$")).first.click()  # a demo episode
    episode_id = page.url.rsplit("/", 1)[-1]
    assert page.locator(".goal-card svg[role=img]").count() >= 1
    assert page.get_by_role("heading", name="History").is_visible()
    screenshot(page, "manager-episode")

    form = page.locator("form#close")
    form.get_by_label("End date").fill(date.today().isoformat())
    form.get_by_label(re.compile("^End need")).fill("0")
    form.get_by_label("Outcome").select_option("no_services_no_identified_needs")
    form.get_by_role("button", name="Close episode").click()

    assert page.locator(".flash-success").inner_text() == "The episode is closed."
    assert page.locator("form#close").count() == 0
    body = site.api(MANAGER, "GET", f"/api/v1/episodes/{episode_id}")
    assert (body["status"], body["ended_on"]) == ("closed", date.today().isoformat())


def test_commissioner_compares_providers_and_contracts_but_never_reaches_a_person(page: Any, site: Site) -> None:
    episode = site.api(MANAGER, "GET", "/api/v1/episodes?page_size=1")["items"][0]
    site.api(COMMISSIONER, "POST", "/api/v1/contracts", json={
        "provider_id": episode["provider_id"], "name": "Home First outcomes contract",
        "starts_on": f"{date.today().year - 1}-01-01", "ends_on": date.today().isoformat(), "outcome_pot_gbp": 50000,
        "targets": [{"metric": "independent_pct", "comparator": "ge", "value": 40, "weight": 0.5},
                    {"metric": "ascof_2a_pct", "comparator": "ge", "value": 75, "weight": 0.5}]})
    sign_in(page, site, COMMISSIONER)
    start, end = page.get_by_label("From").input_value(), page.get_by_label("To").input_value()
    api = site.api(COMMISSIONER, "GET", f"/api/v1/reports/providers?from={start}&to={end}")

    for row in api["providers"]:
        for name in ("value_per_person_gbp", "independent_pct", "ascof_2a_pct", "mean_length_of_stay_days"):
            cell = page.locator(f'td[data-provider="{row["provider_id"]}"][data-metric="{name}"]')
            shown, wanted = number(cell.inner_text()), expected(row["metrics"][name])
            precision = 0.5 if name.endswith("_pct") else 0.01
            assert (shown is None) == (wanted is None), (row["provider_name"], name)
            assert shown is None or abs(shown - wanted) <= precision, (row["provider_name"], name)
    assert episode["person_ref"] not in page.content()
    screenshot(page, "commissioner-providers")
    page.get_by_role("link", name="Contracts").click()
    assert page.get_by_role("heading", name="Home First outcomes contract").is_visible()
    assert page.locator("[data-total-earned]").first.inner_text().startswith("£")
    screenshot(page, "commissioner-contracts")

    for path in (f"/episodes/{episode['id']}", "/flags", "/dashboard"):
        response = page.goto(f"{site.base_url}{path}")
        assert response is not None and response.status == 404, path
        assert episode["person_ref"] not in page.content()


def test_admin_picks_a_provider_and_a_worker_is_sent_to_the_worker_app(page: Any, site: Site) -> None:
    sign_in(page, site, ADMIN)
    page.get_by_label("Provider").select_option(label="CareCo Reablement")
    page.get_by_role("button", name="Show").click()
    careco = {ref.inner_text()[:2] for ref in page.locator("a.person").all()}
    assert careco <= {"CC"}
    page.get_by_role("button", name="Sign out").click()
    assert page.locator(".flash-info").inner_text() == "You have signed out."

    sign_in(page, site, WORKER)
    assert page.get_by_role("heading", name="Record visits in the worker app").is_visible()
    assert page.get_by_role("link", name="Open the worker app").get_attribute("href") == "/app/"
    response = page.goto(f"{site.base_url}/flags")
    assert response is not None and response.status == 403


def test_signing_in_works_with_the_keyboard_alone(page: Any, site: Site) -> None:
    page.goto(f"{site.base_url}/sign-in")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    page.get_by_label("Username").focus()
    page.keyboard.type(MANAGER)
    page.keyboard.press("Tab")
    page.keyboard.type("demo-password-2026")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/flags$"))
    assert page.get_by_role("link", name="Flags").get_attribute("aria-current") == "page"
