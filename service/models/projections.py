"""Derived state: one row per episode and its open flags, rebuilt from the log at will."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Date, Float, ForeignKey, Index, Integer, String, Text, Uuid, false
from sqlalchemy.orm import Mapped, mapped_column

from service.models.base import Base, UTCDateTime


class EpisodeState(Base):
    """An episode's derived state as of `projected_version`; reports aggregate over these rows."""

    __tablename__ = "episode_states"
    __table_args__ = (
        Index("ix_episode_states_ended_on_provider", "ended_on", "provider_id"),
        Index("ix_episode_states_discharge_provider", "hospital_discharge_on", "provider_id"),
    )

    episode_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("episodes.id"), primary_key=True)
    provider_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    projected_version: Mapped[int] = mapped_column(Integer)
    refreshed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    person_ref: Mapped[str] = mapped_column(String(64))
    age_at_referral: Mapped[int] = mapped_column(Integer)
    referral_source: Mapped[str] = mapped_column(String(30))
    referred_on: Mapped[date] = mapped_column(Date)
    started_on: Mapped[date] = mapped_column(Date)
    planned_end_on: Mapped[date] = mapped_column(Date)
    hospital_discharge_on: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(10))
    ended_on: Mapped[date | None] = mapped_column(Date)
    length_of_stay_days: Mapped[int | None] = mapped_column(Integer)
    start_need_hours_per_week: Mapped[float] = mapped_column(Float)
    end_need_hours_per_week: Mapped[float | None] = mapped_column(Float)
    outcome: Mapped[str | None] = mapped_column(String(60))
    # Why reablement stopped early, for the two early cessations CLD splits (None: not given).
    cessation_reason: Mapped[str | None] = mapped_column(String(30))
    # The outcome's report classes (service.domain.outcomes.outcome_classes), stored so the report
    # filters on booleans the covering index carries instead of three IN lists per row.
    # Measured with bench/report_bench.py (50,000 closed episodes, before/after runs alternated on
    # the shared 2-core machine): GET /reports/effectiveness median 32-33 -> 22-26 ms as a
    # commissioner, 17-18.5 -> 14.7-17 ms as a manager (one run at 20 under load); every response
    # value identical.
    completed: Mapped[bool] = mapped_column(Boolean, server_default=false())
    ascof_2a_numerator: Mapped[bool] = mapped_column(Boolean, server_default=false())
    ascof_2a_denominator: Mapped[bool] = mapped_column(Boolean, server_default=false())
    follow_up_eligible: Mapped[bool] = mapped_column(Boolean)
    follow_up_status: Mapped[str | None] = mapped_column(String(20))
    follow_up_assessed_on: Mapped[date | None] = mapped_column(Date)
    visits: Mapped[int] = mapped_column(Integer)
    contact_minutes: Mapped[int] = mapped_column(Integer)
    last_visit_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    gas_t_score: Mapped[float | None] = mapped_column(Float)
    active_goals: Mapped[int] = mapped_column(Integer)
    achieved_goals: Mapped[int] = mapped_column(Integer)
    # The full derived episode (goals, flags, ...) as the API shows it.
    document: Mapped[dict[str, Any]] = mapped_column(JSON)
    # The stream folded as of projected_version (service/domain/fold_json.py): a visit arriving
    # in order extends it instead of the whole stream being read again. NULL: fold the stream.
    fold: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class EpisodeFlag(Base):
    """A flag currently raised on an episode (rows come and go as derived state changes)."""

    __tablename__ = "episode_flags"
    __table_args__ = (Index("ix_episode_flags_provider_flag", "provider_id", "flag"),)

    episode_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("episodes.id"), primary_key=True)
    flag: Mapped[str] = mapped_column(String(30), primary_key=True)
    provider_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    person_ref: Mapped[str] = mapped_column(String(64))
    raised_at: Mapped[datetime] = mapped_column(UTCDateTime)
    detail: Mapped[str] = mapped_column(Text)
    acknowledged: Mapped[bool] = mapped_column(Boolean)
