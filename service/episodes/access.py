"""Who may see an episode, and locking an episode's stream for a caller's write."""

from __future__ import annotations

import uuid

from sqlalchemy.orm import Session

from service.domain.errors import NoSuchEpisode
from service.events.store import lock_stream
from service.models import Episode, User


def can_see(user: User, provider_id: uuid.UUID) -> bool:
    """Workers and managers see their own provider; commissioners never see episodes; admins all."""
    if user.role == "admin":
        return True
    return user.role in ("worker", "manager") and user.provider_id == provider_id


def locked_head(session: Session, episode_id: uuid.UUID, user: User, field_name: str = "episode_id") -> Episode:
    """Lock the episode's stream for writing, or 404 if missing or not the caller's."""
    head = lock_stream(session, episode_id)
    if head is None or not can_see(user, head.provider_id):
        raise NoSuchEpisode("No such episode.", field_name)
    return head
