"""Applying EventCorrected events: voided events disappear, corrected ones take their new data."""

from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from service.domain.events import (
    EVENT_CORRECTED,
    VISIT_RECORDED,
    StoredEvent,
    parse_timestamp,
)


def apply_corrections(events: Iterable[StoredEvent]) -> list[StoredEvent]:
    """Return the effective events in version order, corrections applied and removed."""
    ordered = sorted(events, key=lambda event: (event.version, event.sequence))
    latest: dict[str, StoredEvent] = {}
    for correction in sorted(
        (event for event in ordered if event.type == EVENT_CORRECTED),
        key=lambda event: event.sequence,
    ):
        latest[correction.data["corrects"]] = correction
    effective: list[StoredEvent] = []
    for event in ordered:
        if event.type == EVENT_CORRECTED:
            # Corrections are never themselves corrected: a new one supersedes them.
            continue
        fix = latest.get(event.id)
        if fix is None:
            effective.append(event)
        elif fix.data.get("void") is not True:
            effective.append(_with_data(event, fix.data["data"]))
    return effective


def _with_data(event: StoredEvent, data: dict[str, Any]) -> StoredEvent:
    """Return the event carrying replacement data (a visit also moves to its new time)."""
    if event.type == VISIT_RECORDED:
        return replace(event, data=data, occurred_at=parse_timestamp(data["occurred_at"]))
    return replace(event, data=data)
