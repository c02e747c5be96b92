"""Creating, listing and reporting on outcomes-based contracts."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from service.domain.earnings import evaluate_targets
from service.domain.errors import Invalid, NoSuchContract
from service.models import Contract, Provider
from service.reports.service import Period, Pricing, Viewer, period_problems, provider_metrics, suppression_for
from service.unit_of_work import unit_of_work

TARGET_FIELDS = ("metric", "comparator", "value", "weight")


@unit_of_work
def create_contract(session: Session, body: dict[str, Any]) -> Contract:
    """Add a contract from a validated body and commit; the provider must exist."""
    if session.get(Provider, body["provider_id"]) is None:
        raise Invalid("No such provider.", "provider_id")
    contract = Contract(
        id=uuid.uuid4(),
        provider_id=body["provider_id"],
        name=body["name"],
        starts_on=body["starts_on"],
        ends_on=body["ends_on"],
        hourly_rate_gbp=body["hourly_rate_gbp"],
        package_weeks=body["package_weeks"],
        outcome_pot_gbp=body["outcome_pot_gbp"],
        targets=[{name: target[name] for name in TARGET_FIELDS} for target in body["targets"]],
    )
    session.add(contract)
    session.flush()
    return contract


def list_contracts(session: Session, page: int, page_size: int) -> tuple[list[Contract], int]:
    """One page of contracts, oldest first, and the total count."""
    total = session.execute(select(func.count()).select_from(Contract)).scalar_one()
    statement = (select(Contract).order_by(Contract.created_at, Contract.id)
                 .limit(page_size).offset((page - 1) * page_size))
    return list(session.execute(statement).scalars()), int(total)


def get_contract(session: Session, contract_id: uuid.UUID) -> Contract:
    """The contract with this id; NoSuchContract when there is none."""
    contract = session.get(Contract, contract_id)
    if contract is None:
        raise NoSuchContract("No such contract.")
    return contract


def contract_pricing(contract: Contract, default: Pricing) -> Pricing:
    """The contract's hourly rate and package weeks, each falling back to the settings."""
    return Pricing(
        hourly_rate_gbp=default.hourly_rate_gbp if contract.hourly_rate_gbp is None else contract.hourly_rate_gbp,
        package_weeks=default.package_weeks if contract.package_weeks is None else contract.package_weeks,
    )


def report_period(contract: Contract, start: date | None, end: date | None) -> Period:
    """The requested period, each end defaulting to the contract's; Invalid (422) if no report may cover it."""
    start, end = start or contract.starts_on, end or contract.ends_on
    problems = period_problems(start, end)
    if problems:
        raise Invalid("The report period is not valid; see errors.", errors=problems)
    return Period(start=start, end=end)


def contract_report(session: Session, viewer: Viewer, contract_id: uuid.UUID, start: date | None,
                    end: date | None, default: Pricing, suppression_min_n: int) -> dict[str, Any]:
    """The contract's metrics over the period, each target's result and the total earned."""
    contract = get_contract(session, contract_id)
    period = report_period(contract, start, end)
    pricing = contract_pricing(contract, default)
    metrics = provider_metrics(session, contract.provider_id, period, pricing,
                               suppression_for(viewer, suppression_min_n))
    targets, earned = evaluate_targets(metrics, contract.targets, contract.outcome_pot_gbp)
    return {"contract": contract, "from": period.start, "to": period.end,
            "hourly_rate_gbp": pricing.hourly_rate_gbp, "package_weeks": pricing.package_weeks,
            "metrics": metrics, "targets": targets, "earned_gbp": earned}
