"""The JSON columns' encoder: orjson, and the standard library's result for what orjson refuses."""

from __future__ import annotations

import json
from datetime import date

from service.domain.episode import fold_stream, project_fold
from service.domain.fold_json import fold_from_json, fold_to_json
from service.json_columns import _as_orjson_would, dumps, loads
from tests.unit.domain.builder import EpisodeStream

TODAY = date(2026, 5, 20)


def _stream(**opened: object) -> EpisodeStream:
    stream = EpisodeStream(**opened)
    stream.goal("g1", baseline=1, target=4)
    stream.visit("2026-05-03T10:00:00+01:00", {"g1": 2})
    stream.visit("2026-05-04T10:00:00.250000+00:00", {"g1": 4})
    return stream


def test_a_fold_orjson_refuses_is_still_stored_and_read_back_equal() -> None:
    fold = fold_stream(_stream(legacy_ref=2**64).events)  # beyond 64 bits: orjson refuses the whole value
    stored = loads(dumps(fold_to_json(fold)))
    assert stored["opened"]["legacy_ref"] == 2**64
    assert fold_from_json(stored) == fold


def test_the_fallback_writes_dataclasses_and_instants_as_orjson_does() -> None:
    fold = fold_stream(_stream().events)
    for value in (fold_to_json(fold), project_fold(fold, today=TODAY)):
        assert json.loads(json.dumps(value, default=_as_orjson_would)) == loads(dumps(value))
