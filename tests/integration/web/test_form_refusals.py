"""Every form refuses bad input: 422, the message next to the field it names, what was typed kept, nothing recorded.

The forms are posted as the browser posts them (with the page's CSRF token), without the page's script: the
server must refuse on its own.
"""

from __future__ import annotations

import html
import re
from datetime import date, timedelta
from typing import Any

from flask.testing import FlaskClient

from tests.integration.api.steps import events, post_visit
from tests.integration.api.world import World, visit_body
from tests.integration.web.conftest import Browsers
from tests.integration.web.pages import post_form


def refused(response: Any, field_id: str, message: str, typed: dict[str, str]) -> str:
    """Assert a 422 page with `message` at the field `field_id` (and in the summary) and the typed values kept."""
    assert response.status_code == 422, response.status_code
    text = response.get_data(as_text=True)
    error = re.search(rf'id="{re.escape(field_id)}-error">(.*?)</p>', text, re.S)
    assert error, f"no error shown at {field_id}"
    assert message in html.unescape(error.group(1)), error.group(1)
    assert f'href="#{field_id}"' in text, "the summary links to the field"
    for name, value in typed.items():
        assert re.search(rf'name="{re.escape(name)}"[^>]*value="{re.escape(html.escape(value))}"', text) or \
            re.search(rf'name="{re.escape(name)}"[^>]*>\s*{re.escape(html.escape(value))}</textarea>', text), name
    return text


def count(client: FlaskClient, path: str, headers: dict[str, str]) -> int:
    """A list endpoint's total."""
    body = client.get(path, headers=headers).get_json()
    return int(body["total"])


def test_opening_an_episode_refuses_a_hospital_discharge_without_its_date(world: World, browsers: Browsers) -> None:
    before = count(world.client, "/api/v1/episodes?page_size=1", world.manager.headers)
    form = {"person_ref": "HF-TYPED-1", "age_at_referral": "84", "referral_source": "hospital_discharge",
            "referred_on": str(date.today() - timedelta(days=3)), "started_on": str(date.today()),
            "start_need_hours_per_week": "21", "worker_ids": str(world.worker.id)}

    missing_date = post_form(browsers.manager, "/episodes/new", "/episodes/new", form)
    too_young = post_form(browsers.manager, "/episodes/new", "/episodes/new",
                          {**form, "age_at_referral": "12", "hospital_discharge_on": str(date.today())})

    text = refused(missing_date, "hospital_discharge_on", "Required when referred from is “Hospital discharge”",
                   {"person_ref": "HF-TYPED-1", "age_at_referral": "84", "start_need_hours_per_week": "21"})
    chosen = re.search(rf'<input[^>]*value="{world.worker.id}"[^>]*>', text)
    assert chosen and "checked" in chosen.group(0), "the chosen worker stays chosen"
    refused(too_young, "age_at_referral", "greater than or equal to 18", {"age_at_referral": "12"})
    assert count(world.client, "/api/v1/episodes?page_size=1", world.manager.headers) == before


def test_goal_forms_refuse_a_target_not_above_the_baseline_and_a_withdrawal_without_reason(
        world: World, browsers: Browsers) -> None:
    episode = world.open_episode()
    goal = world.set_goal(episode["id"], baseline=2, target=4)
    page = f"/episodes/{episode['id']}"
    before = world.event_count(episode["id"])

    new_goal = post_form(browsers.manager, page, f"{page}/goals", {
        "goal-description": "Walk to the shop", "goal-domain": "mobility", "goal-baseline_level": "3",
        "goal-target_level": "3"})
    revise = post_form(browsers.manager, page, f"{page}/goals/{goal['id']}/revise", {
        f"revise-{goal['id']}-description": "Make tea", f"revise-{goal['id']}-target_level": "1"})
    withdraw = post_form(browsers.manager, page, f"{page}/goals/{goal['id']}/withdraw",
                         {f"withdraw-{goal['id']}-reason": "  "})
    no_area = post_form(browsers.manager, page, f"{page}/goals", {
        "goal-description": "Walk to the shop", "goal-baseline_level": "1", "goal-target_level": "3"})

    refused(new_goal, "goal-target_level", "Must be greater than", {"goal-description": "Walk to the shop"})
    refused(revise, f"revise-{goal['id']}-target_level", "Must be greater than",
            {f"revise-{goal['id']}-description": "Make tea"})
    refused(withdraw, f"withdraw-{goal['id']}-reason", "Give the reason", {})
    refused(no_area, "goal-domain", "Choose the area of life.", {"goal-description": "Walk to the shop"})
    assert world.event_count(episode["id"]) == before


