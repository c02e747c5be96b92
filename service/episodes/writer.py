"""Appending to one locked episode stream while keeping its write-side rows in step."""

from __future__ import annotations

import re
import uuid
from datetime import datetime

from sqlalchemy import delete
from sqlalchemy.orm import Session

from service.domain.errors import StaleVersion
from service.domain.events import VISIT_RECORDED, StoredEvent
from service.domain.facts import EpisodeFacts, read_facts
from service.events.store import NewEvent, append
from service.events.streams import as_stored, stored_streams
from service.models import Episode, EpisodeWorker, Event, User, utcnow

# A stream version as an ETag names it: ASCII digits only (never `²` or other Unicode digits), 1-18 of them.
_VERSION_TAG = re.compile(r'(?:W/)?"?([0-9]{1,18})"?')


def parse_version_tag(raw: str | None) -> int | None:
    """The stream version in an If-Match value or a form's hidden version ("5", W/"5" or 5); None if absent or `*`.

    Anything else is a 412: the client did not send the ETag of an episode it read.
    """
    if raw is None or raw.strip() in ("", "*"):
        return None
    match = _VERSION_TAG.fullmatch(raw.strip())
    if match is None:
        raise StaleVersion("If-Match must be the ETag of the episode you read.", "If-Match")
    return int(match.group(1))


def check_if_match(head: Episode, if_match: int | None) -> None:
    """412 when the client's If-Match names an older version of the stream."""
    if if_match is not None and if_match != head.version:
        raise StaleVersion(f"The episode is at version {head.version}, not {if_match}; reload and retry.",
                           "If-Match")


class EpisodeWriter:
    """Appends events to a locked stream; refolds facts and keeps them, status and assignments on the head."""

    def __init__(self, session: Session, head: Episode, actor: User) -> None:
        self.session = session
        self.head = head
        self.actor = actor
        self._stored: list[StoredEvent] = stored_streams(session, [head.id], exclude_types=(VISIT_RECORDED,))[head.id]
        self.facts: EpisodeFacts = read_facts(self._stored)
        self._keep_snapshot()

    def append(self, event_type: str, data: dict[str, object], occurred_at: datetime | None = None) -> Event:
        """Append one event and bring facts, status and assignments up to date."""
        event = append(self.session, self.head, NewEvent(event_type, data, occurred_at or utcnow()),
                       actor_id=self.actor.id)
        if event_type != VISIT_RECORDED:
            self._stored.append(as_stored(event))
            before = self.facts.assigned_now()
            self.facts = read_facts(self._stored)
            self.head.status = "open" if self.facts.is_open else "closed"
            self.head.ended_on = self.facts.ended_on
            self.head.started_on = self.facts.started_on
            if self.facts.assigned_now() != before:
                self._sync_workers()
            self._keep_snapshot()
        return event

    def _keep_snapshot(self) -> None:
        """Keep the facts visits are checked against on the head, in this same transaction."""
        snapshot = self.facts.to_snapshot()
        if self.head.facts != snapshot:
            self.head.facts = snapshot

    def _sync_workers(self) -> None:
        """Rewrite this episode's current-assignment rows."""
        self.session.execute(delete(EpisodeWorker).where(EpisodeWorker.episode_id == self.head.id))
        self.session.add_all(EpisodeWorker(episode_id=self.head.id, worker_id=uuid.UUID(worker))
                             for worker in sorted(self.facts.assigned_now()))
