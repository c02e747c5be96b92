"""Sign-in sessions: one row per phone or browser, ending it ends every token or cookie of it at once.

A device session (a phone) holds short-lived bearer access tokens and one live
single-use refresh token; each refresh spends the presented refresh token and
issues a new pair. Presenting a spent refresh token again means two parties
hold copies of it, so the whole session is ended (reuse detection), with one
exception: within a short grace period after it was spent, while the token
that replaced it has never been used, the phone most likely lost the answer
to its refresh, so it is answered with a fresh pair instead. A web
session (a browser) is named by the id its signed cookie carries, checked on
every request. Tokens are random, and only their SHA-256 hashes are stored.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, select, update
from sqlalchemy.orm import Session

from service.auth.refusals import (
    AccountDeactivated,
    RefreshTokenExpired,
    RefreshTokenInvalid,
    RefreshTokenReused,
    TokenExpired,
    TokenInvalid,
    TokenRevoked,
)
from service.models import AccessToken, RefreshToken, SignInSession, User, utcnow

DEVICE, WEB = "device", "web"
# Why a session ended (sessions.end_cause).
SIGNED_OUT = "signed_out"
REVOKED = "revoked"
REFRESH_TOKEN_REUSED = "refresh_token_reused"
PASSWORD_CHANGED = "password_changed"
DEACTIVATED = "deactivated"

USER_AGENT_LENGTH = 300
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True)
class SessionPolicy:
    """Lifetimes from the settings: access tokens and web sessions, refresh tokens, last-use resolution."""

    access_seconds: int
    refresh_seconds: int
    touch_seconds: int
    # How long after a refresh token was spent it may be presented again as a retry of a lost answer.
    retry_grace_seconds: int = 60

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any]) -> SessionPolicy:
        """The policy the app is configured with."""
        return cls(settings["TOKEN_TTL_SECONDS"], settings["REFRESH_TOKEN_TTL_SECONDS"],
                   settings["SESSION_TOUCH_SECONDS"], settings["REFRESH_RETRY_GRACE_SECONDS"])


@dataclass(frozen=True)
class DeviceTokens:
    """What a phone receives on sign-in and on every refresh (the only plaintext copies of the tokens)."""

    user: User
    session_id: uuid.UUID
    access_token: str
    access_expires_at: datetime
    refresh_token: str
    refresh_expires_at: datetime


@dataclass(frozen=True)
class Caller:
    """Who a bearer token belongs to, the session it was issued in (None for pre-session tokens), whether
    the session's last use was just noted (then the caller commits that), and when a bearer token expires."""

    user: User
    session_id: uuid.UUID | None
    touched: bool = False
    expires_at: datetime | None = None


def digest(token: str) -> str:
    """SHA-256 of a token; only this is stored."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def clean_user_agent(value: str | None) -> str:
    """The User-Agent header as stored and shown: printable, at most 300 characters."""
    return _UNPRINTABLE.sub("", value or "")[:USER_AGENT_LENGTH]


def check_may_sign_in(user: User) -> None:
    """Refuse a deactivated user even with the right password (asked only after the password matched)."""
    if not user.active:
        raise AccountDeactivated("This account has been deactivated; ask your manager or an administrator.")


def _new_session(db: Session, user: User, kind: str, user_agent: str | None, expires_at: datetime) -> SignInSession:
    now = utcnow()
    row = SignInSession(id=uuid.uuid4(), user_id=user.id, kind=kind, user_agent=clean_user_agent(user_agent),
                        created_at=now, last_used_at=now, expires_at=expires_at)
    db.add(row)
    db.flush()
    return row


def _issue_pair(db: Session, user: User, row: SignInSession, policy: SessionPolicy,
                replacing: RefreshToken | None = None) -> DeviceTokens:
    """A new access token and refresh token for a device session; the session's expiry follows the refresh token.

    `replacing` (a refresh token being spent now) is marked spent and linked to the new refresh token.
    """
    now = utcnow()
    access, refresh = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    access_expires = now + timedelta(seconds=policy.access_seconds)
    refresh_expires = now + timedelta(seconds=policy.refresh_seconds)
    db.add(AccessToken(token_hash=digest(access), user_id=user.id, session_id=row.id, created_at=now,
                       expires_at=access_expires))
    successor = RefreshToken(token_hash=digest(refresh), session_id=row.id, issued_at=now, expires_at=refresh_expires)
    db.add(successor)
    if replacing is not None:
        db.flush()
        replacing.spent_at = now
        replacing.replaced_by_id = successor.id
    row.expires_at = refresh_expires
    row.last_used_at = now
    return DeviceTokens(user, row.id, access, access_expires, refresh, refresh_expires)


def open_device_session(db: Session, user: User, user_agent: str | None, policy: SessionPolicy) -> DeviceTokens:
    """Start a phone's session after a password sign-in; the caller commits."""
    row = _new_session(db, user, DEVICE, user_agent, utcnow() + timedelta(seconds=policy.refresh_seconds))
    return _issue_pair(db, user, row, policy)


