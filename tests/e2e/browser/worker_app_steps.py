"""What a worker does in the worker app (/app/), step by step; shared by its browser tests and bench/app_bench.py.

Every step drives the app by the accessible names the issue fixes (the same names a screen reader announces),
and every fact is checked through the service's own API, never through the app's storage.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import requests
from playwright.sync_api import expect

DEMO_PASSWORD = "demo-password-2026"
MANAGER = "manager.homefirst"
PHONE: dict[str, Any] = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True,
                         "device_scale_factor": 1, "locale": "en-GB", "timezone_id": "Europe/London"}
SYNC_TIMEOUT_MS = 30_000
MAX_TABS = 80


@dataclass(frozen=True)
class Goal:
    """An active goal as the app shows it."""

    id: str
    description: str


@dataclass(frozen=True)
class Episode:
    """An open episode assigned to a worker."""

    id: str
    person_ref: str
    goals: tuple[Goal, ...]


def api(base_url: str, username: str, method: str, path: str, **kwargs: Any) -> Any:
    """Call the API as a demo user and return the JSON body (any error fails)."""
    token = requests.post(f"{base_url}/api/v1/auth/token", timeout=10,
                          json={"username": username, "password": DEMO_PASSWORD})
    token.raise_for_status()
    response = requests.request(method, f"{base_url}{path}", timeout=10,
                                headers={"Authorization": f"Bearer {token.json()['access_token']}"}, **kwargs)
    assert response.ok, (path, response.status_code, response.text)
    return response.json() if response.content else None


def user(base_url: str, username: str) -> dict[str, Any]:
    """The demo user's id, role and provider."""
    response = requests.post(f"{base_url}/api/v1/auth/token", timeout=10,
                             json={"username": username, "password": DEMO_PASSWORD})
    response.raise_for_status()
    found: dict[str, Any] = response.json()["user"]
    return found


def open_episode(base_url: str, worker: str, descriptions: list[str], started_days_ago: int = 7,
                 manager: str = MANAGER) -> Episode:
    """`manager` opens an episode for `worker` with one goal per description (baseline 1, target 4)."""
    started = date.today() - timedelta(days=started_days_ago)
    person_ref = f"APP-{uuid.uuid4().hex[:6].upper()}"
    provider_id = user(base_url, manager)["provider_id"]
    episode = api(base_url, manager, "POST", "/api/v1/episodes", json={
        "person_ref": person_ref, "age_at_referral": 81, "provider_id": provider_id,
        "referral_source": "community", "referred_on": started.isoformat(), "started_on": started.isoformat(),
        "start_need_hours_per_week": 10, "worker_ids": [user(base_url, worker)["id"]]})
    goals = tuple(
        Goal(api(base_url, manager, "POST", f"/api/v1/episodes/{episode['id']}/goals", json={
            "domain": "other", "description": text, "baseline_level": 1, "target_level": 4})["id"], text)
        for text in descriptions)
    return Episode(episode["id"], person_ref, goals)


def visit_events(base_url: str, episode_id: str, manager: str = MANAGER) -> list[dict[str, Any]]:
    """The episode's VisitRecorded events, as its manager reads them from the API."""
    events = api(base_url, manager, "GET", f"/api/v1/episodes/{episode_id}/events?page_size=500")["items"]
    return [event for event in events if event["type"] == "VisitRecorded"]


