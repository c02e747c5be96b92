"""Who is who on the pages: user names for ids, and the workers a manager can assign."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.models import Provider, User


@dataclass(frozen=True)
class WorkerChoice:
    """A worker as a manager picks them: id, name and provider."""

    id: str
    name: str
    provider_id: str
    provider_name: str


def names_of(session: Session, ids: Iterable[str | uuid.UUID | None]) -> dict[str, str]:
    """Usernames of the given user ids, keyed by the id as text."""
    wanted = set()
    for value in ids:
        try:
            wanted.add(uuid.UUID(str(value)))
        except ValueError:
            continue
    if not wanted:
        return {}
    rows = session.execute(select(User.id, User.username).where(User.id.in_(wanted)))
    return {str(row.id): row.username for row in rows}


def workers_of(session: Session, provider_id: uuid.UUID | None) -> list[WorkerChoice]:
    """Workers of one provider (every provider's when None), by name."""
    statement = (select(User.id, User.username, Provider.id, Provider.name)
                 .join(Provider, Provider.id == User.provider_id)
                 .where(User.role == "worker").order_by(Provider.name, User.username))
    if provider_id is not None:
        statement = statement.where(User.provider_id == provider_id)
    return [WorkerChoice(str(user_id), name, str(pid), provider_name)
            for user_id, name, pid, provider_name in session.execute(statement)]
