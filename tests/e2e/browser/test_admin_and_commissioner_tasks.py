"""Commissioners and administrators do their tasks in chromium, on a desktop and a phone; checked through the API."""

from __future__ import annotations

import csv
import io
import re
import uuid
from datetime import date

import pytest
import requests

from tests.e2e.browser.conftest import Site, Tabs, no_sideways_scroll, screenshots, sign_in

pytestmark = pytest.mark.browser

ADMIN, COMMISSIONER = "admin", "commissioner"


def status_of_token(site: Site, headers: dict[str, str]) -> int:
    """What the API answers a bearer token now (200 while its session lives, 401 once it has ended)."""
    return requests.get(f"{site.base_url}/api/v1/providers", headers=headers, timeout=10).status_code


def token_for(site: Site, username: str, password: str) -> dict[str, str]:
    """A fresh bearer token (never cached: these tests end sessions)."""
    response = requests.post(f"{site.base_url}/api/v1/auth/token", json={"username": username, "password": password},
                             timeout=10)
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def test_commissioner_creates_a_contract_and_reads_its_report(tabs: Tabs, site: Site, screen: str) -> None:
    name = f"Home First outcomes {uuid.uuid4().hex[:6]}"
    before = site.api(COMMISSIONER, "GET", "/api/v1/contracts?page_size=500")["total"]
    page = tabs.as_user(COMMISSIONER)
    page.goto(f"{site.base_url}/contracts")
    page.get_by_role("link", name="Create a contract").click()
    page.get_by_label("Provider").select_option(label="Home First (in-house)")
    page.get_by_label("Contract name").fill(name)
    page.get_by_label("Starts on").fill(f"{date.today().year - 1}-01-01")
    page.get_by_label("Ends on").fill(str(date.today()))
    page.get_by_label(re.compile(r"^Hourly rate")).fill("22.50")
    page.get_by_label("Outcome pot (£)").fill("60000")
    rows = page.locator("li.target-row")
    chosen = [("Independent after reablement (%)", "ge", "40", "0.5"),
              ("Mean length of stay (days)", "le", "35", "0.4")]
    for row, (metric, comparator, value, weight) in zip(rows.all(), chosen, strict=False):
        row.get_by_label("Metric").select_option(label=metric)
        row.get_by_label("Must be").select_option(comparator)
        row.get_by_label("Value").fill(value)
        row.get_by_label("Weight").fill(weight)

    page.get_by_role("button", name="Create contract").click()  # weights add up to 0.9: stopped in the page

    assert "they must add up to 1" in page.locator("#weight-total").inner_text()
    assert site.api(COMMISSIONER, "GET", "/api/v1/contracts?page_size=500")["total"] == before
    if screen == "phone":
        assert no_sideways_scroll(page)
    screenshots(page, "commissioner-contract-weights", screen)
    rows.nth(1).get_by_label("Weight").fill("0.5")
    assert page.locator("#weight-total").inner_text().startswith("Weights add up to 1")
    page.get_by_role("button", name="Create contract").click()

    assert page.locator(".flash-success").inner_text() == f"Contract “{name}” is created."
    contract = next(item for item in site.api(COMMISSIONER, "GET", "/api/v1/contracts?page_size=500")["items"]
                    if item["name"] == name)
    assert (contract["hourly_rate_gbp"], contract["package_weeks"], contract["outcome_pot_gbp"]) == (22.5, None, 60000)
    assert [(t["metric"], t["comparator"], t["value"], t["weight"]) for t in contract["targets"]] == [
        ("independent_pct", "ge", 40, 0.5), ("mean_length_of_stay_days", "le", 35, 0.5)]
    report = site.api(COMMISSIONER, "GET", f"/api/v1/contracts/{contract['id']}/report")
    for target in report["targets"]:
        row = page.locator(f'#targets-table tr[data-metric="{target["metric"]}"]')
        met = "unknown" if target["met"] is None else str(target["met"]).lower()
        assert row.locator("[data-met]").get_attribute("data-met") == met
        assert row.locator("[data-earned]").inner_text() == f"£{target['earned_gbp']:,.2f}"
    assert page.locator("[data-total-earned]").inner_text() == f"£{report['earned_gbp']:,.2f}"
    screenshots(page, "commissioner-contract-report", screen)

    link = page.get_by_role("link", name="targets and earnings (CSV)").get_attribute("href")
    download = page.request.get(f"{site.base_url}{link}")
    assert download.ok and download.headers["content-type"].startswith("text/csv")
    lines = list(csv.DictReader(io.StringIO(download.text())))
    assert [line["metric"] for line in lines] == ["independent_pct", "mean_length_of_stay_days", "total"]
    assert float(lines[-1]["earned_gbp"]) == pytest.approx(report["earned_gbp"], abs=0.01)


