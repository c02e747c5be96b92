"""Re-walk every hash chain and check every stream head against its events, to detect edited or removed history.

What a clean run proves, for every episode stream:
- its events run 1, 2, 3, ... without a gap, each `prev_hash` is the hash of the event
  before it and each `hash` is the hash of the event's own content (nothing edited,
  inserted or removed in the middle);
- the stream head (the `episodes` row writers lock and append through) agrees with the
  last event: same version and same hash, so removing the *last* events is detected too;
- the head still belongs to the provider its `EpisodeOpened` event names, and that
  event is the stream's first, so moving an episode to another provider is detected.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.events.hashing import GENESIS_HASH, envelope_hash
from service.events.store import envelope_of
from service.models import Episode, Event

EPISODE_OPENED = "EpisodeOpened"


@dataclass(frozen=True)
class BrokenLink:
    """The first event (or stream head) whose stored history does not check out, and why."""

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


@dataclass
class _StreamSeen:
    """What the walk saw of one stream: its last event and the provider its EpisodeOpened names."""

    last_id: str
    last_version: int
    last_hash: str
    opened_provider: str | None


def verify_chains(session: Session) -> VerifyResult:
    """Walk every stream in version order, then check every head; stop at the first broken link."""
    rows = session.execute(select(Event).order_by(Event.episode_id, Event.version)).scalars()
    heads = {head.id: head for head in session.execute(select(Episode)).scalars()}
    seen: dict[uuid.UUID, _StreamSeen] = {}
    count = 0
    for event in rows:
        count += 1
        stream = seen.get(event.episode_id)
        link = _check(event, stream.last_hash if stream else GENESIS_HASH, stream.last_version + 1 if stream else 1)
        if link:
            return VerifyResult(len(heads), count, link)
        if stream is None:
            opened = event.data.get("provider_id") if event.type == EPISODE_OPENED else None
            stream = seen[event.episode_id] = _StreamSeen(str(event.id), 0, GENESIS_HASH, opened)
        stream.last_id, stream.last_version, stream.last_hash = str(event.id), event.version, event.hash
    for head in heads.values():
        link = check_head(head, seen.get(head.id))
        if link:
            return VerifyResult(len(heads), count, link)
    return VerifyResult(len(heads), count, None)


def check_head(head: Episode, stream: _StreamSeen | None) -> BrokenLink | None:
    """Why a stream head disagrees with its events, or None."""
    episode = str(head.id)
    if stream is None:
        return BrokenLink(episode, None, head.version, "stream head has no events (its history was removed)")
    if stream.opened_provider is None:
        return BrokenLink(episode, None, 1, "the stream does not start with an EpisodeOpened event naming a provider")
    if head.version != stream.last_version or head.last_hash != stream.last_hash:
        reason = (f"stream head says version {head.version}, its last event is version {stream.last_version}"
                  if head.version != stream.last_version
                  else "stream head's last hash does not match its last event")
        return BrokenLink(episode, stream.last_id, stream.last_version,
                          reason + " (events removed, or the head edited)")
    if str(head.provider_id) != stream.opened_provider:
        return BrokenLink(episode, None, 1, f"stream head's provider {head.provider_id} is not the provider its "
                                            f"EpisodeOpened names ({stream.opened_provider}): the episode was moved")
    return None


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
