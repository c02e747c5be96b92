"""A manager does every task of the role in chromium, on a desktop and on a phone; results checked through the API."""

from __future__ import annotations

import re
import uuid
from datetime import date, datetime, timedelta
from typing import Any

import pytest

from tests.e2e.browser.conftest import Site, Tabs, no_sideways_scroll, screenshots

pytestmark = pytest.mark.browser

MANAGER, WORKER, OTHER_WORKER = "manager.homefirst", "worker.homefirst.1", "worker.homefirst.2"


def reference(prefix: str) -> str:
    """A person reference no other test uses."""
    return f"{prefix}-{uuid.uuid4().hex[:6].upper()}"


def provider_id(site: Site, name: str = "Home First (in-house)") -> str:
    """A demo provider's id."""
    return next(item["id"] for item in site.api(MANAGER, "GET", "/api/v1/providers")["items"] if item["name"] == name)


def user_id(site: Site, username: str) -> str:
    """A demo user's id (the admin lists users)."""
    users = site.api("admin", "GET", "/api/v1/users?page_size=500")["items"]
    return next(item["id"] for item in users if item["username"] == username)


def opened(site: Site, prefix: str, **fields: Any) -> dict[str, Any]:
    """An episode opened through the API (the page tests what comes after)."""
    started = date.today() - timedelta(days=10)
    body = {"person_ref": reference(prefix), "age_at_referral": 81, "provider_id": provider_id(site),
            "referral_source": "community", "referred_on": str(started - timedelta(days=2)),
            "started_on": str(started), "start_need_hours_per_week": 10.5, **fields}
    episode: dict[str, Any] = site.api(MANAGER, "POST", "/api/v1/episodes", json=body)
    return episode


def episodes_named(site: Site, person_ref: str) -> list[dict[str, Any]]:
    """Open episodes with this person reference."""
    items = site.api(MANAGER, "GET", "/api/v1/episodes?status=open&page_size=500")["items"]
    return [item for item in items if item["person_ref"] == person_ref]


def test_manager_opens_an_episode_from_a_referral(tabs: Tabs, site: Site, screen: str) -> None:
    page = tabs.as_user(MANAGER)
    page.goto(f"{site.base_url}/episodes")
    page.get_by_role("link", name="Open an episode").click()
    person = reference("HF-NEW")
    started = date.today() - timedelta(days=1)
    form = page.locator("form#open-episode")
    form.get_by_label("Person reference").fill(person)
    form.get_by_label("Age at referral").fill("84")
    form.get_by_label("Hospital discharge", exact=True).check()
    form.get_by_label("Referred on").fill(str(started - timedelta(days=3)))
    form.get_by_label("Started on").fill(str(started))
    form.get_by_label(re.compile("^Start need")).fill("21")
    form.get_by_label(WORKER).check()
    form.get_by_label(OTHER_WORKER).check()

    form.get_by_role("button", name="Open episode").click()  # no discharge date yet: refused, nothing kept but typing

    assert page.locator("#hospital_discharge_on-error").inner_text().startswith("Required when")
    assert form.get_by_label("Person reference").input_value() == person
    assert form.get_by_label(WORKER).is_checked()
    assert episodes_named(site, person) == []
    if screen == "phone":
        assert no_sideways_scroll(page)
    screenshots(page, "manager-open-episode-refused", screen)

    form.get_by_label("Hospital discharge date").fill(str(started - timedelta(days=1)))
    form.get_by_role("button", name="Open episode").click()

    assert page.locator(".flash-success").inner_text().startswith(f"Episode {person} is open")
    [episode] = episodes_named(site, person)
    assert (episode["started_on"], episode["planned_end_on"]) == (str(started), str(started + timedelta(days=42)))
    assert (episode["referral_source"], episode["hospital_discharge_on"]) == (
        "hospital_discharge", str(started - timedelta(days=1)))
    assert sorted(episode["worker_ids"]) == sorted([user_id(site, WORKER), user_id(site, OTHER_WORKER)])
    assert page.url.endswith(f"/episodes/{episode['id']}#set-goal")
    screenshots(page, "manager-open-episode-done", screen)


