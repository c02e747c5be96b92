"""Providers, users, sign-in sessions with their access and refresh tokens, and failed sign-ins."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Uuid, true
from sqlalchemy.orm import Mapped, mapped_column

from service.models.base import Base, UTCDateTime, utcnow

ROLES = ("worker", "manager", "commissioner", "admin")
PROVIDER_KINDS = ("in_house", "external")
# A device session lives on a phone (bearer tokens, renewed with refresh tokens); a web session is a browser's cookie.
SESSION_KINDS = ("device", "web")


class Provider(Base):
    """An organisation delivering reablement (in-house team or external agency)."""

    __tablename__ = "providers"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class User(Base):
    """A person who signs in: worker, manager, commissioner or admin."""

    __tablename__ = "users"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    username: Mapped[str] = mapped_column(String(150), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    provider_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("providers.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # A deactivated user cannot sign in and every session of theirs has ended; their history stays.
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())


class SignInSession(Base):
    """One sign-in on one device or browser; ending it stops every token and cookie that belongs to it."""

    __tablename__ = "sessions"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    user_agent: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Device sessions: when the newest refresh token expires (it moves on with every refresh).
    # Web sessions: when the cookie stops being accepted, however active the browser is.
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Why it ended: signed_out, revoked, refresh_token_reused, password_changed or deactivated.
    end_cause: Mapped[str | None] = mapped_column(String(30))


class RefreshToken(Base):
    """A single-use refresh token of a device session, stored only as its SHA-256 hash.

    Spent tokens are kept: presenting one again is how a stolen copy is detected. Each spent
    token names the token that replaced it, so a phone that lost the answer to a refresh can
    retry with the spent token for a short while, as long as that replacement was never used.
    """

    __tablename__ = "refresh_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    session_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("sessions.id"), index=True)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    spent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The token issued when this one was spent (None while unspent, and for tokens spent before revision 0007).
    replaced_by_id: Mapped[int | None] = mapped_column(ForeignKey("refresh_tokens.id"))


class AccessToken(Base):
    """An opaque bearer token, stored only as its SHA-256 hash; it works while its session lives."""

    __tablename__ = "access_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), index=True)
    # Tokens issued before sessions existed have none; they expire within a day of the upgrade.
    session_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("sessions.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class LoginFailure(Base):
    """One failed sign-in, kept to throttle guessing across every process."""

    __tablename__ = "login_failures"
    __table_args__ = (Index("ix_login_failures_username_failed_at", "username", "failed_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(150))
    failed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
