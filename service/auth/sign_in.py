"""Checking a username and password, throttled per username, for the API's tokens and the pages' sessions."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.auth.passwords import verify_password
from service.auth.sessions import check_may_sign_in
from service.auth.tokens import recent_failures, record_failure
from service.domain.errors import InvalidCredentials, TooManySignIns
from service.models import User

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
