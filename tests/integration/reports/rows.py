"""Derived episode rows for report tests, inserted directly (with their stream heads) and read back as plain data."""

from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta

from flask import Flask

from service.database import db
from service.domain.outcomes import outcome_classes
from service.models import Episode, EpisodeState, utcnow


@dataclass
class Row:
    """One episode's derived state, with the defaults of an unremarkable closed community episode."""

    provider_id: uuid.UUID
    ended_on: date | None = date(2026, 3, 15)
    length_of_stay_days: int | None = 42
    start_need: float = 10.0
    end_need: float | None = 0.0
    outcome: str | None = "no_services_no_identified_needs"
    cessation_reason: str | None = None
    referral_source: str = "community"
    age: int = 80
    hospital_discharge_on: date | None = None
    follow_up_status: str | None = None
    contact_minutes: int = 600
    gas_t_score: float | None = 55.0
    active_goals: int = 2
    achieved_goals: int = 1
    person_ref: str = field(default_factory=lambda: f"P-{uuid.uuid4().hex[:8]}")
    episode_id: uuid.UUID = field(default_factory=uuid.uuid4)

    open_since: date = date(2026, 1, 1)

    @property
    def started_on(self) -> date:
        """ended_on − length of stay (or `open_since` for open episodes)."""
        if self.ended_on is None or self.length_of_stay_days is None:
            return self.open_since
        return self.ended_on - timedelta(days=self.length_of_stay_days)

    @property
    def follow_up_eligible(self) -> bool:
        """Hospital discharge, 65 or over, with a discharge date (as the projection decides)."""
        return (self.referral_source == "hospital_discharge" and self.age >= 65
                and self.hospital_discharge_on is not None)


def insert_rows(app: Flask, rows: list[Row]) -> None:
    """Insert each row's `episodes` head and `episode_states` row."""
    now = utcnow()
    with app.app_context(), db.transaction() as session:
        for row in rows:
            status = "open" if row.ended_on is None else "closed"
            session.add(Episode(id=row.episode_id, provider_id=row.provider_id, person_ref=row.person_ref,
                                status=status, started_on=row.started_on, ended_on=row.ended_on, version=1,
                                last_hash="0" * 64, opened_at=now))
        session.flush()
        for row in rows:
            closed = row.ended_on is not None
            session.add(EpisodeState(
                episode_id=row.episode_id, provider_id=row.provider_id, projected_version=1, refreshed_at=now,
                person_ref=row.person_ref, age_at_referral=row.age, referral_source=row.referral_source,
                referred_on=row.started_on, started_on=row.started_on,
                planned_end_on=row.started_on + timedelta(days=42),
                hospital_discharge_on=row.hospital_discharge_on, status="closed" if closed else "open",
                ended_on=row.ended_on, length_of_stay_days=row.length_of_stay_days if closed else None,
                start_need_hours_per_week=row.start_need, end_need_hours_per_week=row.end_need if closed else None,
                outcome=row.outcome if closed else None, **asdict(outcome_classes(row.outcome if closed else None)),
                cessation_reason=row.cessation_reason if closed else None, follow_up_eligible=row.follow_up_eligible,
                follow_up_status=row.follow_up_status, follow_up_assessed_on=None, visits=3,
                contact_minutes=row.contact_minutes, last_visit_at=None, gas_t_score=row.gas_t_score,
                active_goals=row.active_goals, achieved_goals=row.achieved_goals, document={},
            ))
