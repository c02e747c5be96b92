"""Episode-level fields of the projection and its JSON form."""

import json
from datetime import date

from .builder import EpisodeStream, at


def test_opening_details_are_reported() -> None:
    state = EpisodeStream().project()
    assert (state.person_ref, state.age_at_referral, state.provider_id) == (
        "P-1001",
        82,
        "provider-1",
    )
    assert (state.referral_source, state.referred_on, state.started_on) == (
        "hospital_discharge",
        date(2026, 4, 28),
        date(2026, 5, 1),
    )
    assert (state.planned_end_on, state.hospital_discharge_on) == (
        date(2026, 6, 12),
        date(2026, 4, 30),
    )
    assert (state.start_need_hours_per_week, state.status) == (10.5, "open")
    assert (state.visits, state.contact_minutes, state.last_visit_at) == (0, 0, None)
    assert (state.goals, state.flags, state.worker_ids) == ([], [], [])


def test_closure_details_are_reported() -> None:
    stream = EpisodeStream()
    stream.close(ended_on="2026-06-01", end_need=3.5)
    state = stream.project()
    assert (state.status, state.ended_on, state.end_need_hours_per_week, state.outcome) == (
        "closed",
        date(2026, 6, 1),
        3.5,
        "no_services_no_identified_needs",
    )


def test_assigned_workers_are_those_still_assigned_sorted() -> None:
    stream = EpisodeStream()
    for worker_id in ("w3", "w1", "w2"):
        stream.add("WorkerAssigned", {"worker_id": worker_id})
    stream.add("WorkerUnassigned", {"worker_id": "w2"})
    assert stream.project().worker_ids == ["w1", "w3"]


def test_visit_totals_and_latest_visit() -> None:
    stream = EpisodeStream()
    stream.visit("2026-05-03T10:00:00+01:00", minutes=30)
    stream.visit("2026-05-02T10:00:00+01:00", minutes=45)
    state = stream.project()
    assert (state.visits, state.contact_minutes) == (2, 75)
    assert state.last_visit_at == at("2026-05-03T09:00:00+00:00")


def test_follow_up_is_due_91_days_after_discharge() -> None:
    state = EpisodeStream().project()
    assert state.follow_up is not None
    assert (state.follow_up.due_on, state.follow_up.status, state.follow_up.assessed_on) == (
        date(2026, 7, 30),
        None,
        None,
    )


def test_version_is_the_latest_including_corrections() -> None:
    stream = EpisodeStream()
    visit = stream.visit("2026-05-02T10:00:00+01:00")
    stream.void(visit)
    assert stream.project().version == 3


def test_events_may_be_given_in_any_order() -> None:
    stream = EpisodeStream()
    stream.goal("g1")
    stream.visit("2026-05-02T10:00:00+01:00", {"g1": 3})
    stream.revise("g1", target_level=3)
    stream.add("WorkerAssigned", {"worker_id": "w1"})
    stream.add("WorkerUnassigned", {"worker_id": "w1"})
    assert stream.project(events=list(reversed(stream.events))) == stream.project()


def test_state_converts_to_json_with_iso_dates() -> None:
    stream = EpisodeStream()
    stream.goal("g1", baseline=1, target=4)
    stream.visit("2026-05-02T10:00:00+01:00", {"g1": 4}, concerns=("fall",))
    stream.visit("2026-05-03T10:00:00+01:00", {"g1": 4})
    document = json.loads(json.dumps(stream.project().to_dict()))
    assert document["started_on"] == "2026-05-01"
    assert document["follow_up"] == {"due_on": "2026-07-30", "status": None, "assessed_on": None}
    assert document["last_visit_at"] == "2026-05-03T09:00:00+00:00"
    goal = document["goals"][0]
    assert (goal["achieved_on"], goal["progress_pct"]) == ("2026-05-02", 100.0)
    assert goal["observations"][0] == {
        "occurred_at": "2026-05-02T09:00:00+00:00",
        "level": 4,
        "visit_id": "visit-3",
    }
    assert [raised["flag"] for raised in document["flags"]] == ["early_completion", "concern"]
    assert document["flags"][1]["raised_at"] == "2026-05-02T09:00:00+00:00"
