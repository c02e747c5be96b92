"""The effectiveness dashboard page and the report CSV downloads (same services as the API's CSV)."""

from __future__ import annotations

from flask import abort, render_template
from flask.typing import ResponseReturnValue

from service.database import db
from service.domain.errors import ReportNotVisible
from service.reports.csv_output import episodes_csv, metrics_csv
from service.reports.downloads import csv_response
from service.reports.service import effectiveness_report, episode_export
from service.web.blueprint import web
from service.web.effectiveness import dashboard
from service.web.labels import METRIC_LABELS
from service.web.session_auth import page_for, signed_in_user
from service.web.viewing import period_form, period_of, pricing, requested_provider, suppression_min_n, viewer_of

MANAGERS = ("manager", "admin")


@web.route("/dashboard")
@page_for(*MANAGERS)
def effectiveness() -> ResponseReturnValue:
    """Every DOMAIN.md metric for a period, with charts (default: the last 12 months)."""
    user = signed_in_user()
    form = period_form(user)
    if not form.validate():
        return render_template("web/dashboard.html", form=form, board=None, labels=METRIC_LABELS), 422
    provider_id = requested_provider(user)
    try:
        board = dashboard(db.session, viewer_of(user), period_of(form), provider_id, pricing(), suppression_min_n())
    except ReportNotVisible:
        abort(404)
    csv_args = {"from": board.report["from"].isoformat(), "to": board.report["to"].isoformat()}
    if provider_id is not None:
        csv_args["provider_id"] = str(provider_id)
    return render_template("web/dashboard.html", form=form, board=board, labels=METRIC_LABELS, csv_args=csv_args)


@web.route("/reports/effectiveness.csv")
@page_for("manager", "commissioner", "admin")
def effectiveness_csv() -> ResponseReturnValue:
    """The effectiveness metrics as CSV, one row per metric (commissioners: suppressed, as in the API)."""
    user = signed_in_user()
    form = period_form(user)
    if not form.validate():
        abort(422)
    try:
        body = effectiveness_report(db.session, viewer_of(user), period_of(form), requested_provider(user), pricing(),
                                    suppression_min_n())
    except ReportNotVisible:
        abort(404)
    return csv_response(metrics_csv(body["metrics"]), "effectiveness.csv")


@web.route("/reports/episodes.csv")
@page_for(*MANAGERS)
def episodes_export_csv() -> ResponseReturnValue:
    """The CLD-style export of episodes closed in the period (person-level: managers and admins only)."""
    user = signed_in_user()
    form = period_form(user)
    if not form.validate():
        abort(422)
    try:
        rows = episode_export(db.session, viewer_of(user), period_of(form), requested_provider(user))
    except ReportNotVisible:
        abort(404)
    return csv_response(episodes_csv(rows), "episodes.csv")
