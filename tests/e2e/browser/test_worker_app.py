"""The worker app at /app/ on a phone-sized chromium against the live service: offline, sync, refusals, the shell.

Results are read back through the service's API (a manager's view of the event log), never from the app.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import requests
from playwright.sync_api import expect

from tests.e2e.browser.conftest import CHROMIUM_ARGS, TIMEOUT_MS, Site, screenshot
from tests.e2e.browser.worker_app_steps import (
    DEMO_PASSWORD,
    MANAGER,
    PHONE,
    SYNC_TIMEOUT_MS,
    api,
    expire_access_token,
    open_episode,
    queue_visits,
    record_link,
    record_visit,
    record_visit_by_keyboard,
    sign_in,
    status,
    stored_session,
    visit_events,
    wait_for_caseload,
    wait_for_offline_shell,
)

pytestmark = pytest.mark.browser

OFFSET = re.compile(r"[+-]\d{2}:\d{2}$")


def watch_csp(page: Any) -> list[str]:
    """Collect any Content Security Policy refusal the page reports (there must be none)."""
    refused: list[str] = []
    page.on("console", lambda message: refused.append(message.text) if "Content Security Policy" in message.text
            else None)
    return refused


@pytest.fixture
def phone(browser: Any) -> Iterator[Callable[..., Any]]:
    """Open a tab in a fresh phone-sized context (390×844, touch, Europe/London); every context is closed after."""
    opened: list[tuple[Any, list[str]]] = []

    def open_tab(**options: Any) -> Any:
        context = browser.new_context(**{**PHONE, **options})
        tab = context.new_page()
        tab.set_default_timeout(TIMEOUT_MS)
        tab.set_default_navigation_timeout(TIMEOUT_MS)
        opened.append((context, watch_csp(tab)))
        return tab

    try:
        yield open_tab
    finally:
        for context, _ in opened:
            context.close()
    assert not [text for _, refused in opened for text in refused]


def levels(event: dict[str, Any]) -> list[tuple[str, int]]:
    """The (goal, level) pairs a VisitRecorded event holds."""
    return [(entry["goal_id"], entry["level"]) for entry in event["data"]["goal_progress"]]


def london_offset() -> str:
    """The UTC offset a phone set to UK time has right now ("+00:00" in winter, "+01:00" in summer)."""
    offset = datetime.now(ZoneInfo("Europe/London")).strftime("%z")
    return f"{offset[:3]}:{offset[3:]}"


def test_visits_saved_offline_survive_a_reload_and_sync_exactly_once(phone: Callable[..., Any], site: Site) -> None:
    worker = "worker.homefirst.2"
    first = open_episode(site.base_url, worker, ["Make a cup of tea myself", "Walk to the corner shop"])
    second = open_episode(site.base_url, worker, ["Get dressed without help"])
    page = phone()
    sign_in(page, site.base_url, worker)
    wait_for_caseload(page, first, second)
    wait_for_offline_shell(page)

    page.context.set_offline(True)
    record_visit(page, first, {0: 3, 1: 2}, duration=30, concerns=("Fall", "Pain"), note="Managed the kettle")
    record_visit(page, first, {0: 4}, duration=20, carers=2)
    record_visit(page, second, {0: 1}, duration=45, ready=True)
    expect(status(page)).to_have_text("3 visits waiting to sync")
    screenshot(page, "worker-app-offline-caseload")

    page.reload()  # no network: the service worker serves the shell, IndexedDB still holds the queue
    expect(status(page)).to_have_text("3 visits waiting to sync")
    expect(page.locator("#caseload-age")).to_contain_text("You are offline")
    wait_for_caseload(page, first, second)
    assert visit_events(site.base_url, first.id) == [] and visit_events(site.base_url, second.id) == []

    page.context.set_offline(False)
    expect(status(page)).to_have_text("All visits synced", timeout=SYNC_TIMEOUT_MS)
    expect(page.locator("#sync-detail")).to_contain_text("Last synced today")

    recorded = visit_events(site.base_url, first.id) + visit_events(site.base_url, second.id)
    assert len(recorded) == 3
    by_duration = {event["data"]["duration_minutes"]: event for event in recorded}
    tea, walk = (goal.id for goal in first.goals)
    assert levels(by_duration[30]) == [(tea, 3), (walk, 2)]
    assert by_duration[30]["data"]["concerns"] == ["fall", "pain"]
    assert by_duration[30]["data"]["note"] == "Managed the kettle"
    assert levels(by_duration[20]) == [(tea, 4)]
    assert by_duration[20]["data"]["carers"] == 2
    assert levels(by_duration[45]) == [(second.goals[0].id, 1)]
    assert by_duration[45]["data"]["ready_for_discharge"] is True
    for event in recorded:
        assert OFFSET.search(event["data"]["occurred_at"]), event["data"]["occurred_at"]
        assert event["data"]["occurred_at"].endswith(london_offset())
        assert event["occurred_at"].startswith(date.today().isoformat()[:4])
    assert len({event["data"]["visit_id"] for event in recorded}) == 3


def test_a_sync_whose_answer_is_lost_is_retried_and_recorded_once(phone: Callable[..., Any], site: Site) -> None:
    worker = "worker.homefirst.3"
    episode = open_episode(site.base_url, worker, ["Get in and out of the bath"])
    # Playwright cannot intercept requests a service worker handles, so this tab runs without one.
    page = phone(service_workers="block")
    answers: list[list[int]] = []

    def lose_the_first_answer(route: Any) -> None:
        response = route.fetch()  # the request reaches the service, which records the visit
        answers.append([result["status"] for result in response.json()["results"]])
        if len(answers) == 1:
            route.abort("connectionreset")  # ...but the phone never hears back
        else:
            route.fulfill(response=response)

    page.route("**/api/v1/visits/batch", lose_the_first_answer)
    sign_in(page, site.base_url, worker)
    wait_for_caseload(page, episode)

    record_visit(page, episode, {0: 2}, duration=25)

    expect(status(page)).to_have_text("All visits synced", timeout=SYNC_TIMEOUT_MS)
    assert answers == [[201], [200]]  # recorded, then a replay of the same id
    recorded = visit_events(site.base_url, episode.id)
    assert len(recorded) == 1
    assert levels(recorded[0]) == [(episode.goals[0].id, 2)]


def test_a_service_in_trouble_keeps_visits_queued_and_the_app_tries_again(phone: Callable[..., Any],
                                                                         site: Site) -> None:
    worker = "worker.homefirst.3"
    episode = open_episode(site.base_url, worker, ["Hang the washing out"])
    page = phone(service_workers="block")
    attempts: list[int] = []

    def unavailable_once(route: Any) -> None:
        attempts.append(len(attempts) + 1)
        if len(attempts) == 1:
            route.fulfill(status=503, content_type="application/json",
                          body='{"code": 503, "status": "Service Unavailable", "message": "Down for a moment."}')
        else:
            route.continue_()

    page.route("**/api/v1/visits/batch", unavailable_once)
    sign_in(page, site.base_url, worker)
    wait_for_caseload(page, episode)

    record_visit(page, episode, {0: 1}, duration=10)

    expect(page.locator("#sync-detail")).to_contain_text("The service is having trouble (503). Trying again at")
    expect(status(page)).to_have_text("1 visit waiting to sync")
    page.get_by_role("button", name="Sync now").click()  # or wait: the app tries again by itself
    expect(status(page)).to_have_text("All visits synced", timeout=SYNC_TIMEOUT_MS)
    assert attempts == [1, 2]
    assert len(visit_events(site.base_url, episode.id)) == 1


def test_a_long_queue_goes_up_in_batches_of_at_most_100(phone: Callable[..., Any], site: Site) -> None:
    worker = "worker.homefirst.4"
    episode = open_episode(site.base_url, worker, ["Peel the potatoes"], started_days_ago=2)
    page = phone(service_workers="block")
    sizes: list[int] = []

    def count(route: Any) -> None:
        sizes.append(len(route.request.post_data_json["visits"]))
        route.continue_()

    page.route("**/api/v1/visits/batch", count)
    sign_in(page, site.base_url, worker)
    wait_for_caseload(page, episode)
    stored = stored_session(page)
    assert stored is not None
    queue_visits(page, stored["user"]["id"], episode, 230)

    page.reload()  # the app reads the queue when it opens, and sends it

    expect(status(page)).to_have_text("All visits synced", timeout=SYNC_TIMEOUT_MS)
    assert sizes == [100, 100, 30]
    assert len(visit_events(site.base_url, episode.id)) == 230


def test_a_visit_the_service_refuses_is_kept_under_needs_attention(phone: Callable[..., Any], site: Site) -> None:
    worker = "worker.homefirst.4"
    episode = open_episode(site.base_url, worker, ["Climb the stairs to bed"], started_days_ago=5)
    page = phone()
    sign_in(page, site.base_url, worker)
    wait_for_caseload(page, episode)

    page.context.set_offline(True)
    record_visit(page, episode, {0: 3}, duration=40)
    ended = date.today() - timedelta(days=1)
    api(site.base_url, MANAGER, "POST", f"/api/v1/episodes/{episode.id}/closure",
        json={"ended_on": ended.isoformat(), "end_need_hours_per_week": 0,
              "outcome": "no_services_no_identified_needs"})
    page.context.set_offline(False)

    attention = page.get_by_role("region", name="Needs attention")
    expect(attention).to_contain_text(episode.person_ref, timeout=SYNC_TIMEOUT_MS)
    expect(attention).to_contain_text(f"The episode ended on {ended.isoformat()}; this visit is after that.")
    expect(status(page)).to_have_text("All visits synced")
    screenshot(page, "worker-app-needs-attention")
    assert visit_events(site.base_url, episode.id) == []

    page.reload()  # refused visits are kept on the phone, not just on screen
    expect(page.get_by_role("region", name="Needs attention")).to_contain_text(episode.person_ref)


def test_the_shell_opens_with_no_network_in_a_new_browser_on_the_same_profile(
        playwright_driver: Any, chromium_path: Path, site: Site, tmp_path: Path) -> None:
    worker = "worker.careco.1"
    episode = open_episode(site.base_url, worker, ["Walk to the bus stop"], manager="manager.careco")
    profile = tmp_path / "phone-profile"

    first = launch_phone(playwright_driver, chromium_path, profile)
    try:
        page = first.pages[0] if first.pages else first.new_page()
        sign_in(page, site.base_url, worker)
        wait_for_caseload(page, episode)
        wait_for_offline_shell(page)
    finally:
        first.close()  # the browser quits; only the profile on disk remains

    again = launch_phone(playwright_driver, chromium_path, profile, offline=True)
    try:
        page = again.pages[0] if again.pages else again.new_page()
        refused = watch_csp(page)
        response = page.goto(f"{site.base_url}/app/")
        assert response is not None and response.from_service_worker
        expect(page.get_by_role("heading", name="My caseload")).to_be_visible()
        expect(page.locator("#caseload-age")).to_contain_text("You are offline")
        wait_for_caseload(page, episode)
        record_visit(page, episode, {0: 5}, duration=15)
        expect(status(page)).to_have_text("1 visit waiting to sync")
        again.set_offline(False)
        expect(status(page)).to_have_text("All visits synced", timeout=SYNC_TIMEOUT_MS)
        assert not refused
    finally:
        again.close()
    recorded = visit_events(site.base_url, episode.id, manager="manager.careco")
    assert [event["data"]["goal_progress"][0]["level"] for event in recorded] == [5]


def test_the_visit_form_names_every_control_and_fits_a_small_phone(phone: Callable[..., Any], site: Site) -> None:
    worker = "worker.homefirst.2"
    episode = open_episode(site.base_url, worker, ["Make breakfast and eat it at the table", "Take my tablets"])
    page = phone(viewport={"width": 360, "height": 640})
    sign_in(page, site.base_url, worker)
    wait_for_caseload(page, episode)
    record_link(page, episode).click()

    for goal in episode.goals:
        options = page.get_by_role("radiogroup", name=goal.description).get_by_role("radio")
        names = [option.evaluate("(input) => input.labels[0].textContent.trim()") for option in options.all()]
        assert [name[0] for name in names] == list("012345"), names
        assert names[4].startswith("4 – supervision, prompting or set-up only")
    expect(page.get_by_label("Duration (minutes)")).to_have_attribute("type", "number")
    carers = page.get_by_role("radiogroup", name="Carers").get_by_role("radio")
    assert [carers.nth(index).get_attribute("value") for index in range(carers.count())] == ["1", "2"]
    for concern in ("Fall", "Pain", "Deterioration", "Safeguarding", "Medication", "Equipment", "Skin integrity",
                    "Nutrition", "Other"):
        expect(page.get_by_role("checkbox", name=concern, exact=True)).to_be_visible()
    expect(page.get_by_role("textbox", name="Note")).to_be_visible()
    expect(page.get_by_role("checkbox", name="Ready for discharge")).to_be_visible()
    expect(page.get_by_role("button", name="Save visit")).to_be_visible()
    expect(page.get_by_role("button", name="Sync now")).to_be_visible()

    screenshot(page, "worker-app-visit-form-360")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360, "the form scrolls sideways at 360 px"
    small = page.evaluate("""() => [...document.querySelectorAll(
            'button, a.button, .choice, .check, input[type=number], textarea, input:not([type])')]
        .filter((element) => element.offsetParent !== null)
        .map((element) => [element.textContent.trim() || element.id, element.getBoundingClientRect()])
        .filter(([, box]) => box.height < 44 || box.width < 44)
        .map(([name, box]) => `${name}: ${Math.round(box.width)}x${Math.round(box.height)}`)""")
    assert small == [], small


def test_a_visit_can_be_recorded_with_the_keyboard_alone(phone: Callable[..., Any], site: Site) -> None:
    worker = "worker.homefirst.3"
    episode = open_episode(site.base_url, worker, ["Wash and dress in the morning"])
    page = phone()
    sign_in(page, site.base_url, worker)
    wait_for_caseload(page, episode)

    keys = record_visit_by_keyboard(page, episode, level=4, duration=35)

    expect(status(page)).to_have_text("All visits synced", timeout=SYNC_TIMEOUT_MS)
    recorded = visit_events(site.base_url, episode.id)
    assert [(levels(event), event["data"]["duration_minutes"]) for event in recorded] == [
        ([(episode.goals[0].id, 4)], 35)]
    assert keys < 40, keys


def test_signing_out_ends_the_session_on_the_service_and_keeps_no_token(phone: Callable[..., Any],
                                                                       site: Site) -> None:
    worker = "worker.homefirst.4"
    page = phone()
    sign_in(page, site.base_url, worker)
    stored = stored_session(page)
    assert stored is not None
    token = stored["access_token"]
    assert token not in page.evaluate("JSON.stringify(localStorage) + JSON.stringify(sessionStorage)")
    caseload = f"{site.base_url}/api/v1/me/caseload"
    assert requests.get(caseload, headers={"Authorization": f"Bearer {token}"}, timeout=10).status_code == 200

    page.get_by_role("button", name="Sign out").click()

    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    expect(page.locator("#notice")).to_have_text("You have signed out.")
    expect(page.get_by_role("button", name="Sign out")).to_be_hidden()
    expect(page.get_by_role("button", name="Sync now")).to_be_hidden()
    screenshot(page, "worker-app-signed-out")
    assert requests.get(caseload, headers={"Authorization": f"Bearer {token}"}, timeout=10).status_code == 401


def test_an_ended_session_keeps_saved_visits_until_the_worker_signs_in_again(phone: Callable[..., Any],
                                                                             site: Site) -> None:
    worker = "worker.careco.2"
    episode = open_episode(site.base_url, worker, ["Put the shopping away"], manager="manager.careco")
    page = phone()
    sign_in(page, site.base_url, worker)
    wait_for_caseload(page, episode)
    stored = stored_session(page)
    assert stored is not None
    ended = requests.post(f"{site.base_url}/api/v1/auth/revoke", timeout=10,
                          headers={"Authorization": f"Bearer {stored['access_token']}"})
    assert ended.status_code == 204  # e.g. a manager ended the session, or it ran out

    record_visit(page, episode, {0: 3}, duration=30)

    expect(page.locator("#sync-detail")).to_contain_text("Sign in again to send your visits.")
    expect(status(page)).to_have_text("1 visit waiting to sync")
    page.get_by_role("link", name="sign in again").click()
    expect(page.get_by_role("heading", name="Sign in again")).to_be_visible()
    expect(page.get_by_label("Username")).to_have_value(worker)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(status(page)).to_have_text("All visits synced", timeout=SYNC_TIMEOUT_MS)
    assert len(visit_events(site.base_url, episode.id, manager="manager.careco")) == 1


def test_an_expired_access_token_is_renewed_with_the_refresh_token(phone: Callable[..., Any], site: Site) -> None:
    worker = "worker.careco.3"
    episode = open_episode(site.base_url, worker, ["Make a sandwich"], manager="manager.careco")
    page = phone()
    sign_in(page, site.base_url, worker)
    wait_for_caseload(page, episode)
    before = stored_session(page)
    assert before is not None
    if not before["refresh_token"]:
        pytest.skip("this service issues no refresh tokens (device sessions not available)")
    expire_access_token(page)

    record_visit(page, episode, {0: 4}, duration=20)

    expect(status(page)).to_have_text("All visits synced", timeout=SYNC_TIMEOUT_MS)
    after = stored_session(page)
    assert after is not None
    assert after["access_token"] != before["access_token"]
    assert after["refresh_token"] != before["refresh_token"]
    assert len(visit_events(site.base_url, episode.id, manager="manager.careco")) == 1


def test_a_worker_signing_in_at_the_home_page_is_sent_to_the_app(phone: Callable[..., Any], site: Site) -> None:
    page = phone()
    page.goto(f"{site.base_url}/sign-in")
    page.get_by_label("Username").fill("worker.homefirst.1")
    page.get_by_label("Password").fill("demo-password-2026")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="Open the worker app").click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    assert page.url == f"{site.base_url}/app/"



def launch_phone(playwright_driver: Any, chromium_path: Path, profile: Path, offline: bool = False) -> Any:
    """Chromium on a profile directory kept on disk, phone-sized, as a phone's browser keeps its storage."""
    return playwright_driver.chromium.launch_persistent_context(
        str(profile), executable_path=str(chromium_path), args=CHROMIUM_ARGS, offline=offline, timeout=30_000,
        **PHONE)


