"""The derived state of one episode, projected from its whole event stream."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from typing import Any

from service.domain.corrections import apply_corrections
from service.domain.events import (
    EPISODE_CLOSED,
    EPISODE_OPENED,
    FLAG_ACKNOWLEDGED,
    VISIT_RECORDED,
    WORKER_ASSIGNED,
    WORKER_UNASSIGNED,
    StoredEvent,
    parse_date,
    parse_optional_date,
)
from service.domain.flags import Acknowledgement, FlagFacts, FlagState, raise_flags
from service.domain.follow_up import FollowUp, read_follow_up
from service.domain.goal_definitions import ACTIVE, GoalDefinition, read_goal_definitions
from service.domain.goals import (
    GoalState,
    Observation,
    evaluate_goal,
    gas_t_score,
    observations_by_goal,
    with_visit_observations,
)
from service.domain.serialise import Serialisable
from service.domain.visits import Visit, read_visit, read_visits

OPEN = "open"
CLOSED = "closed"


@dataclass(frozen=True)
class DerivedEpisode(Serialisable):
    """Everything the service reports about one episode, derived from its events."""

    person_ref: str
    age_at_referral: int
    provider_id: str
    referral_source: str
    referred_on: date
    started_on: date
    planned_end_on: date
    hospital_discharge_on: date | None
    start_need_hours_per_week: float
    status: str
    ended_on: date | None
    end_need_hours_per_week: float | None
    outcome: str | None
    cessation_reason: str | None
    worker_ids: list[str]
    follow_up: FollowUp | None
    version: int
    visits: int
    contact_minutes: int
    last_visit_at: datetime | None
    gas_t_score: float | None
    active_goals: int
    achieved_goals: int
    goals: list[GoalState]
    flags: list[FlagState]


@dataclass(frozen=True)
class StreamFold:
    """What the projection reads from an episode's events, before any rule runs.

    `project_episode(events)` is `project_fold(fold_stream(events))`. A refresh
    keeps the fold beside the derived state, so that a visit arriving in order
    extends it (`with_visit`) instead of the whole stream being read and folded
    again; anything else (other event types, a visit older than the latest,
    corrections) is folded from the whole stream.
    """

    opened: dict[str, Any]
    closed: dict[str, Any] | None
    definitions: tuple[GoalDefinition, ...]
    visits: tuple[Visit, ...]  # in the order they happened: (occurred_at, sequence)
    follow_up: FollowUp | None
    acknowledgements: tuple[Acknowledgement, ...]
    worker_ids: tuple[str, ...]
    version: int
    # The visits' goal progress grouped by goal (`observations_by_goal(visits)`), kept with the
    # fold so that an in-order visit adds its observations instead of all being grouped again
    # (0.24 of 0.25 ms of projecting a stream of 150 visits went to grouping them).
    observations: dict[str, tuple[Observation, ...]]

    @classmethod
    def of(cls, *, opened: dict[str, Any], closed: dict[str, Any] | None, definitions: tuple[GoalDefinition, ...],
           visits: tuple[Visit, ...], follow_up: FollowUp | None, acknowledgements: tuple[Acknowledgement, ...],
           worker_ids: tuple[str, ...], version: int) -> StreamFold:
        """A fold of these parts, its observations grouped from `visits`."""
        return cls(opened, closed, definitions, visits, follow_up, acknowledgements, worker_ids, version,
                   observations_by_goal(visits))

    def with_visit(self, event: StoredEvent) -> StreamFold | None:
        """The fold with one more visit: only the stream's next event, and only a visit no older than the latest.

        Such a visit lands last in `visits`, exactly where folding the whole
        stream would put it; for any other event the answer is None (fold the stream).
        """
        if event.type != VISIT_RECORDED or event.version != self.version + 1:
            return None
        visit, latest = read_visit(event), self.visits[-1] if self.visits else None
        if latest is not None and (visit.occurred_at, visit.sequence) < (latest.occurred_at, latest.sequence):
            return None
        return replace(self, visits=(*self.visits, visit), version=event.version,
                       observations=with_visit_observations(self.observations, visit))


def fold_stream(events: Sequence[StoredEvent]) -> StreamFold:
    """Fold a whole stream, given in any order (corrections applied)."""
    effective = apply_corrections(events)
    opened = next((event.data for event in effective if event.type == EPISODE_OPENED), None)
    if opened is None:
        raise ValueError("the stream has no effective EpisodeOpened event")
    closed = next(
        (event.data for event in reversed(effective) if event.type == EPISODE_CLOSED),
        None,
    )
    return StreamFold.of(
        opened=opened,
        closed=closed,
        definitions=tuple(read_goal_definitions(effective)),
        visits=tuple(read_visits(effective)),
        follow_up=read_follow_up(
            referral_source=opened["referral_source"],
            age_at_referral=int(opened["age_at_referral"]),
            hospital_discharge_on=parse_optional_date(opened.get("hospital_discharge_on")),
            events=effective,
        ),
        acknowledgements=tuple(
            Acknowledgement(flag=event.data["flag"], sequence=event.sequence, recorded_at=event.recorded_at)
            for event in effective
            if event.type == FLAG_ACKNOWLEDGED
        ),
        worker_ids=tuple(_assigned_workers(effective)),
        version=max(event.version for event in events),
    )


def project_episode(events: Sequence[StoredEvent], *, today: date,
                    achievement_confirmations: int = 2) -> DerivedEpisode:
    """Return the episode's derived state from all its events, given in any order."""
    if achievement_confirmations < 1:
        raise ValueError("achievement_confirmations must be at least 1")
    return project_fold(fold_stream(events), today=today, achievement_confirmations=achievement_confirmations)


