"""Every refusal the service makes, as one hierarchy of domain errors.

Services raise these and know nothing of HTTP. Each class has a stable
snake_case `reason` a client can branch on; `service/errors.py` is the one
place that turns the kind of refusal (the kinds below) into an HTTP status and the standard error body.
"""

from __future__ import annotations

from typing import Any, ClassVar


class DomainError(Exception):
    """A request the domain refuses; `field` names the culprit, `errors` says what is wrong with each field."""

    reason: ClassVar[str] = "refused"

    def __init__(self, message: str, field: str | None = None, errors: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.errors = errors if errors is not None else ({field: [message]} if field else {})


# The kinds of refusal: each maps to one HTTP status.


class Invalid(DomainError):
    """Content that breaks a rule."""

    reason = "invalid"


class OccurredInFuture(Invalid):
    """A visit dated more than a few minutes after the server's clock (the phone's clock is usually fast).

    Not a fault of the visit itself: the same visit is accepted once its time has come, so apps keep it queued.
    """

    reason = "occurred_in_future"


class NotFound(DomainError):
    """Missing, or not visible to the caller (never reveal another provider's records)."""

    reason = "not_found"


class Forbidden(DomainError):
    """Signed in, but this role or user may not do it."""

    reason = "forbidden"


class Conflict(DomainError):
    """Contradicts what is already recorded."""

    reason = "conflict"


class StaleVersion(DomainError):
    """The caller wrote against an older version of the episode than the current one."""

    reason = "stale_version"


class Unauthenticated(DomainError):
    """No usable credentials, or credentials the service does not accept."""

    reason = "unauthenticated"


class InvalidCredentials(Unauthenticated):
    """A sign-in with an unknown username or the wrong password."""

    reason = "invalid_credentials"


class TooManySignIns(DomainError):
    """Sign-ins for this username are paused after repeated failures; `retry_after`: seconds until the next try."""

    reason = "too_many_sign_ins"
    retry_after: int | None = None


# Specific refusals a client may want to tell apart.


class NoSuchEpisode(NotFound):
    """No episode with this id that the caller may see."""

    reason = "no_such_episode"


class NotAssigned(NotFound):
    """A worker writing to an episode they were not assigned to at the time (looks like a missing episode)."""

    reason = "not_assigned"


class NoSuchGoal(NotFound):
    """No goal with this id in the episode."""

    reason = "no_such_goal"


class NoSuchEvent(NotFound):
    """No event with this id that the caller may see."""

    reason = "no_such_event"


class NoSuchProvider(NotFound):
    """No provider with this id that the caller may see."""

    reason = "no_such_provider"


class NoSuchContract(NotFound):
    """No contract with this id."""

    reason = "no_such_contract"


class ReportNotVisible(NotFound):
    """The provider a report asks for does not exist or is not the caller's."""

    reason = "report_not_visible"


class VisitIdConflict(Conflict):
    """A different visit was already recorded with this id."""

    reason = "visit_id_conflict"


class AfterEpisodeEnd(Conflict):
    """A visit dated after the episode ended."""

    reason = "after_episode_end"


class EpisodeClosed(Conflict):
    """The episode is closed, so it takes no more goals or closures."""

    reason = "episode_closed"


class GoalWithdrawn(Conflict):
    """The goal has been withdrawn."""

    reason = "goal_withdrawn"


class NoFollowUp(Invalid):
    """The episode is not eligible for a 91-day follow-up (a 422 naming the field that rules it out)."""

    reason = "no_follow_up"


class FollowUpRecorded(Conflict):
    """A follow-up is already recorded (correct it instead)."""

    reason = "follow_up_recorded"


class FlagNotRaised(Conflict):
    """Acknowledging a flag that is not raised."""

    reason = "flag_not_raised"


class AlreadyExists(Conflict):
    """A provider name or username that is taken."""

    reason = "already_exists"
