"""Every page, for each role, on a desktop and a phone: no serious or critical axe-core violations; on a phone no
sideways scrolling, chart labels of at least 12 px on screen (or the chart's table instead), forms in one column.

axe-core comes from the axe-playwright-python package (it ships axe.min.js, MPL-2.0), pinned in
requirements-dev.txt; nothing is fetched at run time.
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.e2e.browser.conftest import Site, Tabs, no_sideways_scroll, screenshots

pytestmark = pytest.mark.browser

BLOCKING = ("serious", "critical")
SMALLEST_LABEL_PX = 12

# The smallest font size, in CSS pixels on screen, of any visible chart label (None when no chart is visible).
CHART_LABEL_PX = """() => {
  const sizes = [...document.querySelectorAll('svg.chart text')]
    .filter(text => text.getClientRects().length > 0)
    .map(text => parseFloat(getComputedStyle(text).fontSize) * text.getScreenCTM().a);
  return sizes.length ? Math.min(...sizes) : null;
}"""

# Forms with two visible fields side by side (their boxes share some height), except the one-line filter forms.
MULTI_COLUMN_FORMS = """() => [...document.querySelectorAll('main form')].filter(form => {
  if (form.classList.contains('period-form') || form.classList.contains('inline-form')) { return false; }
  const boxes = [...form.querySelectorAll('.field')].filter(field => field.getClientRects().length > 0)
    .map(field => field.getBoundingClientRect());
  return boxes.some((a, i) => boxes.some((b, j) => i < j && a.top < b.bottom - 1 && b.top < a.bottom - 1
    && !(a.left >= b.left && a.right <= b.right) && !(b.left >= a.left && b.right <= a.right)));
}).map(form => form.id || form.action)"""


@pytest.fixture(scope="module")
def axe() -> Axe:
    """axe-core, injected into each page."""
    return Axe()


@pytest.fixture(scope="module")
def records(site: Site) -> dict[str, str]:
    """An episode with a goal and a visit, its visit event, and a contract: the pages that need ids.

    A third provider with a long name widens the providers' comparison, as a real council's would be.
    """
    long_name = f"Northgate Home Support and Reablement Services {uuid.uuid4().hex[:4]}"
    site.api("admin", "POST", "/api/v1/providers", json={"name": long_name, "kind": "external"})
    homefirst = next(item["id"] for item in site.api("admin", "GET", "/api/v1/providers")["items"]
                     if item["name"] == "Home First (in-house)")
    workers = [item for item in site.api("admin", "GET", "/api/v1/users?page_size=500")["items"]
               if item["username"] == "worker.homefirst.3"]
    started = date.today() - timedelta(days=8)
    episode = site.api("manager.homefirst", "POST", "/api/v1/episodes", json={
        "person_ref": f"HF-A11Y-{uuid.uuid4().hex[:4]}", "age_at_referral": 77, "provider_id": homefirst,
        "referral_source": "hospital_discharge", "referred_on": str(started), "started_on": str(started),
        "hospital_discharge_on": str(started), "start_need_hours_per_week": 12, "worker_ids": [workers[0]["id"]]})
    goal = site.api("manager.homefirst", "POST", f"/api/v1/episodes/{episode['id']}/goals", json={
        "domain": "dressing", "description": "Get dressed on my own", "baseline_level": 2, "target_level": 4})
    site.api("worker.homefirst.3", "POST", "/api/v1/visits", json={
        "id": str(uuid.uuid4()), "episode_id": episode["id"], "duration_minutes": 40, "carers": 1,
        "occurred_at": (date.today() - timedelta(days=1)).isoformat() + "T10:00:00+00:00",
        "goal_progress": [{"goal_id": goal["id"], "level": 3}], "concerns": ["pain"], "note": "Sore knee"})
    log = site.api("manager.homefirst", "GET", f"/api/v1/episodes/{episode['id']}/events?page_size=500")["items"]
    contracts = site.api("commissioner", "GET", "/api/v1/contracts?page_size=1")["items"]
    if not contracts:
        contracts = [site.api("commissioner", "POST", "/api/v1/contracts", json={
            "provider_id": homefirst, "name": "Accessibility check contract", "starts_on": "2026-01-01",
            "ends_on": str(date.today()), "outcome_pot_gbp": 1000,
            "targets": [{"metric": "independent_pct", "comparator": "ge", "value": 40, "weight": 1}]})]
    return {"episode": episode["id"], "visit": log[-1]["id"], "contract": contracts[0]["id"]}


def pages(records: dict[str, str]) -> list[tuple[str | None, str, str]]:
    """(who, path, name) of every page."""
    episode = records["episode"]
    return [
        (None, "/sign-in", "sign-in"),
        ("manager.homefirst", "/flags", "flags"),
        ("manager.homefirst", "/episodes", "episodes"),
        ("manager.homefirst", "/episodes?status=closed", "episodes-closed"),
        ("manager.homefirst", "/episodes/new", "open-episode"),
        ("manager.homefirst", f"/episodes/{episode}", "episode"),
        ("manager.homefirst", f"/episodes/{episode}/events/{records['visit']}/correct", "correct"),
        ("manager.homefirst", "/dashboard", "dashboard"),
        ("commissioner", "/providers", "providers"),
        ("commissioner", "/contracts", "contracts"),
        ("commissioner", "/contracts/new", "contract-new"),
        ("commissioner", f"/contracts/{records['contract']}", "contract"),
        ("admin", "/admin/providers", "admin-providers"),
        ("admin", "/admin/users", "admin-users"),
        ("admin", "/no-such-page", "not-found"),
    ]


def serious(results: Any) -> list[str]:
    """The serious and critical violations, as 'rule: where' lines."""
    return [f"{item['id']} ({item['impact']}): {[node['target'] for node in item['nodes']][:3]}"
            for item in results.response["violations"] if item["impact"] in BLOCKING]


def test_every_page_passes_axe_and_fits_the_screen(tabs: Tabs, site: Site, screen: str, axe: Axe,
                                                   records: dict[str, str]) -> None:
    tab_for: dict[str | None, Any] = {}
    problems: dict[str, list[str]] = {}
    for who, path, name in pages(records):
        page = tab_for.setdefault(who, tabs.as_user(who))
        page.goto(f"{site.base_url}{path}")
        page.evaluate("() => document.querySelectorAll('details').forEach(d => { d.open = true; })")
        found = serious(axe.run(page))
        if screen == "phone":
            if not no_sideways_scroll(page):
                found.append("scrolls sideways")
            smallest = page.evaluate(CHART_LABEL_PX)
            if smallest is not None and smallest < SMALLEST_LABEL_PX:
                found.append(f"chart labels of {smallest:.1f} px")
            found.extend(f"form in columns: {form}" for form in page.evaluate(MULTI_COLUMN_FORMS))
        if found:
            problems[path] = found
        page.evaluate("() => document.querySelectorAll('details').forEach(d => { d.open = false; })")
        screenshots(page, f"page-{name}", screen)
    assert problems == {}


def test_the_episode_list_is_cards_on_a_phone(tabs: Tabs, site: Site, screen: str) -> None:
    page = tabs.as_user("manager.homefirst")
    page.goto(f"{site.base_url}/episodes")
    display = page.locator("table.episode-list tbody tr").first.evaluate("row => getComputedStyle(row).display")
    assert display == ("block" if screen == "phone" else "table-row")
    assert page.locator("table.episode-list tbody tr").count() > 1
