"""Commissioners' pages: providers side by side and contracts' targets and earnings (aggregates only)."""

from __future__ import annotations

import uuid
from typing import Any

import marshmallow as ma
from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from service.contracts.schemas import ContractCreate
from service.contracts.service import contract_report, create_contract
from service.database import db
from service.domain.errors import DomainError
from service.errors import http_status
from service.reports import queries
from service.reports.csv_output import metrics_csv
from service.reports.downloads import csv_response
from service.web.blueprint import web
from service.web.checking import flatten, place, place_refusal
from service.web.commissioning import contract_summaries, earnings_csv, providers_page
from service.web.contract_forms import ContractForm
from service.web.forms import choices
from service.web.labels import METRIC_LABELS
from service.web.manager import problems_of
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


def contract_form() -> ContractForm:
    """The contract form (as submitted) with the providers to choose from."""
    form = ContractForm()
    form.provider_id.choices = choices("Choose the provider", dict(queries_providers()))
    return form


def queries_providers() -> list[tuple[str, str]]:
    """Every provider as (id, name), by name."""
    return [(str(provider_id), name) for provider_id, name in queries.providers(db.session)]


@web.route("/contracts/new", methods=["GET", "POST"])
@page_for(*COMMISSIONERS)
def new_contract() -> ResponseReturnValue:
    """Create a contract: provider, period, optional pricing, outcome pot and targets whose weights sum to 1."""
    form = contract_form()
    if request.method == "GET":
        return render_template("web/contract_new.html", form=form, problems=[], metrics=METRIC_LABELS)
    if form.validate():
        try:
            body = ContractCreate().load(form.body())
        except ma.ValidationError as error:
            messages = flatten(error.normalized_messages())  # type: ignore[no-untyped-call]
            form.target_errors.extend(messages.pop("targets", []))
            place(form, messages, form.aliases())
        else:
            try:
                contract = create_contract(db.session, body)
            except DomainError as error:
                db.session.rollback()
                place_refusal(form, error)
            else:
                flash(f"Contract “{contract.name}” is created.", "success")
                return redirect(url_for("web.contract_page", contract_id=contract.id), 303)
    db.session.rollback()
    problems = problems_of(form) + [(message, "#targets") for message in form.target_errors]
    return render_template("web/contract_new.html", form=form, problems=problems, metrics=METRIC_LABELS), 422


def report_of(contract_id: uuid.UUID) -> dict[str, Any]:
    """The contract's report over its own period at its pricing (404 for an unknown contract)."""
    try:
        return contract_report(db.session, viewer_of(signed_in_user()), contract_id, None, None, pricing(),
                               suppression_min_n())
    except DomainError as error:
        abort(http_status(error))


@web.route("/contracts/<uuid:contract_id>")
@page_for(*COMMISSIONERS)
def contract_page(contract_id: uuid.UUID) -> ResponseReturnValue:
    """One contract's report: each target's actual, whether it was met and what it earned; every metric."""
    report = report_of(contract_id)
    names = dict(queries.providers(db.session))
    return render_template("web/contract.html", report=report, contract=report["contract"],
                           provider_name=names.get(report["contract"].provider_id, "Unknown provider"))


@web.route("/contracts/<uuid:contract_id>/earnings.csv")
@page_for(*COMMISSIONERS)
def contract_earnings_csv(contract_id: uuid.UUID) -> ResponseReturnValue:
    """A contract's targets, actuals, met and pounds earned, with the total, as CSV."""
    return csv_response(earnings_csv(report_of(contract_id)), f"contract-{contract_id}-earnings.csv")


@web.route("/contracts/<uuid:contract_id>/report.csv")
@page_for(*COMMISSIONERS)
def contract_csv(contract_id: uuid.UUID) -> ResponseReturnValue:
    """A contract's metrics over its period at its pricing, as CSV (one row per metric)."""
    return csv_response(metrics_csv(report_of(contract_id)["metrics"]), f"contract-{contract_id}.csv")
