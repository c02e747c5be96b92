"""Reading episodes as the API shows them: one live from its stream, lists from derived state."""

from __future__ import annotations

import uuid
from typing import Any

from flask import current_app
from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from service.domain import DerivedEpisode, project_episode
from service.domain.calendar import today_london
from service.domain.errors import NotFound
from service.episodes.access import can_see
from service.events.store import envelope_of
from service.events.streams import stored_streams
from service.models import Episode, EpisodeFlag, EpisodeState, EpisodeWorker, Event, User
from service.pagination import paginate


def visible_head(session: Session, user: User, episode_id: uuid.UUID) -> Episode:
    """The episode if the caller may see it (workers: open episodes they are assigned to), else 404."""
    head = session.get(Episode, episode_id)
    if head is None or not can_see(user, head.provider_id):
        raise NotFound("No such episode.", "id")
    if user.role == "worker":
        assigned = session.get(EpisodeWorker, (episode_id, user.id))
        if assigned is None or head.status != "open":
            raise NotFound("No such episode.", "id")
    return head


def derive(session: Session, episode_id: uuid.UUID) -> DerivedEpisode:
    """Project the episode's whole stream with the app's settings and today's date."""
    return project_episode(stored_streams(session, [episode_id])[episode_id], today=today_london(),
                           achievement_confirmations=current_app.config["ACHIEVEMENT_CONFIRMATIONS"])


def episode_body(episode_id: uuid.UUID, derived: dict[str, Any], version: int,
                 projected_version: int) -> dict[str, Any]:
    """The API's episode shape from a derived-state dict."""
    body = {"id": str(episode_id), **derived}
    body["version"] = version
    body["projected_version"] = projected_version
    return body


def projected_version_of(session: Session, episode_id: uuid.UUID) -> int:
    """How far background work has caught up on this episode (0 before its first refresh)."""
    value = session.execute(select(EpisodeState.projected_version)
                            .where(EpisodeState.episode_id == episode_id)).scalar_one_or_none()
    return value or 0


def read_episode(session: Session, user: User, episode_id: uuid.UUID) -> dict[str, Any]:
    """One episode, derived live from its whole stream (read-your-writes for managers)."""
    head = visible_head(session, user, episode_id)
    derived = derive(session, episode_id)
    return episode_body(episode_id, derived.to_dict(), head.version, projected_version_of(session, episode_id))


def raised_flags(session: Session, episode_id: uuid.UUID) -> set[str]:
    """Flags raised on the episode as of its latest event."""
    return {flag.flag for flag in derive(session, episode_id).flags}


def list_episodes(session: Session, user: User, *, status: str | None, flag: str | None,
                  page: int, page_size: int) -> tuple[list[dict[str, Any]], int]:
    """A page of the caller's provider's episodes (derived state; live for any not yet projected)."""
    statement = select(Episode, EpisodeState).outerjoin(EpisodeState, EpisodeState.episode_id == Episode.id)
    if user.role != "admin":
        statement = statement.where(Episode.provider_id == user.provider_id)
    if status:
        statement = statement.where(Episode.status == status)
    if flag:
        statement = statement.where(exists().where(EpisodeFlag.episode_id == Episode.id, EpisodeFlag.flag == flag))
    rows, total = paginate(session, statement.order_by(Episode.started_on.desc(), Episode.id), page, page_size)
    items = []
    for head, state in rows:
        if state is None:
            derived, projected = derive(session, head.id).to_dict(), 0
        else:
            derived, projected = state.document, state.projected_version
        items.append(episode_body(head.id, derived, head.version, projected))
    return items, total


def episode_events(session: Session, user: User, episode_id: uuid.UUID, page: int,
                   page_size: int) -> tuple[list[dict[str, Any]], int]:
    """A page of the episode's event log, oldest first."""
    head = visible_head(session, user, episode_id)
    statement = (select(Event).where(Event.episode_id == episode_id).order_by(Event.version)
                 .offset((page - 1) * page_size).limit(page_size))
    items = []
    for event in session.execute(statement).scalars():
        envelope = envelope_of(event)
        envelope.pop("episode_id")
        items.append(envelope)
    return items, head.version
