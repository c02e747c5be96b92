"""The managers' episode forms: open an episode, set/revise/withdraw goals, assign workers.

Each form parses what was typed and builds the JSON body the API takes (`body()`); the routes pass that body
through the API's request schema and the same service function as the API.
"""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    FloatField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from service.web.checking import iso
from service.web.forms import EpisodeForm, choices, options
from service.web.labels import GOAL_DOMAIN_LABELS, LEVEL_LABELS, REFERRAL_LABELS, level_text

LEVEL_CHOICES = [(level, level_text(level)) for level in LEVEL_LABELS]
DECIMAL = {"inputmode": "decimal", "step": "0.5", "min": "0", "max": "168"}


def answer(message: str) -> InputRequired:
    """A required answer, with the sentence to show when it is missing."""
    return InputRequired(message=message)


def words(message: str) -> DataRequired:
    """Required text: blank or only spaces counts as missing (use with `filters=TRIMMED`)."""
    return DataRequired(message=message)


def trimmed(value: Any) -> Any:
    """Text without surrounding spaces."""
    return value.strip() if isinstance(value, str) else value


TRIMMED = [trimmed]


class CheckboxesField(SelectMultipleField):
    """Several choices as checkboxes (rendered in a fieldset by the `choice_group` macro)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def pre_validate(self, form: Any) -> None:
        """Refuse a value that is not one of the choices, in words."""
        allowed = {str(value) for value, *_ in (self.choices or [])}
        if any(str(value) not in allowed for value in self.data or []):
            raise ValueError("Choose from the list shown.")


class OpenEpisodeForm(FlaskForm):
    """Open an episode from a referral."""

    provider_id = SelectField("Provider", choices=[], validate_choice=False)
    person_ref = StringField("Person reference", validators=[words("Enter the council's case reference.")],
                             filters=TRIMMED,
                             render_kw={"autocomplete": "off", "spellcheck": "false"})
    age_at_referral = IntegerField("Age at referral", validators=[answer("Enter the person's age at referral.")],
                                   render_kw={"inputmode": "numeric", "min": "18", "max": "120"})
    referral_source = RadioField("Referred from", choices=options(REFERRAL_LABELS.items()),
                                 validators=[answer("Choose where the referral came from.")])
    referred_on = DateField("Referred on", validators=[answer("Enter the referral date.")])
    hospital_discharge_on = DateField("Hospital discharge date", validators=[Optional()])
    started_on = DateField("Started on", validators=[answer("Enter the start date.")])
    planned_end_on = DateField("Planned end", validators=[Optional()])
    start_need_hours_per_week = FloatField(
        "Start need (hours of care per week without reablement)",
        validators=[answer("Enter the start need in hours per week (0 if none).")], render_kw=DECIMAL)
    worker_ids = CheckboxesField("Workers to assign", choices=[])

    def body(self, provider_id: str) -> dict[str, Any]:
        """POST /episodes' body."""
        return {
            "person_ref": (self.person_ref.data or "").strip(), "age_at_referral": self.age_at_referral.data,
            "provider_id": provider_id, "referral_source": self.referral_source.data,
            "referred_on": iso(self.referred_on.data), "started_on": iso(self.started_on.data),
            "planned_end_on": iso(self.planned_end_on.data),
            "hospital_discharge_on": iso(self.hospital_discharge_on.data),
            "start_need_hours_per_week": self.start_need_hours_per_week.data,
            "worker_ids": list(self.worker_ids.data or []),
        }


class GoalForm(EpisodeForm):
    """Set a goal: the person's words, an area of life, baseline and target on the 0-5 scale."""

    description = TextAreaField("In the person's own words", render_kw={"rows": "2"}, filters=TRIMMED,
                                validators=[words("Enter the goal in the person's words.")])
    domain = SelectField("Area of life", choices=choices("Choose an area", GOAL_DOMAIN_LABELS),
                         validators=[answer("Choose the area of life.")])
    baseline_level = RadioField("Level now (baseline)", choices=options(LEVEL_CHOICES), coerce=int,
                                validators=[answer("Choose the level now.")])
    target_level = RadioField("Target level", choices=options(LEVEL_CHOICES), coerce=int,
                              validators=[answer("Choose the target level.")])
    target_on = DateField("Target date (optional)", validators=[Optional()])

    def body(self) -> dict[str, Any]:
        """POST /episodes/{id}/goals' body."""
        return {"domain": self.domain.data, "description": (self.description.data or "").strip(),
                "baseline_level": self.baseline_level.data, "target_level": self.target_level.data,
                "target_on": iso(self.target_on.data)}


class ReviseGoalForm(EpisodeForm):
    """Revise a goal's words, target level or target date."""

    description = TextAreaField("In the person's own words", render_kw={"rows": "2"}, filters=TRIMMED,
                                validators=[words("Enter the goal in the person's words.")])
    target_level = SelectField("Target level", choices=options(LEVEL_CHOICES), coerce=int,
                               validators=[answer("Choose the target level.")])
    target_on = DateField("Target date (optional)", validators=[Optional()])

    def body(self, goal: dict[str, Any]) -> dict[str, Any]:
        """PATCH /goals/{id}'s body: only what changed."""
        wanted = {"description": (self.description.data or "").strip(), "target_level": self.target_level.data,
                  "target_on": iso(self.target_on.data)}
        return {name: value for name, value in wanted.items() if value != goal.get(name)}


class WithdrawGoalForm(EpisodeForm):
    """Withdraw a goal, with the reason."""

    reason = TextAreaField("Reason for withdrawing", validators=[words("Give the reason for withdrawing the goal.")],
                           render_kw={"rows": "2"}, filters=TRIMMED)


class AssignForm(EpisodeForm):
    """Assign one of the provider's workers."""

    worker_id = SelectField("Worker", choices=[], validators=[answer("Choose a worker.")])
