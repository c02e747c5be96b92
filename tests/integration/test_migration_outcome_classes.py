"""Migration 0008 fills the stored outcome classes of existing rows as `outcome_classes` says, and goes back down."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import Engine, create_engine, insert, inspect, select, text

from service.cli.db import alembic_config
from service.domain.outcomes import OUTCOMES, outcome_classes
from service.models import Episode, EpisodeState, Provider, utcnow
from tests.conftest import new_postgres_database

CLASS_COLUMNS = ("completed", "ascof_2a_numerator", "ascof_2a_denominator")


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """An engine on a new, empty database (no schema at all)."""
    if request.param == "sqlite":
        engine = create_engine(f"sqlite:///{tmp_path / 'db.sqlite3'}")
        yield engine
        engine.dispose()
        return
    with new_postgres_database("reablement_migration") as url:
        engine = create_engine(url)
        yield engine
        engine.dispose()


def _migrate(engine: Engine, revision: str, down: bool = False) -> None:
    """Upgrade (or downgrade) the database to `revision` in one transaction."""
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        (command.downgrade if down else command.upgrade)(config, revision)


def _insert_states_at_0007(engine: Engine, outcomes: list[str | None]) -> list[uuid.UUID]:
    """One episode and episode_states row per outcome (None: open), written without the 0008 columns."""
    now, ids = utcnow(), [uuid.uuid4() for _ in outcomes]
    provider_id = uuid.uuid4()
    with engine.begin() as connection:
        connection.execute(insert(Provider.__table__),
                           {"id": provider_id, "name": "Migration provider", "kind": "in_house", "created_at": now})
        connection.execute(insert(Episode.__table__), [
            {"id": episode_id, "provider_id": provider_id, "person_ref": f"P-{n}", "status": "closed",
             "started_on": date(2026, 1, 1), "ended_on": None, "version": 1, "last_hash": "0" * 64, "opened_at": now}
            for n, episode_id in enumerate(ids)])
        connection.execute(insert(EpisodeState.__table__), [
            {"episode_id": episode_id, "provider_id": provider_id, "projected_version": 1, "refreshed_at": now,
             "person_ref": f"P-{n}", "age_at_referral": 80, "referral_source": "community",
             "referred_on": date(2026, 1, 1), "started_on": date(2026, 1, 1), "planned_end_on": date(2026, 2, 12),
             "hospital_discharge_on": None, "status": "open" if outcome is None else "closed",
             "ended_on": None if outcome is None else date(2026, 2, 1),
             "length_of_stay_days": None if outcome is None else 31, "start_need_hours_per_week": 10.0,
             "end_need_hours_per_week": None if outcome is None else 0.0, "outcome": outcome,
             "cessation_reason": None, "follow_up_eligible": False, "follow_up_status": None,
             "follow_up_assessed_on": None, "visits": 1, "contact_minutes": 60, "last_visit_at": None,
             "gas_t_score": None, "active_goals": 1, "achieved_goals": 0, "document": {}, "fold": None}
            for n, (episode_id, outcome) in enumerate(zip(ids, outcomes, strict=True))])
    return ids


def _closures_index(engine: Engine) -> str | None:
    """The PostgreSQL definition of the closures index (None elsewhere)."""
    if engine.dialect.name != "postgresql":
        return None
    with engine.connect() as connection:
        return str(connection.execute(text(
            "SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_episode_states_ended_on_provider'")).scalar_one())


def test_0008_fills_the_classes_of_existing_rows_and_downgrades(empty_engine: Engine) -> None:
    _migrate(empty_engine, "0007")
    index_before = _closures_index(empty_engine)
    outcomes: list[str | None] = [*OUTCOMES, None]
    ids = _insert_states_at_0007(empty_engine, outcomes)

    _migrate(empty_engine, "0008")

    table = EpisodeState.__table__
    with empty_engine.connect() as connection:
        stored = {row.episode_id: tuple(row[1:]) for row in connection.execute(
            select(table.c.episode_id, *(table.c[name] for name in CLASS_COLUMNS)))}
    for episode_id, outcome in zip(ids, outcomes, strict=True):
        classes = outcome_classes(outcome)
        assert stored[episode_id] == (classes.completed, classes.ascof_2a_numerator, classes.ascof_2a_denominator)
    columns = {column["name"]: column for column in inspect(empty_engine).get_columns("episode_states")}
    assert all(not columns[name]["nullable"] for name in CLASS_COLUMNS)
    if index_before is not None:
        index_after = _closures_index(empty_engine)
        assert index_after is not None
        assert index_after == index_before.replace(
            "contact_minutes)", "contact_minutes, completed, ascof_2a_numerator, ascof_2a_denominator)")

    _migrate(empty_engine, "0007", down=True)

    columns = {column["name"]: column for column in inspect(empty_engine).get_columns("episode_states")}
    assert not set(CLASS_COLUMNS) & columns.keys()
    assert _closures_index(empty_engine) == index_before
    with empty_engine.connect() as connection:
        assert connection.execute(select(text("count(*)")).select_from(text("episode_states"))).scalar_one() == len(ids)
