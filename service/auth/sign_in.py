"""Checking a username and password, throttled per username, for the API's tokens and the pages' sessions.

The attempt is counted *before* the password is checked, under a lock per username, so
concurrent guesses cannot all read "4 failures so far" and all get a try: with a limit of
5, thirty simultaneous wrong passwords get exactly five refusals for bad credentials and
then TooManySignIns (429, with the seconds until a try is allowed again). A successful
sign-in takes its attempt back.
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from sqlalchemy import delete, func, select, text
from sqlalchemy.orm import Session

from service.auth.passwords import verify_password
from service.auth.sessions import (
    SIGNED_OUT,
    DeviceTokens,
    SessionPolicy,
    check_may_sign_in,
    end_session_by_id,
    open_device_session,
    open_web_session,
    revoke_legacy_token,
)
from service.domain.errors import InvalidCredentials, TooManySignIns
from service.models import LoginFailure, SignInSession, User, utcnow
from service.unit_of_work import commit_once

BAD_CREDENTIALS = "The username or password is not right."
TOO_MANY_FAILURES = "Too many failed sign-ins for this username; wait {minutes} minutes."


def _lock_username(session: Session, username: str) -> None:
    """Serialise attempts for one username until commit (SQLite's BEGIN IMMEDIATE already serialises writers)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(hashtextextended(:name, 0))"), {"name": username})


def claim_attempt(session: Session, username: str, window_seconds: int, limit: int) -> int:
    """Count one attempt for `username` now (committed) and return its id; TooManySignIns when over the limit."""
    now = utcnow()
    since = now - timedelta(seconds=window_seconds)
    _lock_username(session, username)
    session.execute(delete(LoginFailure).where(LoginFailure.username == username, LoginFailure.failed_at <= since))
    count, oldest = session.execute(
        select(func.count(), func.min(LoginFailure.failed_at)).where(LoginFailure.username == username)).one()
    if count >= limit:
        session.commit()
        refused = TooManySignIns(TOO_MANY_FAILURES.format(minutes=math.ceil(window_seconds / 60)))
        refused.retry_after = max(1, math.ceil((oldest + timedelta(seconds=window_seconds) - now).total_seconds()))
        raise refused
    attempt = LoginFailure(username=username, failed_at=now)
    session.add(attempt)
    session.commit()
    return attempt.id


def authenticate(session: Session, config: Mapping[str, Any], username: str, password: str) -> User:
    """The active user with these credentials; the attempt is counted (and committed) before the password is checked."""
    attempt = claim_attempt(session, username, config["LOGIN_FAILURE_WINDOW_SECONDS"], config["LOGIN_MAX_FAILURES"])
    user = session.execute(select(User).where(User.username == username)).scalar_one_or_none()
    if user is None or not verify_password(user.password_hash, password):
        raise InvalidCredentials(BAD_CREDENTIALS)
    session.execute(delete(LoginFailure).where(LoginFailure.id == attempt))
    session.commit()
    check_may_sign_in(user)
    return user


def sign_in_device(session: Session, config: Mapping[str, Any], username: str, password: str,
                   user_agent: str | None) -> DeviceTokens:
    """Check the credentials and start a phone's session (access and refresh tokens); committed."""
    user = authenticate(session, config, username, password)
    return commit_once(session, lambda: open_device_session(session, user, user_agent,
                                                            SessionPolicy.from_settings(config)))


def sign_in_web(session: Session, config: Mapping[str, Any], username: str, password: str,
                user_agent: str | None) -> tuple[User, SignInSession]:
    """Check the credentials and start a browser's session (its id goes in the signed cookie); committed."""
    user = authenticate(session, config, username, password)
    return user, commit_once(session, lambda: open_web_session(session, user, user_agent,
                                                               SessionPolicy.from_settings(config)))


def sign_out(session: Session, session_id: uuid.UUID | None, legacy_token: str | None = None) -> None:
    """End a sign-in session (or revoke a token issued before sessions existed); committed."""

    def end() -> None:
        if session_id is not None:
            end_session_by_id(session, session_id, SIGNED_OUT)
        elif legacy_token is not None:
            revoke_legacy_token(session, legacy_token)

    commit_once(session, end)
