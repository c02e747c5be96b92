"""Commissioners' pages: providers side by side and contracts' targets and earnings (aggregates only)."""

from __future__ import annotations

import uuid

from flask import abort, render_template
from flask.typing import ResponseReturnValue

from service.contracts.service import contract_report
from service.database import db
from service.domain.errors import DomainError
from service.errors import http_status
from service.reports.csv_output import metrics_csv
from service.reports.downloads import csv_response
from service.web.blueprint import web
from service.web.commissioning import contract_summaries, providers_page
from service.web.session_auth import page_for, signed_in_user
from service.web.viewing import period_form, period_of, pricing, suppression_min_n, viewer_of

COMMISSIONERS = ("commissioner", "admin")


@web.route("/providers")
@page_for(*COMMISSIONERS)
def providers() -> ResponseReturnValue:
    """Every provider's value per person, % independent, ASCOF 2A and length of stay for a period."""
    user = signed_in_user()
    form = period_form(user)
    if not form.validate():
        return render_template("web/providers.html", form=form, content=None), 422
    content = providers_page(db.session, viewer_of(user), period_of(form), pricing(), suppression_min_n())
    return render_template("web/providers.html", form=form, content=content)


@web.route("/contracts")
@page_for(*COMMISSIONERS)
def contracts() -> ResponseReturnValue:
    """Each contract over its own period: targets met and pounds earned."""
    summaries = contract_summaries(db.session, viewer_of(signed_in_user()), pricing(), suppression_min_n())
    return render_template("web/contracts.html", summaries=summaries)


@web.route("/contracts/<uuid:contract_id>/report.csv")
@page_for(*COMMISSIONERS)
def contract_csv(contract_id: uuid.UUID) -> ResponseReturnValue:
    """A contract's metrics over its period at its pricing, as CSV (one row per metric)."""
    try:
        report = contract_report(db.session, viewer_of(signed_in_user()), contract_id, None, None, pricing(),
                                 suppression_min_n())
    except DomainError as error:
        abort(http_status(error))
    return csv_response(metrics_csv(report["metrics"]), f"contract-{contract_id}.csv")
