"""The service's calendar: dates are Europe/London, as councils and DOMAIN.md count them."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")


def today_london() -> dt.date:
    """Today's date in Europe/London."""
    return dt.datetime.now(LONDON).date()
