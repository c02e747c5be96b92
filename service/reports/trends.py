"""Month-by-month figures of completed episodes (Done, by `ended_on`) from derived state, for the dashboard."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.domain.metrics import independent_pct, is_independent, round_2dp
from service.models import EpisodeState
from service.reports.service import Period

S = EpisodeState


@dataclass(frozen=True)
class MonthTrend:
    """One calendar month (clipped to the period): completions, mean length of stay, % independent."""

    month: date
    completions: int
    mean_length_of_stay_days: float | None
    independent_pct: float | None

    @property
    def label(self) -> str:
        """The month as e.g. 'Mar 26'."""
        return f"{self.month:%b %y}"


def months_of(period: Period) -> list[date]:
    """The first day of every calendar month the period touches."""
    months, month = [], period.start.replace(day=1)
    while month <= period.end:
        months.append(month)
        month = month.replace(year=month.year + month.month // 12, month=month.month % 12 + 1)
    return months


def monthly_trend(session: Session, provider_id: uuid.UUID | None, period: Period) -> list[MonthTrend]:
    """Done episodes ended in the period (one provider, or all when None), month by month."""
    statement = select(S.ended_on, S.length_of_stay_days, S.end_need_hours_per_week).where(
        S.ended_on.between(period.start, period.end), S.completed.is_(True))
    if provider_id is not None:
        statement = statement.where(S.provider_id == provider_id)
    buckets: dict[date, list[tuple[int | None, float | None]]] = {month: [] for month in months_of(period)}
    for ended_on, stay, end_need in session.execute(statement):
        if ended_on is not None:  # always set: the WHERE clause keeps only ended episodes
            buckets[ended_on.replace(day=1)].append((stay, end_need))
    trend = []
    for month, rows in buckets.items():
        stays = [stay for stay, _ in rows if stay is not None]
        independent = sum(1 for _, end_need in rows if is_independent(end_need))
        trend.append(MonthTrend(
            month=month, completions=len(rows),
            mean_length_of_stay_days=round_2dp(sum(stays) / len(stays)) if stays else None,
            independent_pct=independent_pct(independent, len(rows)).value))
    return trend
