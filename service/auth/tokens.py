"""Opaque bearer tokens: issued, looked up by hash, expired, revoked; login throttling."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from service.models import AccessToken, LoginFailure, User, utcnow


def _digest(token: str) -> str:
    """SHA-256 of a token; only this is stored."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def issue_token(session: Session, user: User, ttl_seconds: int) -> str:
    """Create a token for `user` and return its only plaintext copy."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    session.add(AccessToken(token_hash=_digest(token), user_id=user.id, created_at=now,
                            expires_at=now + timedelta(seconds=ttl_seconds)))
    return token


def user_for_token(session: Session, token: str) -> User | None:
    """The user a live (unexpired, unrevoked) token belongs to."""
    statement = (
        select(User)
        .join(AccessToken, AccessToken.user_id == User.id)
        .where(AccessToken.token_hash == _digest(token),
               AccessToken.revoked_at.is_(None),
               AccessToken.expires_at > utcnow())
    )
    return session.execute(statement).scalar_one_or_none()


def revoke_token(session: Session, token: str) -> None:
    """Mark a token revoked."""
    row = session.execute(select(AccessToken).where(AccessToken.token_hash == _digest(token))).scalar_one_or_none()
    if row is not None and row.revoked_at is None:
        row.revoked_at = utcnow()


def recent_failures(session: Session, username: str, window_seconds: int) -> int:
    """Failed sign-ins for `username` within the window."""
    since = utcnow() - timedelta(seconds=window_seconds)
    statement = select(func.count()).select_from(LoginFailure).where(
        LoginFailure.username == username, LoginFailure.failed_at > since)
    return int(session.execute(statement).scalar_one())


def record_failure(session: Session, username: str, window_seconds: int) -> None:
    """Remember a failed sign-in and forget ones older than the window."""
    cutoff = utcnow() - timedelta(seconds=window_seconds)
    session.execute(delete(LoginFailure).where(LoginFailure.username == username,
                                               LoginFailure.failed_at <= cutoff))
    session.add(LoginFailure(username=username, failed_at=utcnow()))
