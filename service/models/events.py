"""The append-only event log and the per-episode stream heads."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Date,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
    Uuid,
)
from sqlalchemy.orm import Mapped, mapped_column

from service.models.base import Base, UTCDateTime

# SQLite only auto-increments a column declared exactly INTEGER PRIMARY KEY.
SequenceInteger = BigInteger().with_variant(Integer(), "sqlite")


class Episode(Base):
    """The head of one episode's stream: the write-side facts appends are checked against.

    Kept in the same transaction as every append; the row lock on it is what
    serialises appends to one stream so versions have no gaps.
    """

    __tablename__ = "episodes"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    provider_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("providers.id"), index=True)
    person_ref: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(10), index=True)
    started_on: Mapped[date] = mapped_column(Date)
    ended_on: Mapped[date | None] = mapped_column(Date)
    version: Mapped[int] = mapped_column(Integer)
    last_hash: Mapped[str] = mapped_column(String(64))
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # EpisodeFacts.to_snapshot() of the non-visit events, kept by every append that changes them; NULL: fold.
    facts: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class Event(Base):
    """One immutable event; UPDATE and DELETE are refused by database triggers."""

    __tablename__ = "events"
    __table_args__ = (UniqueConstraint("episode_id", "version", name="uq_events_episode_version"),)

    sequence: Mapped[int] = mapped_column(SequenceInteger, primary_key=True, autoincrement=False)
    id: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True)
    # Indexed by the (episode_id, version) unique constraint.
    episode_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("episodes.id"))
    version: Mapped[int] = mapped_column(Integer)
    type: Mapped[str] = mapped_column(String(40))
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    actor_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
    # The client-supplied id that makes an append idempotent (a visit's id).
    idempotency_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    # SHA-256 of the request content the key was first used with.
    content_hash: Mapped[str | None] = mapped_column(String(64))


class EpisodeWorker(Base):
    """A worker currently assigned to an episode (write-side, kept with each append)."""

    __tablename__ = "episode_workers"

    episode_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("episodes.id"), primary_key=True)
    worker_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), primary_key=True, index=True)
