"""Jinja filters that print the service's numbers, dates and codes the way a reader expects."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from flask import Flask

from service.domain.calendar import LONDON
from service.web.labels import (
    ASCOF_2A_NOTE,
    CESSATION_REASON_LABELS,
    COMPARATOR_LABELS,
    FLAG_LABELS,
    FOLLOW_UP_LABELS,
    GOAL_DOMAIN_LABELS,
    LEVEL_LABELS,
    METRIC_LABELS,
    OUTCOME_LABELS,
    PROVIDER_KIND_LABELS,
    REFERRAL_LABELS,
    ROLE_LABELS,
    SHOWN_METRICS,
)

NONE_SHOWN = "–"


def number(value: float | int | None, places: int = 2) -> str:
    """A number with `places` decimals and thousands separators; a dash for null."""
    if value is None:
        return NONE_SHOWN
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return f"{value:,.{places}f}"


def pounds(value: float | None) -> str:
    """Money in pounds, e.g. £8,700.00."""
    return NONE_SHOWN if value is None else f"£{value:,.2f}"


def percent(value: Any) -> str:
    """A percentage as a whole number (plain number, or a proportion dict: value, or 'suppressed').

    The API keeps 2 decimal places; people read whole percentages.
    """
    if isinstance(value, Mapping):
        if value.get("suppressed"):
            return "suppressed"
        value = value.get("value")
    return NONE_SHOWN if value is None else f"{value:,.0f}%"


def tscore(value: float | None) -> str:
    """A GAS T-score to one decimal place."""
    return NONE_SHOWN if value is None else f"{value:.1f}"


def hours(value: float | None) -> str:
    """Hours of care per week, e.g. '12.5 h/week' or '12 h/week'."""
    if value is None:
        return NONE_SHOWN
    return f"{value:g} h/week" if float(value).is_integer() else f"{value:,.1f} h/week"


def level(value: int | None) -> str:
    """An independence level's meaning."""
    return NONE_SHOWN if value is None else LEVEL_LABELS.get(int(value), str(value))


def interval(value: Any) -> str:
    """A proportion's denominator and 95 % interval, e.g. 'n = 40; 95% CI 71.20–89.60'."""
    if not isinstance(value, Mapping):
        return ""
    if value.get("suppressed"):
        return f"n below {value.get('min_n', 5)}: hidden so that no one can be identified"
    if value.get("ci_low") is None:
        return f"n = {value.get('n', 0)}"
    return f"n = {value['n']}; 95% CI {value['ci_low']:.0f}–{value['ci_high']:.0f}%"


def london_time(value: str | datetime | None) -> str:
    """An instant (ISO text or datetime) as a London date and time, e.g. 3 Mar 2026 14:05."""
    if value is None:
        return NONE_SHOWN
    moment = datetime.fromisoformat(value.replace("Z", "+00:00")) if isinstance(value, str) else value
    local = moment.astimezone(LONDON)
    return f"{local.day} {local:%b %Y %H:%M}"


def day(value: str | date | None) -> str:
    """A date (ISO text or date) as e.g. 3 Mar 2026."""
    if value is None or value == "":
        return NONE_SHOWN
    moment = date.fromisoformat(value) if isinstance(value, str) else value
    return f"{moment.day} {moment:%b %Y}"


def metric_value(name: str, value: Any) -> str:
    """A metric printed by its kind: percentages, pounds, counts or plain numbers."""
    if name.endswith("_pct"):
        return percent(value)
    if name.endswith("t_score"):
        return tscore(value)
    if name.endswith("_gbp"):
        return pounds(value)
    return number(value)


def label(code: str | None, kind: str) -> str:
    """The reader's words for a code of `kind` (flag, outcome, cessation_reason, follow_up, metric, comparator)."""
    if code is None:
        return NONE_SHOWN
    tables = {"flag": FLAG_LABELS, "outcome": OUTCOME_LABELS, "follow_up": FOLLOW_UP_LABELS,
              "metric": METRIC_LABELS, "comparator": COMPARATOR_LABELS, "cessation_reason": CESSATION_REASON_LABELS,
              "domain": GOAL_DOMAIN_LABELS, "referral": REFERRAL_LABELS, "role": ROLE_LABELS,
              "provider_kind": PROVIDER_KIND_LABELS}
    return tables[kind].get(code, code.replace("_", " "))


def register_filters(app: Flask) -> None:
    """Make the filters available to every template."""
    app.jinja_env.filters.update(number=number, pounds=pounds, percent=percent, interval=interval,
                                 london_time=london_time, day=day, metric_value=metric_value, label=label,
                                 tscore=tscore, hours=hours, level=level)
    app.jinja_env.globals.update(shown_metrics=SHOWN_METRICS, ascof_2a_note=ASCOF_2A_NOTE)
