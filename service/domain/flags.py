"""Flags a manager must look at, raised and cleared by the rules in DOMAIN.md."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta

from service.domain.calendar import london_date, london_midnight
from service.domain.follow_up import FOLLOW_UP_AFTER, FollowUp
from service.domain.goals import GoalState, trailing_run
from service.domain.serialise import Serialisable
from service.domain.visits import Visit

EARLY_COMPLETION = "early_completion"
CONCERN = "concern"
STALLED = "stalled"
OVERDUE = "overdue"
FOLLOW_UP_DUE = "follow_up_due"
FLAG_NAMES = (EARLY_COMPLETION, CONCERN, STALLED, OVERDUE, FOLLOW_UP_DUE)

STALLED_WINDOW = 3


@dataclass(frozen=True)
class FlagState(Serialisable):
    """One raised flag; `acknowledged` once a manager has seen this raising of it."""

    flag: str
    raised_at: datetime
    detail: str
    acknowledged: bool


@dataclass(frozen=True)
class Acknowledgement:
    """A manager's FlagAcknowledged event."""

    flag: str
    sequence: int
    recorded_at: datetime


@dataclass(frozen=True)
class FlagFacts:
    """Everything about one episode that the flag rules read."""

    is_open: bool
    planned_end_on: date
    last_visit_at: datetime | None
    active_goals: Sequence[GoalState]
    visits: Sequence[Visit]
    follow_up: FollowUp | None
    acknowledgements: Sequence[Acknowledgement]
    today: date
    confirmations: int


def raise_flags(facts: FlagFacts) -> list[FlagState]:
    """Return the flags currently raised for the episode, in FLAG_NAMES order."""
    raised = [flag for rule in _RULES if (flag := rule(facts)) is not None]
    return [_acknowledged(flag, facts.acknowledgements) for flag in raised]


def _acknowledged(flag: FlagState, acknowledgements: Sequence[Acknowledgement]) -> FlagState:
    """Mark a flag acknowledged when a manager acknowledged it at or after it was raised."""
    if flag.flag == CONCERN:
        # Acknowledging a concern clears it, so a raised concern is never acknowledged.
        return flag
    seen = any(ack.flag == flag.flag and ack.recorded_at >= flag.raised_at for ack in acknowledgements)
    return replace(flag, acknowledged=seen)


def early_completion(facts: FlagFacts) -> FlagState | None:
    """Every active goal achieved while the latest visit is before the planned end."""
    goals = facts.active_goals
    if (
        not facts.is_open
        or not goals
        or not all(goal.achieved for goal in goals)
        or facts.last_visit_at is None
        or london_date(facts.last_visit_at) >= facts.planned_end_on
    ):
        return None
    # A goal became achieved at the observation that completed its confirmations.
    raised_at = max(
        trailing_run(goal.observations, goal.target_level)[facts.confirmations - 1].occurred_at for goal in goals
    )
    return _flag(
        EARLY_COMPLETION,
        raised_at,
        f"Every active goal achieved before the planned end on {facts.planned_end_on.isoformat()}",
    )


def concern(facts: FlagFacts) -> FlagState | None:
    """A visit arrived with concerns after the latest concern acknowledgement."""
    acknowledged_up_to = max(
        (ack.sequence for ack in facts.acknowledgements if ack.flag == CONCERN),
        default=None,
    )
    visits = [
        visit
        for visit in facts.visits
        if visit.concerns and (acknowledged_up_to is None or visit.sequence > acknowledged_up_to)
    ]
    if not visits:
        return None
    codes = sorted({code for visit in visits for code in visit.concerns})
    return _flag(CONCERN, visits[0].occurred_at, f"Concerns reported: {', '.join(codes)}")


def stalled(facts: FlagFacts) -> FlagState | None:
    """An unmet active goal whose latest level is no better than two observations before."""
    if not facts.is_open:
        return None
    goals = [
        goal
        for goal in facts.active_goals
        if not goal.met
        and len(goal.observations) >= STALLED_WINDOW
        and goal.observations[-1].level <= goal.observations[-STALLED_WINDOW].level
    ]
    if not goals:
        return None
    return _flag(
        STALLED,
        min(goal.observations[-1].occurred_at for goal in goals),
        f"No progress over the last {STALLED_WINDOW} observations: " + "; ".join(goal.description for goal in goals),
    )


def overdue(facts: FlagFacts) -> FlagState | None:
    """The episode is still open after its planned end date."""
    if not facts.is_open or facts.today <= facts.planned_end_on:
        return None
    return _flag(
        OVERDUE,
        london_midnight(facts.planned_end_on + timedelta(days=1)),
        f"Planned end on {facts.planned_end_on.isoformat()} has passed",
    )


def follow_up_due(facts: FlagFacts) -> FlagState | None:
    """An eligible episode reached its follow-up date with no follow-up recorded."""
    follow_up = facts.follow_up
    if follow_up is None or follow_up.assessed_on is not None or facts.today < follow_up.due_on:
        return None
    return _flag(
        FOLLOW_UP_DUE,
        london_midnight(follow_up.due_on),
        f"{FOLLOW_UP_AFTER.days}-day follow-up due on {follow_up.due_on.isoformat()}",
    )


def _flag(name: str, raised_at: datetime, detail: str) -> FlagState:
    """Return an unacknowledged flag raised at the given moment (stored in UTC)."""
    return FlagState(
        flag=name,
        raised_at=raised_at.astimezone(UTC),
        detail=detail,
        acknowledged=False,
    )


_RULES: tuple[Callable[[FlagFacts], FlagState | None], ...] = (
    early_completion,
    concern,
    stalled,
    overdue,
    follow_up_due,
)