# The phone's clock runs 5 min 20 s fast: the service (which allows 5 minutes) refuses its visits for 20 seconds.
FAST_CLOCK = """(() => {
  const skew = 320000;
  const RealDate = Date;
  class FastDate extends RealDate {
    constructor(...args) { if (args.length) super(...args); else super(RealDate.now() + skew); }
    static now() { return RealDate.now() + skew; }
  }
  window.Date = FastDate;
})();"""


def test_a_visit_refused_because_the_phone_clock_is_fast_stays_queued_and_goes_later(
        phone: Callable[..., Any], site: Site) -> None:
    worker = "worker.homefirst.1"
    episode = open_episode(site.base_url, worker, ["Make breakfast"])
    page = phone(service_workers="block")
    page.add_init_script(FAST_CLOCK)
    results: list[list[str]] = []

    def note_results(response: Any) -> None:
        if response.url.endswith("/api/v1/visits/batch") and response.status == 200:
            results.append([result.get("reason") or str(result["status"]) for result in response.json()["results"]])

    page.on("response", note_results)
    sign_in(page, site.base_url, worker)
    wait_for_caseload(page, episode)

    record_visit(page, episode, {0: 2}, duration=25)

    expect(page.locator("#sync-detail")).to_contain_text("check the phone's clock", timeout=SYNC_TIMEOUT_MS)
    expect(page.locator("#sync-detail")).to_contain_text("It stays queued and is sent again later.")
    expect(status(page)).to_have_text("1 visit waiting to sync")
    expect(page.get_by_role("region", name="Needs attention")).to_be_hidden()
    assert results[0] == ["occurred_in_future"]
    # Once the visit's time has come the app's own retries get it accepted; nothing for the worker to do.
    expect(status(page)).to_have_text("All visits synced", timeout=60_000)
    assert results[-1] == ["201"]
    assert len(visit_events(site.base_url, episode.id)) == 1


