"""GET /exports/cld.csv (the CLD Release 2 extract) and GET /exports/cld-check (what to fix first)."""

from __future__ import annotations

from typing import Any

from flask import Response, current_app
from flask.views import MethodView
from flask_smorest import Blueprint

from service.auth.access import BEARER, require_roles
from service.database import db
from service.exports.cld import cld_check, cld_rows
from service.exports.schemas import CldCheckOut
from service.reports.csv_output import cld_csv
from service.reports.downloads import csv_response
from service.reports.routes import period_of, viewer
from service.reports.schemas import ExportArgs

blp = Blueprint("statutory_exports", __name__, url_prefix="/api/v1",
                description="The Adult Social Care Client Level Data (CLD) Release 2 extract and its check.")


CLD_CSV = "CSV with every CLD Release 2 column, one row per reablement (ST-Max) service event open at some " \
          "time in the period; person fields this service does not hold are empty"


@blp.route("/exports/cld.csv")
class CldExportView(MethodView):
    """The ST-Max Service event rows of a CLD return."""

    @blp.doc(security=BEARER)
    @require_roles("manager", "admin")
    @blp.arguments(ExportArgs, location="query")
    @blp.response(200, description=CLD_CSV, content_type="text/csv")
    def get(self, args: dict[str, Any]) -> Response:
        """CLD Release 2 rows for the period (manager: own provider; admin: any or all).

        Dates are dd/mm/yyyy; `LA_Code` is the LA_CODE setting; `Event_Reference` is the episode id.
        An episode still open at the period end has an empty end date and outcome. Run
        `/exports/cld-check` first: it lists the rows to fix before submission.
        """
        rows = cld_rows(db.session, viewer(), period_of(args), args["provider_id"], current_app.config)
        return csv_response(cld_csv(rows), "cld.csv")


@blp.route("/exports/cld-check")
class CldCheckView(MethodView):
    """Data quality of the period's CLD rows."""

    @blp.doc(security=BEARER)
    @require_roles("manager", "admin")
    @blp.arguments(ExportArgs, location="query")
    @blp.response(200, CldCheckOut)
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """Rows to fix before submission: missing outcome, end before start, person reference empty or
        not matching PERSON_REF_PATTERN, LA_CODE not set (errors); early cessation without its reason
        (warning). Manager: own provider; admin: any or all.
        """
        return cld_check(db.session, viewer(), period_of(args), args["provider_id"], current_app.config)