def test_manager_sets_revises_and_withdraws_goals(tabs: Tabs, site: Site, screen: str) -> None:
    episode = opened(site, "HF-GOAL")
    page = tabs.as_user(MANAGER)
    page.goto(f"{site.base_url}/episodes/{episode['id']}")
    form = page.locator("form#set-goal")
    assert form.get_by_text("4 – supervision, prompting or set-up only").count() == 2  # each level's meaning shown
    form.get_by_label("In the person's own words").fill("Make a cup of tea myself")
    form.get_by_label("Area of life").select_option(label="Preparing meals and drinks")
    form.get_by_role("group", name="Level now (baseline)").get_by_label("1 – maximal assistance of one").check()
    form.get_by_role("group", name="Target level").get_by_label("4 – supervision, prompting or set-up only").check()
    form.get_by_label("Target date (optional)").fill(str(date.today() + timedelta(days=20)))
    screenshots(page, "manager-set-goal-form", screen)
    form.get_by_role("button", name="Set goal").click()

    assert page.locator(".flash-success").inner_text() == "The goal is set."
    [goal] = site.api(MANAGER, "GET", f"/api/v1/episodes/{episode['id']}")["goals"]
    assert (goal["description"], goal["domain"], goal["baseline_level"], goal["target_level"]) == (
        "Make a cup of tea myself", "meal_preparation", 1, 4)
    card = page.locator(f"#goal-{goal['id']}")
    assert "Preparing meals and drinks" in card.inner_text()

    card.get_by_text("Revise or withdraw").click()
    card.get_by_label("In the person's own words").fill("Make a pot of tea myself")
    card.get_by_label("Target level").select_option(label="5 – independent (with or without equipment)")
    card.get_by_role("button", name="Save changes").click()
    assert page.locator(".flash-success").inner_text() == "The goal is revised."
    revised = site.api(MANAGER, "GET", f"/api/v1/episodes/{episode['id']}")["goals"][0]
    assert (revised["description"], revised["target_level"], revised["target_on"]) == (
        "Make a pot of tea myself", 5, goal["target_on"])
    log = site.api(MANAGER, "GET", f"/api/v1/episodes/{episode['id']}/events?page_size=500")["items"]
    assert log[-1]["data"] == {"goal_id": goal["id"], "description": "Make a pot of tea myself", "target_level": 5}

    card = page.locator(f"#goal-{goal['id']}")
    card.get_by_text("Revise or withdraw").click()
    card.get_by_label("Reason for withdrawing").fill("She no longer drinks tea")
    card.get_by_role("button", name="Withdraw goal").click()
    assert page.locator(".flash-success").inner_text() == "The goal is withdrawn."
    withdrawn = site.api(MANAGER, "GET", f"/api/v1/episodes/{episode['id']}")["goals"][0]
    assert withdrawn["status"] == "withdrawn"
    history = page.locator("ol.timeline").inner_text()
    assert "Goal withdrawn: Make a pot of tea myself" in history and "She no longer drinks tea" in history
    if screen == "phone":
        assert no_sideways_scroll(page)
    screenshots(page, "manager-goals", screen)