def test_a_refused_visit_can_be_sent_again_from_needs_attention(phone: Callable[..., Any], site: Site) -> None:
    worker = "worker.homefirst.1"
    episode = open_episode(site.base_url, worker, ["Take the bins out"])
    page = phone(service_workers="block")
    attempts: list[int] = []

    def refused_once(route: Any) -> None:  # e.g. refused while a manager was still fixing the assignment
        attempts.append(len(attempts) + 1)
        if len(attempts) > 1:
            route.continue_()
            return
        visit_id = route.request.post_data_json["visits"][0]["id"]
        route.fulfill(status=200, content_type="application/json", json={"results": [
            {"id": visit_id, "status": 404, "reason": "not_assigned", "message": "No such episode."}]})

    page.route("**/api/v1/visits/batch", refused_once)
    sign_in(page, site.base_url, worker)
    wait_for_caseload(page, episode)
    record_visit(page, episode, {0: 4}, duration=15)
    attention = page.get_by_role("region", name="Needs attention")
    expect(attention).to_contain_text("No such episode.", timeout=SYNC_TIMEOUT_MS)
    screenshot(page, "worker-app-send-again")

    attention.get_by_role("button", name=f"Send again ({episode.person_ref})").click()

    expect(status(page)).to_have_text("All visits synced", timeout=SYNC_TIMEOUT_MS)
    expect(attention).to_be_hidden()
    expect(page.locator("#notice")).to_contain_text("back in the queue")
    assert attempts == [1, 2]
    assert len(visit_events(site.base_url, episode.id)) == 1


