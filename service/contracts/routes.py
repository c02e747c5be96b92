"""Outcomes-based contracts (commissioner, admin)."""

from __future__ import annotations

import uuid
from typing import Any

from flask import current_app
from flask.views import MethodView
from flask_smorest import Blueprint

from service.auth.access import BEARER, require_roles
from service.contracts.schemas import ContractCreate, ContractOut, ContractPage, ContractReportArgs, ContractReportOut
from service.contracts.service import contract_report, create_contract, get_contract, list_contracts
from service.database import db
from service.models import Contract
from service.reports.routes import viewer
from service.reports.service import default_pricing
from service.schemas import PaginationArgs, page_body

blp = Blueprint("contracts", __name__, url_prefix="/api/v1", description="Outcomes-based contracts.")

ROLES = ("commissioner", "admin")


@blp.route("/contracts")
class ContractsView(MethodView):
    """Contracts."""

    @blp.doc(security=BEARER)
    @require_roles(*ROLES)
    @blp.arguments(PaginationArgs, location="query")
    @blp.response(200, ContractPage)
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """List contracts, oldest first (commissioner, admin)."""
        contracts, total = list_contracts(db.session, args["page"], args["page_size"])
        return page_body(contracts, args["page"], args["page_size"], total)

    @blp.doc(security=BEARER)
    @require_roles(*ROLES)
    @blp.arguments(ContractCreate)
    @blp.response(201, ContractOut)
    def post(self, body: dict[str, Any]) -> Contract:
        """Add a contract: provider, period, optional pricing, outcome pot and targets whose weights sum to 1."""
        return create_contract(db.session, body)


@blp.route("/contracts/<uuid:contract_id>")
class ContractView(MethodView):
    """One contract."""

    @blp.doc(security=BEARER)
    @require_roles(*ROLES)
    @blp.response(200, ContractOut)
    def get(self, contract_id: uuid.UUID) -> Contract:
        """A contract (404 when unknown)."""
        return get_contract(db.session, contract_id)


@blp.route("/contracts/<uuid:contract_id>/report")
class ContractReportView(MethodView):
    """A contract's outcome report."""

    @blp.doc(security=BEARER)
    @require_roles(*ROLES)
    @blp.arguments(ContractReportArgs, location="query")
    @blp.response(200, ContractReportOut)
    def get(self, args: dict[str, Any], contract_id: uuid.UUID) -> dict[str, Any]:
        """Metrics at the contract's pricing over the period (default: the contract's), targets and earnings."""
        return contract_report(db.session, viewer(), contract_id, args["from_"], args["to"],
                               default_pricing(current_app.config), current_app.config["SUPPRESSION_MIN_N"])
