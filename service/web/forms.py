"""The web pages' forms: labelled fields, validated on the server (the browser's checks are only a help)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import (
    DateField,
    FloatField,
    Form,
    HiddenField,
    PasswordField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from service.episodes.writer import parse_version_tag
from service.reports.service import period_problems
from service.web.labels import CESSATION_REASON_LABELS, FOLLOW_UP_LABELS, OUTCOME_LABELS


def options(pairs: Iterable[tuple[Any, str]]) -> list[SelectChoice]:
    """Select, radio or checkbox options from (value, label) pairs (values as text)."""
    return [SelectChoice(str(value), label) for value, label in pairs]


def choices(prompt: str, options: Mapping[str, str]) -> list[SelectChoice]:
    """A select's options: an empty first choice saying `prompt`, then value -> label."""
    return [SelectChoice("", prompt), *(SelectChoice(value, text) for value, text in options.items())]


class SignInForm(FlaskForm):
    """Username and password."""

    username = StringField("Username", validators=[DataRequired(), Length(max=150)],
                           render_kw={"autocomplete": "username", "autocapitalize": "none"})
    password = PasswordField("Password", validators=[DataRequired(), Length(max=1000)],
                             render_kw={"autocomplete": "current-password"})


class AcknowledgeForm(FlaskForm):
    """Acknowledge a raised flag, with an optional note; `next` is the page to return to."""

    note = TextAreaField("Note (optional)", validators=[Optional(), Length(max=1000)])
    next = HiddenField()


class EpisodeForm(FlaskForm):
    """A form acting on an episode as the manager saw it (`version`: the stream version shown)."""

    version = HiddenField()

    def seen_version(self) -> int | None:
        """The episode version the page showed, passed on as If-Match (None when absent; malformed: 412)."""
        return parse_version_tag(self.version.data)


class CloseForm(EpisodeForm):
    """Close an episode: end date, end need and outcome."""

    ended_on = DateField("End date", validators=[InputRequired()])
    end_need_hours_per_week = FloatField("End need (hours of care per week; 0 if none)",
                                         validators=[InputRequired(), NumberRange(min=0, max=168)],
                                         render_kw={"step": "0.5", "min": "0", "max": "168", "inputmode": "decimal"})
    outcome = SelectField("Outcome", choices=choices("Choose the outcome", OUTCOME_LABELS),
                          validators=[DataRequired(message="Choose the outcome.")])
    cessation_reason = SelectField(
        "If reablement stopped early and did not lead to long-term support: why (optional)",
        choices=choices("Not recorded", CESSATION_REASON_LABELS), validators=[Optional()])

    def body(self) -> dict[str, Any]:
        """The closure as `commands.close_episode` takes it."""
        return {"ended_on": self.ended_on.data, "end_need_hours_per_week": self.end_need_hours_per_week.data,
                "outcome": self.outcome.data, "cessation_reason": self.cessation_reason.data or None}


class FollowUpForm(EpisodeForm):
    """Record the 91-day follow-up."""

    assessed_on = DateField("Assessed on", validators=[InputRequired()])
    status = SelectField("Where the person is", choices=choices("Choose where the person is", FOLLOW_UP_LABELS),
                         validators=[DataRequired(message="Choose where the person is.")])

    def body(self) -> dict[str, Any]:
        """The follow-up as `commands.record_follow_up` takes it."""
        return {"assessed_on": self.assessed_on.data, "status": self.status.data}


class PeriodForm(Form):
    """A report period from the query string (a GET form: it changes nothing, so it has no CSRF token)."""

    start = DateField("From", name="from", validators=[DataRequired()])
    end = DateField("To", name="to", validators=[DataRequired()])
    provider_id = SelectField("Provider", choices=choices("All providers", {}), validators=[Optional()])

    def __init__(self, args: Mapping[str, str], defaults: tuple[date, date],
                 providers: list[tuple[str, str]] | None = None) -> None:
        super().__init__(formdata=MultiDict(args), data={"start": defaults[0], "end": defaults[1]})
        self.provider_id.choices = choices("All providers", dict(providers or []))

    def validate(self, extra_validators: Mapping[str, Any] | None = None) -> bool:
        """Both dates valid and a period a report may cover (the API's rule: from <= to, at most 10 years)."""
        if not super().validate(extra_validators):
            return False
        problems = period_problems(self.start.data, self.end.data, "start", "end")
        for name, messages in problems.items():
            field = self.start if name == "start" else self.end
            field.errors = [*field.errors, *(message.replace("`end`", "the To date").replace("`start`", "the From date")
                                             for message in messages)]
        return not problems
