"""Sign-in throttling: failed attempts per username (tokens and sessions live in service.auth.sessions)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from service.models import LoginFailure, utcnow


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
