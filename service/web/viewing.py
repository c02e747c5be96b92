"""Who is looking and at what: the signed-in user as a report viewer, the provider chosen, the period."""

from __future__ import annotations

import uuid

from flask import abort, current_app, request
from wtforms import Form

from service.database import db
from service.domain.calendar import today_london
from service.domain.errors import DomainError
from service.models import User
from service.reports import queries
from service.reports.service import Period, Pricing, Viewer, default_pricing
from service.web.effectiveness import default_period
from service.web.forms import PeriodForm

# Roles that see every provider and so may pick one.
CHOOSERS = ("admin", "commissioner")


def viewer_of(user: User) -> Viewer:
    """The user as the reports see them."""
    return Viewer(role=user.role, provider_id=user.provider_id)


def pricing() -> Pricing:
    """The service's default hourly rate and package length."""
    return default_pricing(current_app.config)


def suppression_min_n() -> int:
    """Below this n, commissioners see proportions suppressed."""
    return int(current_app.config["SUPPRESSION_MIN_N"])


def provider_choices(user: User) -> list[tuple[str, str]]:
    """The providers an admin or commissioner may choose between (managers see only their own)."""
    if user.role not in CHOOSERS:
        return []
    return [(str(provider_id), name) for provider_id, name in queries.providers(db.session)]


def requested_provider(user: User) -> uuid.UUID | None:
    """The provider picked with ?provider_id= (None: all, or a manager's own); 404 for a malformed id."""
    raw = request.args.get("provider_id", "")
    if user.role not in CHOOSERS or not raw:
        return None
    try:
        return uuid.UUID(raw)
    except ValueError:
        abort(404)


def period_form(user: User) -> PeriodForm:
    """The period form filled from the query string (default: the last 12 months)."""
    period = default_period(today_london())
    return PeriodForm(request.args, (period.start, period.end), provider_choices(user))


def period_of(form: PeriodForm) -> Period:
    """The period of a validated form."""
    assert form.start.data is not None and form.end.data is not None
    return Period(start=form.start.data, end=form.end.data)


def attach_error(form: Form, error: DomainError) -> None:
    """Show a service's refusal next to the field it names (or above the form when it names none)."""
    placed = False
    for name, messages in error.errors.items():
        field = getattr(form, name, None)
        if field is not None and hasattr(field, "errors"):
            field.errors = [*field.errors, *messages]
            placed = True
    if not placed:
        form.form_errors.append(error.message)
