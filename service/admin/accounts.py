"""Providers and users: creating them, deactivating users and setting passwords (shared by the API, the web pages,
the CLI and the demo seed). Deactivating a user or changing their password ends every session of theirs at once."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from service.auth.passwords import hash_password
from service.auth.sessions import DEACTIVATED, PASSWORD_CHANGED, end_sessions_of
from service.domain.errors import AlreadyExists, Invalid
from service.models import ROLES, Provider, User

PROVIDER_ROLES = ("worker", "manager")


def check_password_rule(password: str) -> None:
    """Passwords have at least PASSWORD_MIN_LENGTH (12) characters."""
    minimum = current_app.config["PASSWORD_MIN_LENGTH"]
    if len(password) < minimum:
        raise Invalid(f"Must be at least {minimum} characters.", "password")


def create_provider(session: Session, name: str, kind: str) -> Provider:
    """Add a provider; names are unique."""
    if session.execute(select(Provider).where(Provider.name == name)).scalar_one_or_none():
        raise AlreadyExists("A provider with this name already exists.", "name")
    provider = Provider(id=uuid.uuid4(), name=name, kind=kind)
    session.add(provider)
    session.flush()
    return provider


def create_user(session: Session, username: str, password: str, role: str,
                provider_id: uuid.UUID | None) -> User:
    """Add a user after checking role, provider and password rules."""
    if role not in ROLES:
        raise Invalid(f"Must be one of: {', '.join(ROLES)}.", "role")
    check_password_rule(password)
    if role in PROVIDER_ROLES and provider_id is None:
        raise Invalid(f"A {role} must belong to a provider.", "provider_id")
    if role not in PROVIDER_ROLES and provider_id is not None:
        raise Invalid(f"A {role} sees every provider and is not tied to one.", "provider_id")
    if provider_id is not None and session.get(Provider, provider_id) is None:
        raise Invalid("No such provider.", "provider_id")
    if session.execute(select(User).where(User.username == username)).scalar_one_or_none():
        raise AlreadyExists("This username is taken.", "username")
    user = User(id=uuid.uuid4(), username=username, password_hash=hash_password(password),
                role=role, provider_id=provider_id)
    session.add(user)
    session.flush()
    return user


def set_password(session: Session, user: User, password: str) -> int:
    """Give `user` a new password (a reset) and end every session of theirs; returns how many ended."""
    check_password_rule(password)
    user.password_hash = hash_password(password)
    return end_sessions_of(session, user.id, PASSWORD_CHANGED)


def deactivate_user(session: Session, user: User) -> int:
    """Stop `user` signing in and end every session of theirs (their history stays); returns how many ended."""
    user.active = False
    return end_sessions_of(session, user.id, DEACTIVATED)


def reactivate_user(user: User) -> None:
    """Let a deactivated user sign in again (with their password; no old session comes back)."""
    user.active = True


def may_manage_sessions(actor: User, target: User) -> bool:
    """Admins manage anyone's sessions; a manager those of their own provider's workers (a lost phone)."""
    if actor.role == "admin":
        return True
    return (actor.role == "manager" and target.role == "worker" and target.provider_id is not None
            and target.provider_id == actor.provider_id)


def usernames_by_id(session: Session, ids: Iterable[str]) -> dict[str, str]:
    """Usernames of the given user ids (empty strings ignored), by id."""
    wanted = {uuid.UUID(value) for value in ids if value}
    if not wanted:
        return {}
    rows = session.execute(select(User.id, User.username).where(User.id.in_(wanted)))
    return {str(row.id): row.username for row in rows}


@dataclass(frozen=True)
class WorkerChoice:
    """A worker as a manager picks them: id, name and provider."""

    id: str
    name: str
    provider_id: str
    provider_name: str


def provider_workers(session: Session, provider_id: uuid.UUID | None) -> list[WorkerChoice]:
    """Active workers of one provider (every provider's when None), by provider and name."""
    statement = (select(User.id, User.username, Provider.id, Provider.name)
                 .join(Provider, Provider.id == User.provider_id)
                 .where(User.role == "worker", User.active.is_(True)).order_by(Provider.name, User.username))
    if provider_id is not None:
        statement = statement.where(User.provider_id == provider_id)
    return [WorkerChoice(str(user_id), name, str(pid), provider_name)
            for user_id, name, pid, provider_name in session.execute(statement)]