def refresh_device_session(db: Session, refresh_token: str, user_agent: str | None,
                           policy: SessionPolicy) -> DeviceTokens:
    """Spend `refresh_token` and issue a new pair, committed; a spent token ends its session (committed) and is refused.

    A spent token presented again within `policy.retry_grace_seconds` of being spent, whose
    replacement has never been used, is a phone retrying after it lost the answer: the unused
    replacement is spent instead and a fresh pair issued. The row locks (the session's row)
    make two concurrent refreshes with one token take turns, so the second sees the token spent.
    """
    presented = db.execute(select(RefreshToken).where(RefreshToken.token_hash == digest(refresh_token))
                           .with_for_update()).scalar_one_or_none()
    if presented is None:
        raise RefreshTokenInvalid("This refresh token is not recognised; sign in again.", "refresh_token")
    row = db.get(SignInSession, presented.session_id, with_for_update=True)
    assert row is not None
    user = db.get(User, row.user_id)
    assert user is not None
    if not user.active:
        raise AccountDeactivated("This account has been deactivated.", "refresh_token")
    if row.ended_at is not None:
        raise TokenRevoked("This session has ended; sign in again.", "refresh_token")
    if presented.spent_at is not None:
        unused = _unused_replacement(db, presented, policy)
        if unused is None:
            end_session(db, row, REFRESH_TOKEN_REUSED)
            db.commit()
            raise RefreshTokenReused("This refresh token was already used, so the session has been ended for "
                                     "safety; sign in again.", "refresh_token")
        presented = unused
    if presented.expires_at <= utcnow():
        raise RefreshTokenExpired("This refresh token has expired; sign in again.", "refresh_token")
    if user_agent:
        row.user_agent = clean_user_agent(user_agent)
    tokens = _issue_pair(db, user, row, policy, replacing=presented)
    db.commit()
    return tokens


def _unused_replacement(db: Session, spent: RefreshToken, policy: SessionPolicy) -> RefreshToken | None:
    """The token that replaced `spent`, when `spent` is being retried within the grace period and the
    replacement has never been used; otherwise None (the presentation is a reuse)."""
    assert spent.spent_at is not None
    if spent.replaced_by_id is None or utcnow() - spent.spent_at > timedelta(seconds=policy.retry_grace_seconds):
        return None
    replacement = db.get(RefreshToken, spent.replaced_by_id, with_for_update=True)
    if replacement is None or replacement.spent_at is not None:
        return None
    return replacement