def test_assigning_refuses_no_worker_and_another_providers_worker(world: World, browsers: Browsers) -> None:
    episode = world.open_episode()
    page = f"/episodes/{episode['id']}"
    before = world.event_count(episode["id"])

    nobody = post_form(browsers.manager, page, f"{page}/assignments", {"assign-worker_id": ""})
    other = post_form(browsers.manager, page, f"{page}/assignments", {"assign-worker_id": str(world.other_worker.id)})

    refused(nobody, "assign-worker_id", "Choose a worker.", {})
    refused(other, "assign-worker_id", "Not a worker of this provider", {})
    assert world.event_count(episode["id"]) == before


def test_a_correction_refuses_bad_details_and_voiding_an_opening(world: World, browsers: Browsers) -> None:
    episode = world.open_episode()
    post_visit(world, visit_body(episode["id"], duration_minutes=45, note="Walked to the door"))
    stream = events(world, episode["id"])
    visit, opening = stream[-1], stream[0]
    visit_page = f"/episodes/{episode['id']}/events/{visit['id']}/correct"
    opening_page = f"/episodes/{episode['id']}/events/{opening['id']}/correct"
    before = world.event_count(episode["id"])
    shown = browsers.manager.get(visit_page).get_data(as_text=True)
    assert 'value="45"' in shown and "Walked to the door" in shown, "the form starts from what was recorded"

    zero = post_form(browsers.manager, visit_page, visit_page, {
        "action": "correct", "reason": "Wrong length", "occurred_on": str(date.today()), "occurred_time": "00:05",
        "duration_minutes": "0", "carers": "1", "note": "Walked to the door"})
    no_reason = post_form(browsers.manager, visit_page, visit_page, {"action": "void", "reason": ""})
    opening_void = post_form(browsers.manager, opening_page, opening_page, {"action": "void", "reason": "Oops"})

    refused(zero, "duration_minutes", "greater than or equal to 1", {"reason": "Wrong length"})
    refused(no_reason, "reason", "Give the reason for the correction.", {})
    assert opening_void.status_code == 422 and "cannot be voided" in opening_void.get_data(as_text=True)
    assert world.event_count(episode["id"]) == before


def test_a_contract_whose_weights_do_not_sum_to_one_is_refused_by_the_server(world: World, browsers: Browsers) -> None:
    before = count(world.client, "/api/v1/contracts", world.commissioner.headers)
    form = {"provider_id": str(world.provider), "name": "Outcomes 2027", "starts_on": "2027-01-01",
            "ends_on": "2027-12-31", "outcome_pot_gbp": "50000",
            "targets-0-metric": "independent_pct", "targets-0-comparator": "ge", "targets-0-value": "40",
            "targets-0-weight": "0.5",
            "targets-1-metric": "ascof_2a_pct", "targets-1-comparator": "ge",
            "targets-1-value": "75", "targets-1-weight": "0.4"}

    weights = post_form(browsers.commissioner, "/contracts/new", "/contracts/new", form)
    half_row = post_form(browsers.commissioner, "/contracts/new", "/contracts/new",
                         {**form, "targets-1-weight": "0.5", "targets-2-value": "3"})

    refused(weights, "targets", "Weights must sum to 1 (they sum to 0.9)",
            {"name": "Outcomes 2027", "targets-1-weight": "0.4", "outcome_pot_gbp": "50000"})
    refused(half_row, "targets-2-metric", "Choose the metric.", {"targets-2-value": "3"})
    assert count(world.client, "/api/v1/contracts", world.commissioner.headers) == before


def test_admin_forms_refuse_a_duplicate_provider_and_a_short_password(world: World, browsers: Browsers) -> None:
    providers = count(world.client, "/api/v1/providers", world.admin.headers)
    users = count(world.client, "/api/v1/users", world.admin.headers)

    duplicate = post_form(browsers.admin, "/admin/providers", "/admin/providers",
                          {"name": "Home First", "kind": "external"})
    short = post_form(browsers.admin, "/admin/users", "/admin/users", {
        "username": "new.worker", "role": "worker", "provider_id": str(world.provider), "password": "too-short"})
    no_provider = post_form(browsers.admin, "/admin/users", "/admin/users",
                            {"username": "new.manager", "role": "manager", "provider_id": ""})

    assert duplicate.status_code == 409
    assert "A provider with this name already exists." in duplicate.get_data(as_text=True)
    refused(short, "password", "Must be at least 12 characters.", {"username": "new.worker"})
    refused(no_provider, "provider_id", "A manager must belong to a provider.", {"username": "new.manager"})
    assert count(world.client, "/api/v1/providers", world.admin.headers) == providers
    assert count(world.client, "/api/v1/users", world.admin.headers) == users
