"""Forms need their CSRF token (the bearer-token API does not), and free text is shown as text."""

from __future__ import annotations

from datetime import date

from tests.integration.api.steps import post_visit
from tests.integration.api.world import World, visit_body
from tests.integration.web.conftest import Browsers
from tests.integration.web.pages import post_form

SCRIPT = "<script>alert(1)</script>"


def test_form_post_without_a_csrf_token_is_refused_and_records_nothing(world: World, browsers: Browsers) -> None:
    episode = world.open_episode()
    post_visit(world, visit_body(episode["id"], concerns=["fall"]))
    before = world.event_count(episode["id"])
    closure = {"ended_on": str(date.today()), "end_need_hours_per_week": "0",
               "outcome": "no_services_no_identified_needs"}

    refused = [
        browsers.manager.post(f"/episodes/{episode['id']}/close", data=closure),
        browsers.manager.post(f"/episodes/{episode['id']}/close", data={**closure, "csrf_token": "forged"}),
        browsers.manager.post(f"/episodes/{episode['id']}/flags/concern/acknowledge", data={"note": "seen"}),
        browsers.manager.post("/sign-out"),
    ]

    assert [response.status_code for response in refused] == [400, 400, 400, 400]
    assert "Nothing was saved" in refused[0].get_data(as_text=True)
    assert world.event_count(episode["id"]) == before
    assert browsers.manager.get("/flags").status_code == 200  # still signed in: sign-out needs the token too


def test_the_json_api_with_a_bearer_token_needs_no_csrf_token_even_beside_a_session(
        world: World, browsers: Browsers) -> None:
    episode = world.open_episode()

    response = browsers.manager.post(f"/api/v1/episodes/{episode['id']}/goals", headers=world.manager.headers,
                                     json={"domain": "stairs", "description": "Climb the stairs",
                                           "baseline_level": 1, "target_level": 4})

    assert response.status_code == 201, response.get_json()


def test_free_text_is_escaped_on_the_episode_and_flags_pages(world: World, browsers: Browsers) -> None:
    episode = world.open_episode(person_ref=f"<b>{SCRIPT}")
    goal = world.set_goal(episode["id"], description=f"Make tea {SCRIPT}")
    visit = visit_body(episode["id"], note=f"Visit note {SCRIPT}", concerns=["fall"],
                       goal_progress=[{"goal_id": goal["id"], "level": 2, "note": f"Goal note {SCRIPT}"}])
    assert post_visit(world, visit).status_code == 201

    pages = [browsers.manager.get(f"/episodes/{episode['id']}"), browsers.manager.get("/flags"),
             browsers.manager.get("/episodes")]

    for page in pages:
        text = page.get_data(as_text=True)
        assert page.status_code == 200
        assert SCRIPT not in text and "<b>" not in text
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    episode_page = pages[0].get_data(as_text=True)
    for shown in ("Visit note &lt;script&gt;", "Goal note &lt;script&gt;", "Make tea &lt;script&gt;"):
        assert shown in episode_page


def test_a_refused_closure_is_shown_next_to_its_field_and_records_nothing(world: World, browsers: Browsers) -> None:
    episode = world.open_episode()
    page = f"/episodes/{episode['id']}"
    before = world.event_count(episode["id"])

    inconsistent = post_form(browsers.manager, page, f"{page}/close", {
        "ended_on": str(date.today()), "end_need_hours_per_week": "0", "outcome": "long_term_support"})
    missing = post_form(browsers.manager, page, f"{page}/close", {"ended_on": "", "end_need_hours_per_week": "-1"})

    assert inconsistent.status_code == 422
    text = inconsistent.get_data(as_text=True)
    assert 'id="end_need_hours_per_week-error"' in text
    assert "Must be above 0 for outcome “Long-term support (any setting)”" in text
    assert 'aria-invalid="true"' in text
    assert missing.status_code == 422 and "Choose the outcome." in missing.get_data(as_text=True)
    assert world.event_count(episode["id"]) == before
