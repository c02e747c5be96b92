"""GET /reports/flags."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import fields, validate

from service.auth.access import BEARER, current_user, require_roles
from service.database import db
from service.domain import FLAG_NAMES
from service.episodes.schemas import EpisodeRefOut, FlagOut
from service.flags.queries import open_flags
from service.schemas import PaginationArgs, page_body, page_schema

blp = Blueprint("flags", __name__, url_prefix="/api/v1/reports", description="Flags managers must look at.")


class FlagReportArgs(PaginationArgs):
    """Filters of the flags report."""

    flag = fields.String(validate=validate.OneOf(FLAG_NAMES))
    provider_id = fields.UUID()


class FlagItemOut(FlagOut, EpisodeRefOut):
    """One raised flag, and its episode (the episode's fields come first)."""


@blp.route("/flags")
class FlagsReportView(MethodView):
    """Open flags."""

    @blp.doc(security=BEARER)
    @require_roles("manager", "admin")
    @blp.arguments(FlagReportArgs, location="query")
    @blp.response(200, page_schema(FlagItemOut, "FlagPage"))
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """Raised flags, oldest first (from derived state)."""
        items, total = open_flags(db.session, current_user(), flag=args.get("flag"),
                                  provider_id=args.get("provider_id"), page=args["page"], page_size=args["page_size"])
        return page_body(items, args["page"], args["page_size"], total)
