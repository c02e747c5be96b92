"""Signing in and out: a username and password checked (throttled per username), sessions started and ended."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
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
from service.auth.tokens import recent_failures, record_failure
from service.domain.errors import InvalidCredentials, TooManySignIns
from service.models import SignInSession, User
from service.unit_of_work import commit_once

BAD_CREDENTIALS = "The username or password is not right."
TOO_MANY_FAILURES = "Too many failed sign-ins for this username; wait 15 minutes."


def authenticate(session: Session, config: Mapping[str, Any], username: str, password: str) -> User:
    """The active user with these credentials; a failed password is recorded (and committed) before it is refused."""
    window = config["LOGIN_FAILURE_WINDOW_SECONDS"]
    if recent_failures(session, username, window) >= config["LOGIN_MAX_FAILURES"]:
        raise TooManySignIns(TOO_MANY_FAILURES)
    user = session.execute(select(User).where(User.username == username)).scalar_one_or_none()
    if not verify_password(user.password_hash if user else None, password) or user is None:
        record_failure(session, username, window)
        session.commit()
        raise InvalidCredentials(BAD_CREDENTIALS)
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
