"""A readable way to build an episode's event stream for projection tests."""

from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID

from service.domain import DerivedEpisode, StoredEvent, project_episode

# Before the planned end (2026-06-12) and the follow-up date (2026-07-30).
TODAY = date(2026, 5, 20)
PLANNED_END_ON = "2026-06-12"
# Events not about a visit happen at this server time, one minute apart per event.
SERVER_START = datetime(2026, 5, 1, 8, 0, tzinfo=UTC)


def at(timestamp: str) -> datetime:
    """Parse an ISO timestamp with offset (test shorthand)."""
    return datetime.fromisoformat(timestamp)


class EpisodeStream:
    """Appends events to one episode's stream in arrival order."""

    def __init__(self, **opened: Any) -> None:
        """Open the episode; keyword arguments override the EpisodeOpened data."""
        self.events: list[StoredEvent] = []
        self.add(
            "EpisodeOpened",
            {
                "person_ref": "P-1001",
                "age_at_referral": 82,
                "provider_id": "provider-1",
                "referral_source": "hospital_discharge",
                "referred_on": "2026-04-28",
                "started_on": "2026-05-01",
                "planned_end_on": PLANNED_END_ON,
                "hospital_discharge_on": "2026-04-30",
                "start_need_hours_per_week": 10.5,
            }
            | opened,
        )

    def add(
        self,
        type_: str,
        data: dict[str, Any],
        *,
        occurred_at: datetime | None = None,
        recorded_at: datetime | None = None,
    ) -> StoredEvent:
        """Append one event; sequence deliberately differs from version."""
        version = len(self.events) + 1
        server_time = SERVER_START + timedelta(minutes=version)
        event = StoredEvent(
            id=str(UUID(int=version)),
            version=version,
            sequence=1000 + 7 * version,
            type=type_,
            data=data,
            occurred_at=occurred_at or server_time,
            recorded_at=recorded_at or occurred_at or server_time,
            actor_id="manager-1",
        )
        self.events.append(event)
        return event

    def goal(
        self,
        goal_id: str = "g1",
        *,
        baseline: int = 1,
        target: int = 4,
        description: str | None = None,
    ) -> StoredEvent:
        """Set a goal."""
        return self.add(
            "GoalSet",
            {
                "goal_id": goal_id,
                "domain": "meal_preparation",
                "description": description or f"goal {goal_id}",
                "baseline_level": baseline,
                "target_level": target,
                "target_on": None,
            },
        )

    def revise(self, goal_id: str, **changes: Any) -> StoredEvent:
        """Revise some fields of a goal."""
        return self.add("GoalRevised", {"goal_id": goal_id} | changes)

    def withdraw(self, goal_id: str) -> StoredEvent:
        """Withdraw a goal."""
        return self.add("GoalWithdrawn", {"goal_id": goal_id, "reason": "no longer wanted"})

    def visit(
        self,
        when: str,
        levels: dict[str, int] | None = None,
        *,
        concerns: tuple[str, ...] = (),
        minutes: int = 45,
    ) -> StoredEvent:
        """Record a visit at `when` observing the given goal levels."""
        data = {
            "visit_id": f"visit-{len(self.events) + 1}",
            "worker_id": "worker-1",
            "occurred_at": when,
            "duration_minutes": minutes,
            "carers": 1,
            "goal_progress": _progress(levels or {}),
            "wellbeing": 4,
            "concerns": list(concerns),
            "note": None,
            "ready_for_discharge": None,
        }
        return self.add("VisitRecorded", data, occurred_at=at(when))

    def close(self, ended_on: str = "2026-05-30", end_need: float = 0.0) -> StoredEvent:
        """Close the episode."""
        return self.add(
            "EpisodeClosed",
            {
                "ended_on": ended_on,
                "end_need_hours_per_week": end_need,
                "outcome": "no_services_no_identified_needs",
            },
        )

    def follow_up(self, assessed_on: str, status: str = "at_home") -> StoredEvent:
        """Record the 91-day follow-up."""
        return self.add("FollowUpRecorded", {"assessed_on": assessed_on, "status": status})

    def acknowledge(self, flag: str, *, recorded_at: str | None = None) -> StoredEvent:
        """Acknowledge a flag, by default at the next server minute."""
        return self.add(
            "FlagAcknowledged",
            {"flag": flag, "note": None},
            recorded_at=at(recorded_at) if recorded_at else None,
        )

    def correct(self, event: StoredEvent, data: dict[str, Any]) -> StoredEvent:
        """Replace an event's data."""
        return self.add("EventCorrected", {"corrects": event.id, "reason": "typo", "data": data})

    def correct_visit(
        self,
        visit: StoredEvent,
        *,
        when: str | None = None,
        levels: dict[str, int] | None = None,
        concerns: tuple[str, ...] | None = None,
    ) -> StoredEvent:
        """Correct a visit's time, observed levels or concerns, keeping the rest."""
        data = dict(visit.data)
        if when is not None:
            data["occurred_at"] = when
        if levels is not None:
            data["goal_progress"] = _progress(levels)
        if concerns is not None:
            data["concerns"] = list(concerns)
        return self.correct(visit, data)

    def void(self, event: StoredEvent) -> StoredEvent:
        """Cancel an event."""
        return self.add("EventCorrected", {"corrects": event.id, "reason": "wrong", "void": True})

    def project(
        self,
        *,
        today: date = TODAY,
        confirmations: int = 2,
        events: list[StoredEvent] | None = None,
    ) -> DerivedEpisode:
        """Project the stream as it stands (or `events`, e.g. a reordered copy of it)."""
        return project_episode(
            self.events if events is None else events,
            today=today,
            achievement_confirmations=confirmations,
        )


def _progress(levels: dict[str, int]) -> list[dict[str, Any]]:
    """Return a visit's goal_progress entries for the given goal levels."""
    return [{"goal_id": goal_id, "level": level} for goal_id, level in levels.items()]