def _refused(base_url: str, token: str) -> bool:
    return requests.get(f"{base_url}/api/v1/me/caseload", headers={"Authorization": f"Bearer {token}"},
                        timeout=10).status_code == 401


@pytest.mark.parametrize("trouble", ["no signal", "429"])
def test_signing_out_without_an_answer_ends_the_session_once_the_service_answers(
        phone: Callable[..., Any], site: Site, trouble: str) -> None:
    worker = "worker.homefirst.1"
    page = phone(service_workers="block")
    revokes: list[int] = []

    def busy_once(route: Any) -> None:
        revokes.append(len(revokes) + 1)
        if len(revokes) == 1:
            route.fulfill(status=429, content_type="application/json", headers={"Retry-After": "1"},
                          json={"code": 429, "status": "Too Many Requests", "message": "Slow down."})
        else:
            route.continue_()

    if trouble == "429":
        page.route("**/api/v1/auth/revoke", busy_once)
    sign_in(page, site.base_url, worker)
    stored = stored_session(page)
    assert stored is not None
    if trouble == "no signal":
        page.context.set_offline(True)

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    assert not _refused(site.base_url, stored["access_token"])  # the service has not heard yet

    # Signal comes back (or the app is opened again) while the phone stays on the sign-in screen.
    if trouble == "no signal":
        page.context.set_offline(False)
    else:
        page.context.set_offline(True)
        page.context.set_offline(False)
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    deadline = datetime.now() + timedelta(seconds=SYNC_TIMEOUT_MS / 1000)
    while not _refused(site.base_url, stored["access_token"]) and datetime.now() < deadline:
        page.wait_for_timeout(250)
    assert _refused(site.base_url, stored["access_token"])
    refresh = requests.post(f"{site.base_url}/api/v1/auth/refresh", json={"refresh_token": stored["refresh_token"]},
                            timeout=10)
    assert refresh.status_code == 401