def test_manager_assigns_and_unassigns_workers_by_name(tabs: Tabs, site: Site, screen: str) -> None:
    episode = opened(site, "HF-ASSIGN", worker_ids=[user_id(site, WORKER)])
    page = tabs.as_user(MANAGER)
    page.goto(f"{site.base_url}/episodes/{episode['id']}")
    workers = page.locator("section", has=page.get_by_role("heading", name="Workers"))

    workers.get_by_label("Worker").select_option(label=OTHER_WORKER)
    workers.get_by_role("button", name="Assign", exact=True).click()
    assert page.locator(".flash-success").inner_text() == "The worker is assigned."
    assert sorted(site.api(MANAGER, "GET", f"/api/v1/episodes/{episode['id']}")["worker_ids"]) == sorted(
        [user_id(site, WORKER), user_id(site, OTHER_WORKER)])

    page.get_by_role("button", name=f"Unassign {WORKER}").click()
    assert page.locator(".flash-success").inner_text() == "The worker is unassigned."
    assert site.api(MANAGER, "GET", f"/api/v1/episodes/{episode['id']}")["worker_ids"] == [user_id(site, OTHER_WORKER)]
    history = page.locator("ol.timeline").inner_text()
    assert f"{OTHER_WORKER} assigned" in history and f"{WORKER} unassigned" in history
    screenshots(page, "manager-workers", screen)


def visit(site: Site, episode: dict[str, Any], goal_id: str, level: int, minutes: int, hours_ago: int) -> str:
    """A visit recorded by the worker through the API; returns its event id."""
    moment = (datetime.now().astimezone() - timedelta(hours=hours_ago)).isoformat(timespec="seconds")
    site.api(WORKER, "POST", "/api/v1/visits", json={
        "id": str(uuid.uuid4()), "episode_id": episode["id"], "occurred_at": moment, "duration_minutes": minutes,
        "carers": 2, "goal_progress": [{"goal_id": goal_id, "level": level}], "note": "Kettle on her own"})
    log = site.api(MANAGER, "GET", f"/api/v1/episodes/{episode['id']}/events?page_size=500")["items"]
    event_id: str = log[-1]["id"]
    return event_id


def test_manager_reads_the_history_and_corrects_and_voids_visits(tabs: Tabs, site: Site, screen: str) -> None:
    episode = opened(site, "HF-FIX", worker_ids=[user_id(site, WORKER)])
    goal = site.api(MANAGER, "POST", f"/api/v1/episodes/{episode['id']}/goals", json={
        "domain": "meal_preparation", "description": "Make a cup of tea", "baseline_level": 1, "target_level": 4})
    first = visit(site, episode, goal["id"], 3, 45, hours_ago=30)
    second = visit(site, episode, goal["id"], 4, 50, hours_ago=5)
    page = tabs.as_user(MANAGER)
    page.goto(f"{site.base_url}/episodes/{episode['id']}")

    entry = page.locator(f"#event-{first}")
    assert f"Visit by {WORKER}, 45 min, 2 carers — Make a cup of tea: 1 → 3" in entry.inner_text()
    assert "Make a cup of tea: 3 → 4" in page.locator(f"#event-{second}").inner_text()
    assert re.search(r"\d{1,2} \w{3} \d{4} \d\d:\d\d", entry.locator("time").inner_text())
    assert not entry.locator("details.technical").evaluate("element => element.open")
    assert not entry.get_by_text(re.compile("^hash$")).is_visible()
    screenshots(page, "manager-history", screen)

    entry.get_by_role("link", name=re.compile("^Correct or void")).click()
    page.get_by_label("Length of the visit (minutes)").fill("35")
    page.get_by_label("Level for “Make a cup of tea”").select_option("2")
    page.get_by_label("Why is this being corrected?").fill("Worker typed 45 for a 35-minute visit")
    screenshots(page, "manager-correct-visit", screen)
    page.get_by_role("button", name="Save the correction").click()

    assert page.locator(".flash-success").inner_text() == "The correction is saved."
    log = site.api(MANAGER, "GET", f"/api/v1/episodes/{episode['id']}/events?page_size=500")["items"]
    fix = log[-1]
    assert (fix["type"], fix["data"]["corrects"], fix["data"]["reason"]) == (
        "EventCorrected", first, "Worker typed 45 for a 35-minute visit")
    assert fix["data"]["data"]["duration_minutes"] == 35
    assert fix["data"]["data"]["goal_progress"] == [{"goal_id": goal["id"], "level": 2, "note": None}]
    corrected = page.locator(f"#event-{first}")
    text = corrected.inner_text()
    assert "corrected" in text and "35 min" in text and "As first recorded: Visit by" in text and "45 min" in text
    assert f"Corrected by {MANAGER}" in text and "Worker typed 45 for a 35-minute visit" in text

    page.locator(f"#event-{second}").get_by_role("link", name=re.compile("^Correct or void")).click()
    page.get_by_label("Why is this being corrected?").fill("Entered on the wrong person")
    page.get_by_role("button", name="Void this entry").click()
    assert page.locator(".flash-success").inner_text() == "The entry is voided."
    log = site.api(MANAGER, "GET", f"/api/v1/episodes/{episode['id']}/events?page_size=500")["items"]
    assert log[-1]["data"] == {"corrects": second, "reason": "Entered on the wrong person", "void": True}
    voided = page.locator(f"#event-{second}")
    assert "voided" in voided.inner_text() and voided.locator("s").count() == 1
    assert site.api(MANAGER, "GET", f"/api/v1/episodes/{episode['id']}")["goals"][0]["current_level"] == 2
    if screen == "phone":
        assert no_sideways_scroll(page)
    screenshots(page, "manager-history-corrected", screen)


