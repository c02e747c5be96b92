"""Open flags from derived state."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.domain.errors import NotFound
from service.events.hashing import format_instant
from service.models import EpisodeFlag, User
from service.pagination import paginate


def open_flags(session: Session, user: User, *, flag: str | None, provider_id: uuid.UUID | None,
               page: int, page_size: int) -> tuple[list[dict[str, Any]], int]:
    """Raised flags, oldest first; managers see only their own provider (another's id is a 404)."""
    if user.role == "manager":
        if provider_id is not None and provider_id != user.provider_id:
            raise NotFound("No such provider.", "provider_id")
        provider_id = user.provider_id
    statement = select(EpisodeFlag)
    if provider_id is not None:
        statement = statement.where(EpisodeFlag.provider_id == provider_id)
    if flag is not None:
        statement = statement.where(EpisodeFlag.flag == flag)
    rows, total = paginate(session, statement.order_by(EpisodeFlag.raised_at, EpisodeFlag.episode_id,
                                                       EpisodeFlag.flag), page, page_size)
    items = [{"episode_id": str(row.episode_id), "person_ref": row.person_ref, "flag": row.flag,
              "raised_at": format_instant(row.raised_at), "detail": row.detail, "acknowledged": row.acknowledged}
             for (row,) in rows]
    return items, total
