"""How the service is: database and queue reachability, and how far derived state lags the log."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from service.projections.lag import projection_lag
from service.queue import queue_status


def health(session: Session) -> dict[str, Any]:
    """The health report; `status` is "down" when the database cannot be reached."""
    database, lag = "ok", None
    try:
        session.execute(text("SELECT 1"))
        lag = projection_lag(session)
    except SQLAlchemyError:
        database = "down"
        session.rollback()
    return {"status": database, "database": database, "queue": queue_status(), "projection_lag": lag}