def test_follow_up_form_only_where_a_follow_up_can_be_accepted(tabs: Tabs, site: Site, screen: str) -> None:
    long_ago = date.today() - timedelta(days=120)
    due = opened(site, "HF-FU", referral_source="hospital_discharge", age_at_referral=78,
                 referred_on=str(long_ago - timedelta(days=2)), started_on=str(long_ago),
                 hospital_discharge_on=str(long_ago - timedelta(days=1)))
    not_yet = opened(site, "HF-FU-LATER", referral_source="hospital_discharge", age_at_referral=78,
                     hospital_discharge_on=str(date.today() - timedelta(days=12)))
    too_young = opened(site, "HF-FU-YOUNG", referral_source="hospital_discharge", age_at_referral=52,
                       referred_on=str(long_ago - timedelta(days=2)), started_on=str(long_ago),
                       hospital_discharge_on=str(long_ago - timedelta(days=1)))
    page = tabs.as_user(MANAGER)

    page.goto(f"{site.base_url}/episodes/{not_yet['id']}")
    assert page.locator("form#follow-up").count() == 0
    assert "The form to record it appears here from that day" in page.locator("#follow-up-later").inner_text()
    page.goto(f"{site.base_url}/episodes/{too_young['id']}")
    assert page.locator("form#follow-up").count() == 0 and page.locator("#follow-up-later").count() == 0

    page.goto(f"{site.base_url}/episodes/{due['id']}")
    form = page.locator("form#follow-up")
    form.get_by_label("Assessed on").fill(str(date.today()))
    form.get_by_label("Where the person is").select_option("at_home")
    form.get_by_role("button", name="Record follow-up").click()
    assert page.locator(".flash-success").inner_text() == "The 91-day follow-up is recorded."
    follow_up = site.api(MANAGER, "GET", f"/api/v1/episodes/{due['id']}")["follow_up"]
    assert (follow_up["status"], follow_up["assessed_on"]) == ("at_home", str(date.today()))
    assert page.locator("form#follow-up").count() == 0
    screenshots(page, "manager-follow-up", screen)


def test_dashboard_explains_follow_ups_pending_against_follow_up_due(tabs: Tabs, site: Site, screen: str) -> None:
    page = tabs.as_user(MANAGER)
    page.goto(f"{site.base_url}/dashboard")

    explained = page.locator("#follow-ups-explained").inner_text()
    assert "discharge date falls in this period" in explained and "once 91 days have passed" in explained
    if screen == "phone":
        assert no_sideways_scroll(page)
        assert page.locator("svg.chart").first.is_hidden(), "on a phone the wide charts give way to their tables"
        assert page.locator("figure.chart-figure table").first.is_visible()
    screenshots(page, "manager-dashboard", screen)
