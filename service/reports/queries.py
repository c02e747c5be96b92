"""SQL aggregation over the derived `episode_states` rows (never replaying events), SQLite and PostgreSQL."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, and_, func, select
from sqlalchemy.orm import Session

from service.domain.metrics import Aggregates
from service.models import EpisodeState, Provider

S = EpisodeState

_INTEGER_FIELDS = frozenset(
    {"episodes_closed", "episodes_completed", "length_of_stay_n", "independent", "ascof_2a_numerator",
     "ascof_2a_denominator", "follow_ups_recorded", "follow_ups_at_home", "follow_ups_pending",
     "active_goals", "achieved_goals", "gas_t_score_n"}
)

Key = uuid.UUID | None


def _closure_columns(postgres: bool) -> list[Any]:
    """The aggregates over C and Done; PostgreSQL also takes the median in the same pass.

    Done and the ASCOF 2A groups are the stored outcome classes (`outcome_classes`), booleans the
    covering index carries: no per-row comparison of the outcome against lists.
    """
    done = S.completed
    columns = [
        func.count().label("episodes_closed"),
        func.count().filter(done).label("episodes_completed"),
        func.count(S.length_of_stay_days).filter(done).label("length_of_stay_n"),
        func.sum(S.length_of_stay_days).filter(done).label("length_of_stay_sum"),
        func.sum(S.start_need_hours_per_week).filter(done).label("start_need_sum"),
        func.sum(S.end_need_hours_per_week).filter(done).label("end_need_sum"),
        # SQL form of service.domain.metrics.is_independent.
        func.count().filter(and_(done, S.end_need_hours_per_week == 0)).label("independent"),
        func.count().filter(S.ascof_2a_numerator).label("ascof_2a_numerator"),
        func.count().filter(S.ascof_2a_denominator).label("ascof_2a_denominator"),
        func.sum(S.active_goals).filter(done).label("active_goals"),
        func.sum(S.achieved_goals).filter(done).label("achieved_goals"),
        func.count(S.gas_t_score).filter(done).label("gas_t_score_n"),
        func.sum(S.gas_t_score).filter(done).label("gas_t_score_sum"),
        func.sum(S.contact_minutes).filter(done).label("contact_minutes_sum"),
    ]
    if postgres:
        # percentile_cont interpolates: the mean of the two middle values for even counts.
        columns.append(func.percentile_cont(0.5).within_group(S.length_of_stay_days).filter(done)
                       .label("length_of_stay_median"))
    return columns


_FOLLOW_UP_COLUMNS = (
    func.count(S.follow_up_status).label("follow_ups_recorded"),
    func.count().filter(S.follow_up_status == "at_home").label("follow_ups_at_home"),
    func.count().filter(S.follow_up_status.is_(None)).label("follow_ups_pending"),
)


def _provider_filter(provider_id: uuid.UUID | None) -> list[ColumnElement[bool]]:
    """No filter for every provider, else provider_id = the one asked for."""
    return [] if provider_id is None else [S.provider_id == provider_id]


def _grouped_rows(session: Session, columns: Sequence[Any], source: Any, where: list[ColumnElement[bool]],
                  grouped: bool) -> dict[Key, dict[str, Any]]:
    """Run one aggregate SELECT over `source`, grouped by provider or not, keyed by provider id (None: not)."""
    if grouped:
        statement = select(source.c.provider_id, *columns).where(*where).group_by(source.c.provider_id)
        return {row.provider_id: dict(row._mapping) for row in session.execute(statement)}
    row = session.execute(select(*columns).select_from(source).where(*where)).one()
    return {None: dict(row._mapping)}


def _sqlite_median(session: Session, where: list[ColumnElement[bool]], n: int) -> float | None:
    """Median length of stay over Done by ORDER BY/LIMIT/OFFSET: the middle row, or the mean of the middle two."""
    if n == 0:
        return None
    statement = (
        select(S.length_of_stay_days)
        .where(*where, S.completed.is_(True), S.length_of_stay_days.is_not(None))
        .order_by(S.length_of_stay_days)
        .limit(2 - n % 2)
        .offset((n - 1) // 2)
    )
    middle = [int(days) for days in session.execute(statement).scalars() if days is not None]
    return sum(middle) / len(middle)


def _as_aggregates(values: dict[str, Any]) -> Aggregates:
    """Turn one result row's values (NULL sums over no rows) into `Aggregates`."""
    fields: dict[str, Any] = {}
    for name, value in values.items():
        if name == "provider_id":
            continue
        if name == "length_of_stay_median":
            fields[name] = None if value is None else float(value)
        elif name in _INTEGER_FIELDS:
            fields[name] = int(value or 0)
        else:
            fields[name] = float(value or 0)
    return Aggregates(**fields)


def _aggregate(session: Session, start: date, end: date, provider_id: uuid.UUID | None,
               grouped: bool) -> dict[Key, Aggregates]:
    """Closed-episode and 91-day follow-up aggregates for the period, per provider or in total."""
    postgres = session.get_bind().dialect.name == "postgresql"
    closed_where = [S.ended_on.between(start, end), *_provider_filter(provider_id)]
    closed = _grouped_rows(session, _closure_columns(postgres), S.__table__, closed_where, grouped)
    follow_up_where = [S.hospital_discharge_on.between(start, end), S.follow_up_eligible.is_(True),
                       *_provider_filter(provider_id)]
    follow_ups = _grouped_rows(session, _FOLLOW_UP_COLUMNS, S.__table__, follow_up_where, grouped)
    result: dict[Key, Aggregates] = {}
    for key in closed.keys() | follow_ups.keys():
        values = {**closed.get(key, {}), **follow_ups.get(key, {})}
        if not postgres and values.get("length_of_stay_n"):
            median_where = [*closed_where, *([] if key is None else [S.provider_id == key])]
            values["length_of_stay_median"] = _sqlite_median(session, median_where, values["length_of_stay_n"])
        result[key] = _as_aggregates(values)
    return result


def aggregate_period(session: Session, start: date, end: date, provider_id: uuid.UUID | None = None) -> Aggregates:
    """The aggregates of one provider (or of all when None) over the period [start, end]."""
    return _aggregate(session, start, end, provider_id, grouped=False)[None]


def aggregate_period_by_provider(session: Session, start: date, end: date) -> dict[uuid.UUID, Aggregates]:
    """The aggregates of every provider with any episode in the population, keyed by provider id."""
    return {key: value for key, value in _aggregate(session, start, end, None, grouped=True).items()
            if key is not None}


def closed_episodes(session: Session, start: date, end: date, provider_id: uuid.UUID | None) -> list[dict[str, Any]]:
    """The closed episodes whose `ended_on` falls in the period, oldest closure first."""
    statement = (
        select(S.person_ref, S.started_on, S.ended_on, S.outcome, S.cessation_reason, S.start_need_hours_per_week,
               S.end_need_hours_per_week, S.length_of_stay_days)
        .where(S.ended_on.between(start, end), *_provider_filter(provider_id))
        .order_by(S.ended_on, S.person_ref, S.episode_id)
    )
    return [row._asdict() for row in session.execute(statement)]


def providers(session: Session) -> list[tuple[uuid.UUID, str]]:
    """Every provider's id and name, by name."""
    return [(row.id, row.name) for row in session.execute(select(Provider.id, Provider.name).order_by(Provider.name))]


def provider_exists(session: Session, provider_id: uuid.UUID) -> bool:
    """Whether a provider with this id exists."""
    return session.get(Provider, provider_id) is not None
