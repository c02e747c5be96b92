"""The service's calendar: every date is a Europe/London calendar day, as councils count them."""

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")


def today_london() -> date:
    """Today's date in Europe/London."""
    return datetime.now(LONDON).date()


def london_date(moment: datetime) -> date:
    """Return the Europe/London calendar date of an aware moment."""
    return moment.astimezone(LONDON).date()


def london_midnight(day: date) -> datetime:
    """Return the start of a Europe/London calendar day, in UTC."""
    return datetime.combine(day, time(), tzinfo=LONDON).astimezone(UTC)
