"""Calendar days in Europe/London, the time zone every date in the service refers to."""

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")


def london_date(moment: datetime) -> date:
    """Return the Europe/London calendar date of an aware moment."""
    return moment.astimezone(LONDON).date()


def london_midnight(day: date) -> datetime:
    """Return the start of a Europe/London calendar day, in UTC."""
    return datetime.combine(day, time(), tzinfo=LONDON).astimezone(UTC)