def sign_in(page: Any, base_url: str, username: str) -> None:
    """Open the app and sign in; returns once the caseload is on screen."""
    page.goto(f"{base_url}/app/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="My caseload")).to_be_visible()


def record_link(page: Any, episode: Episode) -> Any:
    """The caseload's button that opens the visit form for this person."""
    return page.get_by_role("link", name=f"Record a visit for {episode.person_ref}")


def wait_for_caseload(page: Any, *episodes: Episode) -> None:
    """Wait until the caseload shows these people (fetched from the service)."""
    for episode in episodes:
        expect(record_link(page, episode)).to_be_visible(timeout=SYNC_TIMEOUT_MS)


def wait_for_offline_shell(page: Any) -> None:
    """Wait until the service worker has cached the shell and controls the page."""
    page.evaluate("""async () => {
        await navigator.serviceWorker.ready;
        if (!navigator.serviceWorker.controller) {
            await new Promise((resolve) => navigator.serviceWorker.addEventListener("controllerchange", resolve,
                                                                                   { once: true }));
        }
    }""")


def status(page: Any) -> Any:
    """The sync status line."""
    return page.get_by_role("status")


def record_visit(page: Any, episode: Episode, levels: dict[int, int], *, duration: int, carers: int = 1,
                 concerns: tuple[str, ...] = (), note: str | None = None, ready: bool = False) -> None:
    """Tap through the visit form: `levels` maps goal positions to the level tapped."""
    record_link(page, episode).click()
    expect(page.get_by_role("heading", name=f"Visit to {episode.person_ref}")).to_be_visible()
    for position, level in levels.items():
        group = page.get_by_role("radiogroup", name=episode.goals[position].description)
        group.get_by_role("radio", name=re.compile(rf"^{level} ")).check()
    page.get_by_label("Duration (minutes)").fill(str(duration))
    page.get_by_role("radiogroup", name="Carers").get_by_role("radio", name=str(carers), exact=True).check()
    for concern in concerns:
        page.get_by_role("checkbox", name=concern, exact=True).check()
    if note is not None:
        page.get_by_label("Note").fill(note)
    if ready:
        page.get_by_role("checkbox", name="Ready for discharge").check()
    page.get_by_role("button", name="Save visit").click()
    expect(page.get_by_role("heading", name="My caseload")).to_be_visible()


def tab_to(page: Any, matches: str) -> int:
    """Press Tab until the focused element matches the CSS selector; returns the presses."""
    for presses in range(1, MAX_TABS + 1):
        page.keyboard.press("Tab")
        if page.evaluate("(selector) => document.activeElement.matches(selector)", matches):
            return presses
    raise AssertionError(f"Tab never reached {matches}")


def record_visit_by_keyboard(page: Any, episode: Episode, level: int, duration: int) -> int:
    """Record a visit with the keyboard alone (first goal at `level`); returns the keys pressed."""
    keys = tab_to(page, f'a[href="#/visit/{episode.id}"]')
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name=f"Visit to {episode.person_ref}")).to_be_focused()
    keys += 1 + tab_to(page, f'input[name="goal-{episode.goals[0].id}"]')
    page.keyboard.press("Space")  # level 0; each arrow moves one level up
    for _ in range(level):
        page.keyboard.press("ArrowDown")
    keys += 1 + level + tab_to(page, "#duration")
    page.keyboard.type(str(duration))
    page.keyboard.press("Enter")  # submits the form
    keys += len(str(duration)) + 1
    expect(page.get_by_role("heading", name="My caseload")).to_be_visible()
    return keys


READ_SESSION = """() => new Promise((resolve, reject) => {
    const opening = indexedDB.open("reablement-worker-app");
    opening.onerror = () => reject(opening.error);
    opening.onsuccess = () => {
        const read = opening.result.transaction("session").objectStore("session").get("current");
        read.onsuccess = () => { opening.result.close(); resolve(read.result || null); };
    };
})"""

EXPIRE_ACCESS_TOKEN = """() => new Promise((resolve, reject) => {
    const opening = indexedDB.open("reablement-worker-app");
    opening.onerror = () => reject(opening.error);
    opening.onsuccess = () => {
        const store = opening.result.transaction("session", "readwrite").objectStore("session");
        const read = store.get("current");
        read.onsuccess = () => {
            const write = store.put({ ...read.result, expires_at: 0 }, "current");
            write.onsuccess = () => { opening.result.close(); resolve(true); };
        };
    };
})"""


def stored_session(page: Any) -> dict[str, Any] | None:
    """The session the app keeps in IndexedDB (the test looks; the app never shows tokens)."""
    found: dict[str, Any] | None = page.evaluate(READ_SESSION)
    return found


def expire_access_token(page: Any) -> None:
    """Make the app believe its access token has run out (as after a shift-long gap)."""
    page.evaluate(EXPIRE_ACCESS_TOKEN)


QUEUE_VISITS = """async ({ userId, episodeId, personRef, goalId, count }) => {
    const db = await new Promise((resolve, reject) => {
        const opening = indexedDB.open("reablement-worker-app");
        opening.onerror = () => reject(opening.error);
        opening.onsuccess = () => resolve(opening.result);
    });
    const transaction = db.transaction("queue", "readwrite");
    for (let index = 0; index < count; index += 1) {
        const moment = new Date(Date.now() - (index + 1) * 60_000);
        const occurred = moment.toISOString().replace(/\\.\\d{3}Z$/, "+00:00");
        const visit = { id: crypto.randomUUID(), episode_id: episodeId, occurred_at: occurred, duration_minutes: 10,
                        carers: 1, goal_progress: [{ goal_id: goalId, level: index % 6 }], concerns: [],
                        ready_for_discharge: false };
        transaction.objectStore("queue").add({ id: visit.id, user_id: userId, episode_id: episodeId,
                                               person_ref: personRef, saved_at: moment.toISOString(), visit });
    }
    await new Promise((resolve, reject) => { transaction.oncomplete = resolve; transaction.onerror = reject; });
    db.close();
}"""


def queue_visits(page: Any, user_id: str, episode: Episode, count: int) -> None:
    """Put `count` saved visits straight into the app's queue (as a day of offline work would leave it)."""
    page.evaluate(QUEUE_VISITS, {"userId": user_id, "episodeId": episode.id, "personRef": episode.person_ref,
                                 "goalId": episode.goals[0].id, "count": count})
