"""Managers' pages: the flags queue and acknowledging, closing and following up an episode through forms."""

from __future__ import annotations

import re
from datetime import date, timedelta

from tests.integration.api.steps import events, post_visit, read_episode
from tests.integration.api.world import World, visit_body
from tests.integration.web.conftest import Browsers
from tests.integration.web.pages import post_form


def test_flags_queue_lists_early_completions_before_concerns_and_acknowledges_from_the_page(
        world: World, browsers: Browsers) -> None:
    concern = world.open_episode(person_ref="CONCERN-1")
    post_visit(world, visit_body(concern["id"], concerns=["fall"]))
    early = world.open_episode(person_ref="EARLY-1")
    goal = world.set_goal(early["id"], baseline=1, target=3)
    for hours in (30, 20):
        occurred = (date.today() - timedelta(days=1)).isoformat() + f"T{hours - 10:02d}:00:00+00:00"
        post_visit(world, visit_body(early["id"], occurred_at=occurred,
                                     goal_progress=[{"goal_id": goal["id"], "level": 3}]))

    queue = browsers.manager.get("/flags").get_data(as_text=True)

    assert queue.index('id="early_completion"') < queue.index('id="concern"') < queue.index('id="stalled"')
    assert queue.index("EARLY-1") < queue.index("CONCERN-1")
    acknowledged = post_form(browsers.manager, "/flags", f"/episodes/{concern['id']}/flags/concern/acknowledge",
                             {"note": "Rang the family", "next": "/flags#concern"})
    assert acknowledged.status_code == 303 and acknowledged.headers["Location"] == "/flags#concern"
    after = browsers.manager.get("/flags").get_data(as_text=True)
    assert "Concern reported: acknowledged." in after and "CONCERN-1" not in after
    assert events(world, concern["id"])[-1]["data"] == {"flag": "concern", "note": "Rang the family"}


def test_acknowledging_a_flag_that_is_not_raised_says_so_and_records_nothing(world: World, browsers: Browsers) -> None:
    episode = world.open_episode()
    before = world.event_count(episode["id"])

    response = post_form(browsers.manager, "/flags", f"/episodes/{episode['id']}/flags/stalled/acknowledge", {})

    assert response.status_code == 303
    assert "The flag stalled is not raised" in browsers.manager.get("/flags").get_data(as_text=True)
    assert world.event_count(episode["id"]) == before


def test_manager_closes_an_episode_and_records_its_follow_up_through_the_forms(
        world: World, browsers: Browsers) -> None:
    discharged = date.today() - timedelta(days=95)
    episode = world.open_episode(hospital_discharge_on=str(discharged), referred_on=str(discharged),
                                 started_on=str(discharged + timedelta(days=1)))
    page = f"/episodes/{episode['id']}"
    ended = date.today() - timedelta(days=1)

    closed = post_form(browsers.manager, page, f"{page}/close", {
        "version": str(episode["version"]), "ended_on": str(ended), "end_need_hours_per_week": "0",
        "outcome": "no_services_no_identified_needs"})
    followed = post_form(browsers.manager, page, f"{page}/follow-up", {
        "assessed_on": str(date.today()), "status": "at_home"})

    assert closed.status_code == 303 and closed.headers["Location"] == page
    assert followed.status_code == 303
    body = read_episode(world, episode["id"]).get_json()
    assert (body["status"], body["ended_on"], body["outcome"]) == ("closed", str(ended),
                                                                   "no_services_no_identified_needs")
    assert body["follow_up"]["status"] == "at_home"
    shown = browsers.manager.get(page).get_data(as_text=True)
    assert "The 91-day follow-up is recorded." in shown and "No services – no identified needs" in shown
    assert 'action="' + page + '/close"' not in shown
    again = post_form(browsers.manager, "/flags", f"{page}/close", {
        "ended_on": str(ended), "end_need_hours_per_week": "0", "outcome": "no_services_no_identified_needs"})
    assert again.status_code == 409 and "The episode is already closed." in again.get_data(as_text=True)


def test_a_form_from_a_stale_page_is_refused_with_the_current_version(world: World, browsers: Browsers) -> None:
    episode = world.open_episode()
    page = f"/episodes/{episode['id']}"
    post_visit(world, visit_body(episode["id"]))

    response = post_form(browsers.manager, page, f"{page}/close", {
        "version": str(episode["version"]), "ended_on": str(date.today()), "end_need_hours_per_week": "0",
        "outcome": "no_services_no_identified_needs"})

    assert response.status_code == 412 and "reload and retry" in response.get_data(as_text=True)
    assert read_episode(world, episode["id"]).get_json()["status"] == "open"


def test_corrections_are_shown_against_the_event_they_correct(world: World, browsers: Browsers) -> None:
    episode = world.open_episode()
    visit = visit_body(episode["id"], note="First note", duration_minutes=30)
    post_visit(world, visit)
    visit_event = events(world, episode["id"])[-1]
    fixed = {key: value for key, value in visit.items() if key not in ("id", "episode_id")} | {"note": "Corrected note"}
    response = world.client.post(f"/api/v1/events/{visit_event['id']}/corrections",
                                 json={"reason": "Typo in the note", "data": fixed}, headers=world.manager.headers)
    assert response.status_code in (200, 201), response.get_json()

    text = browsers.manager.get(f"/episodes/{episode['id']}").get_data(as_text=True)

    entry = re.search(rf'<li class="card timeline-entry is-corrected" id="event-{visit_event["id"]}">(.*?)</ol>',
                      text, re.S)
    assert entry, "the visit is marked corrected in the history"
    shown = entry.group(1)
    assert "Note: Corrected note" in shown and "Typo in the note" in shown
    assert "As first recorded:" in shown and "First note" in shown.split("As first recorded:")[1]
    assert re.search(r"Corrected by \S+ on \d{1,2} \w{3} \d{4}", shown)
    assert "EventCorrected" in shown.split("Technical details")[1], "the correction's envelope is in the details"


def test_another_providers_manager_gets_404_and_an_admin_chooses_a_provider(world: World, browsers: Browsers) -> None:
    episode = world.open_episode(person_ref="HF-ADMIN-1")
    post_visit(world, visit_body(episode["id"], concerns=["pain"]))

    assert browsers.other_manager.get(f"/episodes/{episode['id']}").status_code == 404
    assert "HF-ADMIN-1" not in browsers.other_manager.get("/flags").get_data(as_text=True)
    assert browsers.admin.get(f"/episodes/{episode['id']}").status_code == 200
    assert "HF-ADMIN-1" in browsers.admin.get(f"/flags?provider_id={world.provider}").get_data(as_text=True)
    assert "HF-ADMIN-1" not in browsers.admin.get(f"/flags?provider_id={world.other_provider}").get_data(as_text=True)
