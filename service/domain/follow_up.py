"""The 91-day follow-up after a hospital discharge (ASCOF 2B(1)) and who is eligible for it."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from service.domain.events import FOLLOW_UP_RECORDED, StoredEvent, parse_date
from service.domain.serialise import Serialisable

FOLLOW_UP_AFTER = timedelta(days=91)
FOLLOW_UP_MIN_AGE = 65
HOSPITAL_DISCHARGE = "hospital_discharge"


@dataclass(frozen=True)
class FollowUp(Serialisable):
    """When the follow-up is due and, once recorded, where the person was."""

    due_on: date
    status: str | None
    assessed_on: date | None


def is_follow_up_eligible(referral_source: str, age_at_referral: int) -> bool:
    """Whether an episode has a 91-day follow-up: hospital discharges of people aged 65 or over."""
    return referral_source == HOSPITAL_DISCHARGE and age_at_referral >= FOLLOW_UP_MIN_AGE


def follow_up_due_on(referral_source: str, age_at_referral: int, hospital_discharge_on: date | None) -> date | None:
    """The first day a 91-day follow-up may be assessed: the discharge + 91 days; None when there is no follow-up."""
    if not is_follow_up_eligible(referral_source, age_at_referral) or hospital_discharge_on is None:
        return None
    return hospital_discharge_on + FOLLOW_UP_AFTER


def read_follow_up(
    *,
    referral_source: str,
    age_at_referral: int,
    hospital_discharge_on: date | None,
    events: Iterable[StoredEvent],
) -> FollowUp | None:
    """Return the episode's follow-up, or None when the episode is not eligible for one."""
    due_on = follow_up_due_on(referral_source, age_at_referral, hospital_discharge_on)
    if due_on is None:
        return None
    follow_up = FollowUp(due_on=due_on, status=None, assessed_on=None)
    for event in events:
        if event.type == FOLLOW_UP_RECORDED:
            follow_up = FollowUp(
                due_on=follow_up.due_on,
                status=event.data["status"],
                assessed_on=parse_date(event.data["assessed_on"]),
            )
    return follow_up
