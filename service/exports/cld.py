"""The CLD extract and its pre-submission check for the providers a viewer may see (reads derived rows only)."""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from dataclasses import asdict
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from service.domain.cld import (
    ERROR,
    StMaxEpisode,
    Submission,
    check_episode,
    check_submission,
    service_row,
)
from service.models import EpisodeState, Provider
from service.reports.service import Period, Viewer, visible_provider

S = EpisodeState


def submission_for(settings: Mapping[str, Any], period: Period) -> Submission:
    """The return's shared fields: LA_CODE from the settings and the reporting period."""
    return Submission(la_code=str(settings.get("LA_CODE") or ""), period_start=period.start,
                      period_end=period.end)


def person_ref_pattern(settings: Mapping[str, Any]) -> re.Pattern[str] | None:
    """The configured PERSON_REF_PATTERN, compiled (None when unset)."""
    pattern = settings.get("PERSON_REF_PATTERN")
    return re.compile(pattern) if pattern else None


def st_max_episodes(session: Session, period: Period, provider_id: uuid.UUID | None) -> list[StMaxEpisode]:
    """Episodes whose reablement ran at any time in the period, by start date.

    That is every episode ending in the period, every episode still open that started on or
    before its last day, and those that ended after it (shown as open at the period end), as
    CLD asks for every service event open at some point in the reporting period.
    """
    statement = (
        select(S.episode_id, S.person_ref, Provider.kind, S.started_on, S.ended_on, S.outcome, S.cessation_reason)
        .join(Provider, Provider.id == S.provider_id)
        .where(S.started_on <= period.end, or_(S.ended_on.is_(None), S.ended_on >= period.start))
        .order_by(S.started_on, S.person_ref, S.episode_id)
    )
    if provider_id is not None:
        statement = statement.where(S.provider_id == provider_id)
    return [
        StMaxEpisode(episode_id=str(row.episode_id), person_ref=row.person_ref, provider_kind=row.kind,
                     started_on=row.started_on, ended_on=row.ended_on, outcome=row.outcome,
                     cessation_reason=row.cessation_reason)
        for row in session.execute(statement)
    ]


def cld_rows(session: Session, viewer: Viewer, period: Period, requested: uuid.UUID | None,
             settings: Mapping[str, Any]) -> list[dict[str, str]]:
    """The CLD Release 2 ST-Max rows of the period (ReportNotVisible for another provider)."""
    provider_id = visible_provider(session, viewer, requested)
    submission = submission_for(settings, period)
    return [service_row(episode, submission) for episode in st_max_episodes(session, period, provider_id)]


def cld_check(session: Session, viewer: Viewer, period: Period, requested: uuid.UUID | None,
              settings: Mapping[str, Any]) -> dict[str, Any]:
    """Everything to fix (errors) or confirm (warnings) before the period's rows are submitted."""
    provider_id = visible_provider(session, viewer, requested)
    submission = submission_for(settings, period)
    pattern = person_ref_pattern(settings)
    episodes = st_max_episodes(session, period, provider_id)
    problems = check_submission(submission)
    for episode in episodes:
        problems.extend(check_episode(episode, submission, pattern))
    errors = sum(1 for problem in problems if problem.severity == ERROR)
    return {
        "from": period.start, "to": period.end, "provider_id": provider_id, "la_code": submission.la_code or None,
        "person_ref_pattern": pattern.pattern if pattern else None, "rows": len(episodes),
        "errors": errors, "warnings": len(problems) - errors, "ready": errors == 0,
        "problems": [asdict(problem) for problem in problems],
    }
