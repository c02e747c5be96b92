"""Re-walk every hash chain to detect edited or removed history."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.events.hashing import GENESIS_HASH, envelope_hash
from service.events.store import envelope_of
from service.models import Episode, Event


@dataclass(frozen=True)
class BrokenLink:
    """The first event whose stored history does not check out, and why."""

    episode_id: str
    event_id: str | None
    version: int
    reason: str


@dataclass(frozen=True)
class VerifyResult:
    """Outcome of a verification walk."""

    episodes: int
    events: int
    broken: BrokenLink | None


def verify_chains(session: Session) -> VerifyResult:
    """Walk every stream in version order; stop at the first broken event."""
    rows = session.execute(select(Event).order_by(Event.episode_id, Event.version)).scalars()
    heads = {head.id: head for head in session.execute(select(Episode)).scalars()}
    current: object = None
    expected_prev, expected_version = GENESIS_HASH, 1
    count = 0
    for event in rows:
        count += 1
        if event.episode_id != current:
            current, expected_prev, expected_version = event.episode_id, GENESIS_HASH, 1
        link = _check(event, expected_prev, expected_version)
        if link:
            return VerifyResult(len(heads), count, link)
        expected_prev, expected_version = event.hash, event.version + 1
        head = heads.get(event.episode_id)
        if head is not None and event.version == head.version and head.last_hash != event.hash:
            reason = "stream head's last hash does not match its last event"
            link = BrokenLink(str(event.episode_id), str(event.id), event.version, reason)
            return VerifyResult(len(heads), count, link)
    return VerifyResult(len(heads), count, None)


def _check(event: Event, expected_prev: str, expected_version: int) -> BrokenLink | None:
    """Why this event breaks the chain, or None."""
    reason = None
    if event.version != expected_version:
        reason = f"version {event.version} found where {expected_version} was expected (gap)"
    elif event.prev_hash != expected_prev:
        reason = "prev_hash does not match the previous event's hash"
    elif envelope_hash(envelope_of(event)) != event.hash:
        reason = "hash does not match the event's content (edited)"
    if reason is None:
        return None
    return BrokenLink(str(event.episode_id), str(event.id), event.version, reason)