def test_admin_adds_a_provider_and_its_manager(tabs: Tabs, site: Site, screen: str) -> None:
    provider = f"Riverside Reablement {uuid.uuid4().hex[:6]}"
    username = f"manager.riverside.{uuid.uuid4().hex[:6]}"
    page = tabs.as_user(ADMIN)
    page.goto(f"{site.base_url}/admin/providers")
    page.get_by_label("Name").fill(provider)
    page.get_by_label("External agency").check()
    page.get_by_role("button", name="Add provider").click()

    assert f"Provider “{provider}” is added" in page.locator(".flash-success").inner_text()
    [added] = [item for item in site.api(ADMIN, "GET", "/api/v1/providers?page_size=500")["items"]
               if item["name"] == provider]
    assert added["kind"] == "external"
    screenshots(page, "admin-providers", screen)

    page.get_by_role("link", name="Users").first.click()
    page.get_by_label("Username").fill(username)
    page.get_by_label("Role").select_option(label="Service manager")
    page.get_by_label("Provider").select_option(label=provider)
    page.get_by_role("button", name="Add user").click()

    password = page.locator("#one-time-password code").inner_text()
    assert len(password) >= 12 and "shown only this once" in page.locator("#one-time-password").inner_text()
    signed = requests.post(f"{site.base_url}/api/v1/auth/token", json={"username": username, "password": password},
                           timeout=10).json()
    assert (signed["user"]["role"], signed["user"]["provider_id"]) == ("manager", added["id"])
    if screen == "phone":
        assert no_sideways_scroll(page)
    screenshots(page, "admin-users-created", screen)


def test_admin_resets_a_password_and_deactivates_a_user_ending_their_sessions(
        tabs: Tabs, site: Site, screen: str) -> None:
    username, password = f"manager.temp.{uuid.uuid4().hex[:6]}", "first-password-2026"
    homefirst = next(item["id"] for item in site.api(ADMIN, "GET", "/api/v1/providers")["items"]
                     if item["name"] == "Home First (in-house)")
    site.api(ADMIN, "POST", "/api/v1/users", json={"username": username, "password": password, "role": "manager",
                                                   "provider_id": homefirst})
    phone_token = token_for(site, username, password)
    their_browser = tabs.as_user(None)
    sign_in(their_browser, site, username, password)
    assert their_browser.get_by_role("heading", name="Flags to look at").is_visible()

    page = tabs.as_user(ADMIN)
    page.goto(f"{site.base_url}/admin/users")
    page.get_by_role("button", name=f"Reset password for {username}").click()
    new_password = page.locator("#one-time-password code").inner_text()
    screenshots(page, "admin-reset-password", screen)

    assert status_of_token(site, phone_token) == 401, "the reset ends the phone's session"
    their_browser.reload()
    assert "/sign-in" in their_browser.url, "and the browser's"
    fresh = token_for(site, username, new_password)
    assert status_of_token(site, fresh) == 200

    page.get_by_role("button", name=f"Deactivate {username}").click()
    assert page.locator(".flash-success").inner_text().startswith(f"{username} is deactivated")
    assert status_of_token(site, fresh) == 401
    refused = requests.post(f"{site.base_url}/api/v1/auth/token",
                            json={"username": username, "password": new_password}, timeout=10)
    assert refused.status_code == 401
    assert "Deactivated" in page.locator(f'tr[data-username="{username}"]').inner_text()
    screenshots(page, "admin-deactivated", screen)


def test_refused_and_unknown_pages_answer_pages_in_the_sites_layout(tabs: Tabs, site: Site, screen: str) -> None:
    page = tabs.as_user(COMMISSIONER)
    missing = page.goto(f"{site.base_url}/no-such-page")
    assert missing is not None and missing.status == 404
    assert missing.headers["content-type"].startswith("text/html")
    assert page.get_by_role("heading", name="Page not found").is_visible()
    assert page.get_by_role("link", name="Contracts").is_visible(), "the navigation is still there"
    screenshots(page, "error-not-found", screen)
    refused = page.goto(f"{site.base_url}/admin/users")
    assert refused is not None and refused.status == 403 and refused.headers["content-type"].startswith("text/html")
    assert page.get_by_role("heading", name="You cannot use this page").is_visible()
    api = requests.get(f"{site.base_url}/api/v1/no-such-thing", timeout=10)
    assert api.status_code == 404 and api.headers["content-type"].startswith("application/json")