def project_fold(fold: StreamFold, *, today: date, achievement_confirmations: int = 2) -> DerivedEpisode:
    """Return the episode's derived state from its folded stream (the rules of DOMAIN.md)."""
    if achievement_confirmations < 1:
        raise ValueError("achievement_confirmations must be at least 1")
    opened, closed, visits, observations = fold.opened, fold.closed, fold.visits, fold.observations
    goals = [
        evaluate_goal(
            definition,
            observations.get(definition.id, ()),
            confirmations=achievement_confirmations,
        )
        for definition in fold.definitions
    ]
    active = [goal for goal in goals if goal.status == ACTIVE]
    planned_end_on = parse_date(opened["planned_end_on"])
    hospital_discharge_on = parse_optional_date(opened.get("hospital_discharge_on"))
    follow_up = fold.follow_up
    last_visit_at = visits[-1].occurred_at.astimezone(UTC) if visits else None
    flags = raise_flags(
        FlagFacts(
            is_open=closed is None,
            planned_end_on=planned_end_on,
            last_visit_at=last_visit_at,
            active_goals=active,
            visits=visits,
            follow_up=follow_up,
            acknowledgements=fold.acknowledgements,
            today=today,
            confirmations=achievement_confirmations,
        )
    )
    return DerivedEpisode(
        person_ref=opened["person_ref"],
        age_at_referral=int(opened["age_at_referral"]),
        provider_id=opened["provider_id"],
        referral_source=opened["referral_source"],
        referred_on=parse_date(opened["referred_on"]),
        started_on=parse_date(opened["started_on"]),
        planned_end_on=planned_end_on,
        hospital_discharge_on=hospital_discharge_on,
        start_need_hours_per_week=float(opened["start_need_hours_per_week"]),
        status=OPEN if closed is None else CLOSED,
        ended_on=None if closed is None else parse_date(closed["ended_on"]),
        end_need_hours_per_week=None if closed is None else float(closed["end_need_hours_per_week"]),
        outcome=None if closed is None else closed["outcome"],
        cessation_reason=None if closed is None else closed.get("cessation_reason"),
        worker_ids=list(fold.worker_ids),
        follow_up=follow_up,
        version=fold.version,
        visits=len(visits),
        contact_minutes=sum(visit.duration_minutes for visit in visits),
        last_visit_at=last_visit_at,
        gas_t_score=gas_t_score([goal.gas_score for goal in active]),
        active_goals=len(active),
        achieved_goals=sum(goal.achieved for goal in active),
        goals=goals,
        flags=flags,
    )


def _assigned_workers(events: Sequence[StoredEvent]) -> list[str]:
    """Return the ids of the workers assigned at the end of the stream, sorted."""
    assigned: set[str] = set()
    for event in events:
        if event.type == WORKER_ASSIGNED:
            assigned.add(event.data["worker_id"])
        elif event.type == WORKER_UNASSIGNED:
            assigned.discard(event.data["worker_id"])
    return sorted(assigned)
