"""Forms that correct or void one recorded event, prefilled with what it says now.

Each builds the `data` of POST /events/{id}/corrections for its event type; `correct_event` (the API's
service function) validates it with the event type's own rules, so the page and the API refuse the same things.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from wtforms import (
    BooleanField,
    DateField,
    Field,
    IntegerField,
    RadioField,
    SelectField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import Optional

from service.web.checking import iso
from service.web.episode_forms import TRIMMED, CheckboxesField, GoalForm, OpenEpisodeForm, answer, words
from service.web.forms import CloseForm, EpisodeForm, FollowUpForm, options
from service.web.labels import CONCERN_LABELS, LEVEL_LABELS, level_text

LONDON = ZoneInfo("Europe/London")
NOT_ASSESSED = ""


class CorrectionForm(EpisodeForm):
    """The reason (always) and whether to replace the details or void the event."""

    reason = TextAreaField("Why is this being corrected?", validators=[words("Give the reason for the correction.")],
                           render_kw={"rows": "2"}, filters=TRIMMED)
    # Which button was pressed: 'correct' (replace the details) or 'void' (it never happened).
    action = RadioField("What to do", choices=options([("correct", "Correct the details"), ("void", "Void it")]),
                        default="correct", validate_choice=False)

    # Fields of the replacement details, in page order; empty for events that can only be voided.
    detail_names: tuple[str, ...] = ()

    def prefill(self, data: dict[str, Any]) -> None:
        """Fill the detail fields from the event's current data."""

    def replacement(self) -> dict[str, Any]:
        """The replacement `data` for the event type."""
        return {}

    @property
    def voiding(self) -> bool:
        """The manager chose to void the event."""
        return self.action.data == "void"

    def detail_fields(self) -> list[Field]:
        """The replacement details' fields, in order."""
        return [self[name] for name in self.detail_names]

    def validate(self, extra_validators: Any = None) -> bool:
        """Voiding needs only the reason; correcting needs the details too."""
        if not self.voiding:
            return bool(super().validate(extra_validators))
        self.reason.errors = []
        ok = self.reason.validate(self)
        return bool(ok)


class VoidOnlyForm(CorrectionForm):
    """An event that can only be voided (assignments, revisions, withdrawals, acknowledgements)."""


class ClosureCorrectionForm(CorrectionForm, CloseForm):
    """Replace an episode's closure."""

    detail_names = ("ended_on", "end_need_hours_per_week", "outcome")

    def prefill(self, data: dict[str, Any]) -> None:
        """Fill the detail fields from the event's current data."""
        self.ended_on.data = date.fromisoformat(data["ended_on"])
        self.end_need_hours_per_week.data = data["end_need_hours_per_week"]
        self.outcome.data = data["outcome"]

    def replacement(self) -> dict[str, Any]:
        """The replacement `data` for the event type."""
        return {"ended_on": iso(self.ended_on.data), "end_need_hours_per_week": self.end_need_hours_per_week.data,
                "outcome": self.outcome.data}


class FollowUpCorrectionForm(CorrectionForm, FollowUpForm):
    """Replace a 91-day follow-up."""

    detail_names = ("assessed_on", "status")

    def prefill(self, data: dict[str, Any]) -> None:
        """Fill the detail fields from the event's current data."""
        self.assessed_on.data = date.fromisoformat(data["assessed_on"])
        self.status.data = data["status"]

    def replacement(self) -> dict[str, Any]:
        """The replacement `data` for the event type."""
        return {"assessed_on": iso(self.assessed_on.data), "status": self.status.data}


class GoalSetCorrectionForm(CorrectionForm, GoalForm):
    """Replace a goal as it was set (e.g. the wrong baseline)."""

    detail_names = ("description", "domain", "baseline_level", "target_level", "target_on")

    def prefill(self, data: dict[str, Any]) -> None:
        """Fill the detail fields from the event's current data."""
        self.description.data = data["description"]
        self.domain.data = data["domain"]
        self.baseline_level.data = data["baseline_level"]
        self.target_level.data = data["target_level"]
        self.target_on.data = date.fromisoformat(data["target_on"]) if data.get("target_on") else None

    def replacement(self) -> dict[str, Any]:
        """The replacement `data` for the event type."""
        return self.body()


class OpeningCorrectionForm(CorrectionForm, OpenEpisodeForm):
    """Replace an episode's opening details (not its provider or workers: those change by other means)."""

    provider_id = None
    worker_ids = None  # type: ignore[assignment]
    detail_names = ("person_ref", "age_at_referral", "referral_source", "referred_on", "hospital_discharge_on",
                    "started_on", "planned_end_on", "start_need_hours_per_week")

    def prefill(self, data: dict[str, Any]) -> None:
        """Fill the detail fields from the event's current data."""
        for name in self.detail_names:
            value = data.get(name)
            self[name].data = date.fromisoformat(value) if name.endswith("_on") and value else value

    def replacement(self) -> dict[str, Any]:
        """The replacement `data` for the event type."""
        body = self.body("")
        for name in ("provider_id", "worker_ids"):
            body.pop(name)
        return body


