"""What the admin endpoints call: providers and users listed, added and changed, users' sessions managed.

Each function that writes commits its own transaction (see service/unit_of_work.py).
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.admin.accounts import (
    create_provider,
    create_user,
    deactivate_user,
    may_manage_sessions,
    reactivate_user,
    set_password,
)
from service.auth.sessions import REVOKED, end_session, live_sessions
from service.domain.errors import Conflict, NotFound
from service.models import Provider, SignInSession, User
from service.pagination import paginate
from service.unit_of_work import commit_once, unit_of_work

add_provider = unit_of_work(create_provider)
add_user = unit_of_work(create_user)


def list_providers(session: Session, page: int, page_size: int) -> tuple[list[Provider], int]:
    """One page of providers by name, and the total."""
    rows, total = paginate(session, select(Provider).order_by(Provider.name, Provider.id), page, page_size)
    return [row[0] for row in rows], total


def list_users(session: Session, page: int, page_size: int) -> tuple[list[User], int]:
    """One page of users by username, and the total."""
    rows, total = paginate(session, select(User).order_by(User.username), page, page_size)
    return [row[0] for row in rows], total


def get_user(session: Session, user_id: uuid.UUID) -> User:
    """The user `user_id`, if it exists."""
    user = session.get(User, user_id)
    if user is None:
        raise NotFound("No such user.", "user_id")
    return user


def update_user(session: Session, actor: User, user_id: uuid.UUID, changes: dict[str, Any]) -> User:
    """Deactivate, reactivate or reset the password of a user, and commit (both end the user's sessions)."""

    def change() -> User:
        user = get_user(session, user_id)
        if changes.get("active") is False and user.id == actor.id:
            raise Conflict("You cannot deactivate yourself.", "active")
        if "password" in changes:
            set_password(session, user, changes["password"])
        if changes.get("active") is False:
            deactivate_user(session, user)
        elif changes.get("active") is True:
            reactivate_user(user)
        return user

    return commit_once(session, change)


def _sessions_owner(session: Session, actor: User, user_id: uuid.UUID) -> User:
    """The user whose sessions the actor may manage; anyone else's is a 404 (never reveal who exists)."""
    user = session.get(User, user_id)
    if user is None or not may_manage_sessions(actor, user):
        raise NotFound("No such user.", "user_id")
    return user


def user_sessions(session: Session, actor: User, user_id: uuid.UUID, page: int,
                  page_size: int) -> tuple[list[SignInSession], int]:
    """One page of the user's live sessions, most recently used first, and the total."""
    owner = _sessions_owner(session, actor, user_id)
    rows, total = paginate(session, live_sessions(owner.id), page, page_size)
    return [row[0] for row in rows], total


def revoke_user_session(session: Session, actor: User, user_id: uuid.UUID, session_id: uuid.UUID) -> None:
    """End one session of the user (a lost phone) and commit."""

    def revoke() -> None:
        owner = _sessions_owner(session, actor, user_id)
        row = session.get(SignInSession, session_id)
        if row is None or row.user_id != owner.id:
            raise NotFound("No such session.", "session_id")
        end_session(session, row, REVOKED)

    commit_once(session, revoke)
