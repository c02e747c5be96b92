"""Effectiveness reports (JSON or CSV), providers side by side, and the CLD episode export."""

from __future__ import annotations

from typing import Any

from flask import Response, current_app, request
from flask.views import MethodView
from flask_smorest import Blueprint

from service.auth.access import BEARER, current_user, require_roles
from service.database import db
from service.reports.csv_output import episodes_csv, metrics_csv
from service.reports.downloads import csv_response
from service.reports.schemas import EffectivenessArgs, EffectivenessOut, ExportArgs, PeriodArgs, ProvidersReportOut
from service.reports.service import (
    Period,
    Viewer,
    default_pricing,
    effectiveness_report,
    episode_export,
    providers_report,
)

blp = Blueprint("effectiveness_reports", __name__, url_prefix="/api/v1",
                description="Effectiveness reports and the CLD episode export.")



def viewer() -> Viewer:
    """The signed-in user as a report viewer."""
    user = current_user()
    return Viewer(role=user.role, provider_id=user.provider_id)


def period_of(args: dict[str, Any]) -> Period:
    """The period in validated `from`/`to` query arguments."""
    return Period(start=args["from_"], end=args["to"])


def wants_csv(requested_format: str | None) -> bool:
    """`?format=` decides; without it, an Accept header preferring text/csv does."""
    if requested_format is not None:
        return requested_format == "csv"
    return request.accept_mimetypes.best_match(("application/json", "text/csv")) == "text/csv"


@blp.route("/reports/effectiveness")
class EffectivenessView(MethodView):
    """Effectiveness of one provider, or of all."""

    @blp.doc(security=BEARER)
    @require_roles("manager", "commissioner", "admin")
    @blp.arguments(EffectivenessArgs, location="query")
    @blp.response(200, EffectivenessOut, description="JSON; CSV (one row per metric) with Accept: text/csv "
                                                     "or ?format=csv")
    def get(self, args: dict[str, Any]) -> dict[str, Any] | Response:
        """Every DOMAIN.md metric over the period (managers: own provider; commissioners: suppressed)."""
        body = effectiveness_report(db.session, viewer(), period_of(args), args["provider_id"],
                                    default_pricing(current_app.config), current_app.config["SUPPRESSION_MIN_N"])
        if wants_csv(args["format"]):
            return csv_response(metrics_csv(body["metrics"]), "effectiveness.csv")
        return body


@blp.route("/reports/providers")
class ProvidersReportView(MethodView):
    """Every provider side by side."""

    @blp.doc(security=BEARER)
    @require_roles("commissioner", "admin")
    @blp.arguments(PeriodArgs, location="query")
    @blp.response(200, ProvidersReportOut)
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """The same metrics for every provider (commissioner, admin)."""
        return providers_report(db.session, viewer(), period_of(args), default_pricing(current_app.config),
                                current_app.config["SUPPRESSION_MIN_N"])


@blp.route("/exports/episodes.csv")
class EpisodeExportView(MethodView):
    """Closed episodes in the Client Level Data style."""

    @blp.doc(security=BEARER)
    @require_roles("manager", "admin")
    @blp.arguments(ExportArgs, location="query")
    @blp.response(200, description="CSV, one row per episode closed in the period", content_type="text/csv")
    def get(self, args: dict[str, Any]) -> Response:
        """One CSV row per episode whose `ended_on` is in the period (manager: own provider; admin)."""
        episodes = episode_export(db.session, viewer(), period_of(args), args["provider_id"])
        return csv_response(episodes_csv(episodes), "episodes.csv")