def caller_for_token(db: Session, token: str, policy: SessionPolicy) -> Caller:
    """The user a bearer token belongs to, or the reason it is refused; notes the session's last use.

    Returns with the session's `last_used_at` changed (uncommitted) at most once per `touch_seconds`.
    """
    found = db.execute(
        select(AccessToken, User, SignInSession)
        .join(User, User.id == AccessToken.user_id)
        .outerjoin(SignInSession, SignInSession.id == AccessToken.session_id)
        .where(AccessToken.token_hash == digest(token))
    ).one_or_none()
    if found is None:
        raise TokenInvalid("This bearer token is not recognised; sign in again.")
    access, user, row = found
    now = utcnow()
    if not user.active:
        raise AccountDeactivated("This account has been deactivated.")
    if access.revoked_at is not None or (row is not None and row.ended_at is not None):
        raise TokenRevoked("This token's session has ended; sign in again.")
    if access.expires_at <= now:
        raise TokenExpired("This bearer token has expired; refresh it or sign in again.")
    if row is None:
        return Caller(user, None, expires_at=access.expires_at)
    return Caller(user, row.id, _touch(row, now, policy), access.expires_at)


def _touch(row: SignInSession, now: datetime, policy: SessionPolicy) -> bool:
    """Note the session's use, at most once per `touch_seconds`; True when noted."""
    if now - row.last_used_at < timedelta(seconds=policy.touch_seconds):
        return False
    row.last_used_at = now
    return True


def open_web_session(db: Session, user: User, user_agent: str | None, policy: SessionPolicy) -> SignInSession:
    """Start a browser's session after a password sign-in; its id goes in the signed cookie. The caller commits."""
    return _new_session(db, user, WEB, user_agent, utcnow() + timedelta(seconds=policy.access_seconds))


def web_session_caller(db: Session, session_id: uuid.UUID, policy: SessionPolicy) -> Caller | None:
    """The active user of a live web session (noting its last use), or None when it has ended or expired."""
    row = db.get(SignInSession, session_id)
    now = utcnow()
    if row is None or row.kind != WEB or row.ended_at is not None or row.expires_at <= now:
        return None
    user = db.get(User, row.user_id)
    if user is None or not user.active:
        return None
    return Caller(user, row.id, _touch(row, now, policy))


# Set on a database session whose transaction ends sign-in sessions; the token cache reads it at commit.
SESSIONS_ENDED = "sessions_ended"


def _note_sessions_ended(db: Session) -> None:
    """Tell this process's token cache, at commit, that cached tokens may no longer be trusted."""
    db.info[SESSIONS_ENDED] = True


def end_session(db: Session, row: SignInSession, cause: str) -> None:
    """End one session now: its access tokens, refresh tokens or cookie stop working at once."""
    if row.ended_at is None:
        row.ended_at = utcnow()
        row.end_cause = cause
        _note_sessions_ended(db)


def end_session_by_id(db: Session, session_id: uuid.UUID, cause: str) -> None:
    """End the session `session_id` (no-op when it has already ended)."""
    row = db.get(SignInSession, session_id)
    if row is not None:
        end_session(db, row, cause)


def end_sessions_of(db: Session, user_id: uuid.UUID, cause: str) -> int:
    """End every session of a user (password changed, deactivated); also the pre-session tokens. Returns how many."""
    now = utcnow()
    ended = db.execute(update(SignInSession)
                       .where(SignInSession.user_id == user_id, SignInSession.ended_at.is_(None))
                       .values(ended_at=now, end_cause=cause))
    db.execute(update(AccessToken)
               .where(AccessToken.user_id == user_id, AccessToken.session_id.is_(None),
                      AccessToken.revoked_at.is_(None))
               .values(revoked_at=now))
    _note_sessions_ended(db)
    return int(getattr(ended, "rowcount", 0) or 0)


def revoke_legacy_token(db: Session, token: str) -> None:
    """Revoke a bearer token issued before sessions existed (it has no session to end)."""
    _note_sessions_ended(db)
    db.execute(update(AccessToken).where(AccessToken.token_hash == digest(token), AccessToken.revoked_at.is_(None))
               .values(revoked_at=utcnow()))


def live_sessions(user_id: uuid.UUID) -> Select[SignInSession]:
    """A user's sessions that have neither ended nor expired, most recently used first."""
    return (select(SignInSession)
            .where(SignInSession.user_id == user_id, SignInSession.ended_at.is_(None),
                   SignInSession.expires_at > utcnow())
            .order_by(SignInSession.last_used_at.desc(), SignInSession.id))
