"""Property: the plain visit reader accepts exactly a subset of what VisitIn's marshmallow load accepts,
with the same values, and refuses (leaves to marshmallow) everything marshmallow refuses."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import marshmallow as ma
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from service.domain.vocabulary import CONCERNS
from service.visits.schemas import VisitIn, read_plain_visit

SCHEMA = VisitIn()
ANY_JSON = st.recursive(st.none() | st.booleans() | st.integers(-10, 1000) | st.floats(allow_nan=False)
                        | st.text(max_size=8), lambda inner: st.lists(inner, max_size=3)
                        | st.dictionaries(st.text(max_size=5), inner, max_size=3), max_leaves=5)


def valid_visits() -> st.SearchStrategy[dict[str, Any]]:
    """Visit bodies a phone would send, with every optional key present or not."""
    entry = st.fixed_dictionaries({"goal_id": st.uuids().map(str), "level": st.integers(0, 5)},
                                  optional={"note": st.none() | st.text(max_size=10)})
    offset = st.sampled_from([UTC, timezone(timedelta(hours=1)), timezone(timedelta(hours=-5, minutes=-30))])
    moment = st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2030, 1, 1))
    return st.fixed_dictionaries(
        {"id": st.uuids().map(str), "episode_id": st.uuids().map(str),
         "occurred_at": st.builds(lambda when, zone: when.replace(tzinfo=zone).isoformat(), moment, offset)
         | st.builds(lambda when: when.replace(microsecond=0).isoformat() + "Z", moment),
         "duration_minutes": st.integers(1, 720), "carers": st.sampled_from([1, 2]),
         "goal_progress": st.lists(entry, max_size=4, unique_by=lambda item: item["goal_id"])},
        optional={"wellbeing": st.none() | st.integers(1, 5),
                  "concerns": st.lists(st.sampled_from(CONCERNS), max_size=3, unique=True),
                  "note": st.none() | st.text(max_size=10),
                  "ready_for_discharge": st.none() | st.booleans()})


WRONG_VALUES = (None, True, False, 0, -1, 3, 6, 51, 721, 2.5, 30.0, "", "3", "x", "fall", [], {}, ["nope"],
                "2026-05-01", "2026-05-01T09:00:00", "1800-01-01T00:00:00+00:00", "2300-01-01T00:00:00+00:00",
                "n" * 4001, str(uuid.uuid4()).upper(), uuid.uuid4().hex, [{"goal_id": "x", "level": 1}])


@st.composite
def mutated_visits(draw: st.DrawFn) -> dict[str, Any]:
    """A valid visit with one thing wrong (or, now and then, still right): a value, a key, a nested entry."""
    body = dict(draw(valid_visits()))
    kind = draw(st.sampled_from(["value", "drop", "extra", "entry", "duplicate"]))
    if kind == "value":
        body[draw(st.sampled_from(sorted(VisitIn().fields)))] = draw(st.sampled_from(WRONG_VALUES))
    elif kind == "drop":
        body.pop(draw(st.sampled_from(sorted(body))))
    elif kind == "extra":
        body[draw(st.text(min_size=1, max_size=6))] = draw(ANY_JSON)
    elif body["goal_progress"]:
        entries = [dict(item) for item in body["goal_progress"]]
        if kind == "duplicate":
            entries.append(dict(entries[0], level=1))
        else:
            key = draw(st.sampled_from(["goal_id", "level", "note", "other"]))
            entries[0][key] = draw(st.sampled_from(WRONG_VALUES))
        body["goal_progress"] = entries
    return body


def marshmallow_load(data: Any) -> dict[str, Any] | ma.ValidationError:
    """What the schema's own machinery makes of `data`."""
    try:
        loaded: dict[str, Any] = ma.Schema.load(SCHEMA, data)
        return loaded
    except ma.ValidationError as error:
        return error


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=valid_visits() | mutated_visits() | ANY_JSON)
def test_the_plain_reader_accepts_only_what_marshmallow_accepts_with_the_same_values(data: Any) -> None:
    expected = marshmallow_load(data)
    plain = read_plain_visit(SCHEMA, data)
    event("marshmallow refuses" if isinstance(expected, ma.ValidationError) else
          "both accept" if plain is not None else "marshmallow decides")
    if isinstance(expected, ma.ValidationError):
        assert plain is None
    elif plain is not None:
        assert plain == expected
        assert SCHEMA.load(data) == expected


def _valid(**changes: Any) -> dict[str, Any]:
    body = {"id": str(uuid.uuid4()), "episode_id": str(uuid.uuid4()), "occurred_at": "2026-05-01T09:30:00+01:00",
            "duration_minutes": 30, "carers": 1,
            "goal_progress": [{"goal_id": str(uuid.uuid4()), "level": 3}, {"goal_id": str(uuid.uuid4()), "level": 4,
                                                                             "note": "steadier"}],
            "wellbeing": 4, "concerns": ["fall"], "note": "Made tea."}
    return body | changes


def test_a_usual_visit_is_read_by_the_plain_reader_exactly_as_marshmallow_reads_it() -> None:
    for body in (_valid(), _valid(concerns=[], note=None, wellbeing=None), {k: v for k, v in _valid().items()
                                                                           if k not in ("wellbeing", "note")}):
        plain = read_plain_visit(SCHEMA, body)
        assert plain is not None and plain == marshmallow_load(body)


def test_a_refused_visit_still_gets_marshmallow_s_messages() -> None:
    goal = str(uuid.uuid4())
    body = _valid(goal_progress=[{"goal_id": goal, "level": 3}, {"goal_id": goal, "level": 4}], carers=3)
    assert read_plain_visit(SCHEMA, body) is None
    try:
        SCHEMA.load(body)
    except ma.ValidationError as error:
        assert "carers" in error.messages
    else:
        raise AssertionError("a visit with carers=3 was accepted")