class VisitCorrectionBase(CorrectionForm):
    """Replace a visit's details; one level field per active goal is added by `visit_correction_form`."""

    occurred_on = DateField("Date of the visit", validators=[answer("Enter the date of the visit.")])
    occurred_time = TimeField("Time of the visit (London)", validators=[answer("Enter the time of the visit.")])
    duration_minutes = IntegerField("Length of the visit (minutes)",
                                    validators=[answer("Enter the length of the visit in minutes.")],
                                    render_kw={"inputmode": "numeric", "min": "1", "max": "720"})
    carers = RadioField("Carers present", choices=options([(1, "1 carer"), (2, "2 carers")]), coerce=int,
                        validators=[answer("Choose how many carers were there.")])
    wellbeing = SelectField("Wellbeing (1 low – 5 high)",
                            choices=options([("", "Not recorded"), *((n, str(n)) for n in range(1, 6))]),
                            validators=[Optional()])
    concerns = CheckboxesField("Concerns", choices=options(CONCERN_LABELS.items()))
    note = TextAreaField("Note", validators=[Optional()], render_kw={"rows": "3"})
    ready_for_discharge = BooleanField("Ready for discharge")

    goal_fields: tuple[tuple[str, str, str], ...] = ()  # (field name, goal id, goal words)
    detail_names = ("occurred_on", "occurred_time", "duration_minutes", "carers", "wellbeing", "concerns", "note",
                    "ready_for_discharge")
    notes: dict[str, str | None]

    def detail_fields(self) -> list[Field]:
        """The replacement details' fields, in order (goal levels after the carers)."""
        names = [*self.detail_names[:4], *(name for name, _, _ in self.goal_fields), *self.detail_names[4:]]
        return [self[name] for name in names]

    def prefill(self, data: dict[str, Any]) -> None:
        """Fill the detail fields from the event's current data."""
        local = datetime.fromisoformat(data["occurred_at"]).astimezone(LONDON)
        self.occurred_on.data, self.occurred_time.data = local.date(), local.time().replace(second=0, microsecond=0)
        self.duration_minutes.data = data["duration_minutes"]
        self.carers.data = data["carers"]
        self.wellbeing.data = "" if data.get("wellbeing") is None else str(data["wellbeing"])
        self.concerns.data = list(data.get("concerns") or [])
        self.note.data = data.get("note") or ""
        self.ready_for_discharge.data = bool(data.get("ready_for_discharge"))
        levels = {str(item["goal_id"]): item["level"] for item in data.get("goal_progress") or []}
        for name, goal_id, _ in self.goal_fields:
            self[name].data = "" if goal_id not in levels else str(levels[goal_id])

    def replacement(self) -> dict[str, Any]:
        """The replacement `data` for the event type."""
        moment = None
        if self.occurred_on.data and self.occurred_time.data:
            moment = datetime.combine(self.occurred_on.data, self.occurred_time.data or time(), LONDON).isoformat()
        progress = [{"goal_id": goal_id, "level": int(self[name].data), "note": self.notes.get(goal_id)}
                    for name, goal_id, _ in self.goal_fields if self[name].data not in (None, NOT_ASSESSED)]
        return {
            "occurred_at": moment, "duration_minutes": self.duration_minutes.data, "carers": self.carers.data,
            "goal_progress": progress,
            "wellbeing": int(self.wellbeing.data) if self.wellbeing.data else None,
            "concerns": list(self.concerns.data or []), "note": (self.note.data or "").strip() or None,
            "ready_for_discharge": True if self.ready_for_discharge.data else None,
        }


def visit_correction_form(goals: list[tuple[str, str]], original: dict[str, Any]) -> type[VisitCorrectionBase]:
    """A visit correction form with a level field for each of `goals` (id, words)."""
    levels = [(NOT_ASSESSED, "Not assessed at this visit"), *((str(n), level_text(n)) for n in LEVEL_LABELS)]
    fields: dict[str, Any] = {}
    goal_fields = []
    for index, (goal_id, goal_words) in enumerate(goals):
        name = f"level_{index}"
        fields[name] = SelectField(f"Level for “{goal_words}”", choices=options(levels), validators=[Optional()])
        goal_fields.append((name, goal_id, goal_words))
    notes = {str(item["goal_id"]): item.get("note") for item in original.get("goal_progress") or []}
    return type("VisitCorrectionForm", (VisitCorrectionBase,),
                {**fields, "goal_fields": tuple(goal_fields), "notes": notes})


FORMS: dict[str, type[CorrectionForm]] = {
    "EpisodeClosed": ClosureCorrectionForm,
    "FollowUpRecorded": FollowUpCorrectionForm,
    "GoalSet": GoalSetCorrectionForm,
    "EpisodeOpened": OpeningCorrectionForm,
}

# API names of the replacement data -> the form's fields, where they differ.
ALIASES = {"occurred_at": "occurred_on", "data.occurred_at": "occurred_on"}
