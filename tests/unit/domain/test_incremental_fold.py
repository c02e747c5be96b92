"""Property: extending a kept fold by in-order visits gives exactly the projection of the whole stream.

This is the refresh's incremental path (service/projections/refresh.py): the derived row keeps
the fold as of its version; the events after it extend the fold when they are
visits arriving in order, and anything else makes the refresh fold the whole
stream. Whatever the point the fold was kept at, the result must equal folding
everything, also after the fold went through its JSON form.
"""

from dataclasses import replace
from datetime import date

from hypothesis import event as note_event
from hypothesis import given, settings
from hypothesis import strategies as st

from service import json_columns
from service.domain import StoredEvent, project_episode
from service.domain.episode import StreamFold, fold_stream, project_fold
from service.domain.fold_json import FOLD_FORM, fold_from_json, fold_to_json

from .builder import EpisodeStream
from .test_projection_properties import episode_streams

TODAY = date(2026, 6, 1)


def refreshed(kept: StreamFold, later: list[StoredEvent], everything: list[StoredEvent]) -> tuple[StreamFold, bool]:
    """What the refresh does: extend the kept fold by each later event, or fold the whole stream."""
    fold: StreamFold | None = kept
    for event in later:
        fold = fold.with_visit(event) if fold is not None else None
    if fold is None:
        return fold_stream(everything), False
    return fold, True


def through_json(fold: StreamFold) -> StreamFold:
    """The fold as the derived row stores it and reads it back."""
    restored = fold_from_json(json_columns.loads(json_columns.dumps(fold_to_json(fold))))
    assert restored is not None
    return restored


@settings(max_examples=300, deadline=None, database=None)
@given(st.data())
def test_a_kept_fold_extended_by_later_events_projects_as_the_whole_stream(data: st.DataObject) -> None:
    events = data.draw(episode_streams(in_time_order=data.draw(st.booleans())), label="events")
    # Half the time keep the fold after the last non-visit event, where only visits follow.
    only_visits_after = max(index + 1 for index, item in enumerate(events) if item.type != "VisitRecorded")
    first = only_visits_after if data.draw(st.booleans()) else 1
    kept_at = data.draw(st.integers(first, len(events)), label="fold kept after this many events")
    kept = through_json(fold_stream(events[:kept_at]))
    assert kept == fold_stream(events[:kept_at])
    fold, incremental = refreshed(kept, events[kept_at:], events)
    expected = project_episode(events, today=TODAY)
    assert project_fold(fold, today=TODAY) == expected
    assert project_fold(fold, today=TODAY).to_dict() == expected.to_dict()
    assert fold == fold_stream(events)
    note_event(f"incremental: {incremental}")


def test_in_order_visits_extend_the_fold_and_anything_else_refuses() -> None:
    stream = EpisodeStream()
    stream.goal("g1", baseline=1, target=4)
    stream.visit("2026-05-03T10:00:00+01:00", {"g1": 2})
    kept = fold_stream(stream.events)
    later = stream.visit("2026-05-04T10:00:00+00:00", {"g1": 3})
    extended = kept.with_visit(later)
    assert extended is not None and extended == fold_stream(stream.events)
    earlier = stream.visit("2026-05-01T09:00:00+00:00", {"g1": 1})
    assert extended.with_visit(earlier) is None  # happened before the latest: fold the stream
    assert kept.with_visit(later) is not None
    assert kept.with_visit(replace(later, version=later.version + 1)) is None  # an event is missing
    assert extended.with_visit(stream.acknowledge("stalled")) is None  # not a visit


def test_a_fold_of_another_form_is_not_used() -> None:
    stream = EpisodeStream()
    stored = fold_to_json(fold_stream(stream.events))
    assert fold_from_json(stored) is not None
    assert fold_from_json({**stored, "form": FOLD_FORM + 1}) is None
    assert fold_from_json(None) is None
