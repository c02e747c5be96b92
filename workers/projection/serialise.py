"""Turning the projection's frozen dataclasses into JSON-ready dicts."""

from dataclasses import fields, is_dataclass
from datetime import date
from typing import Any


def to_jsonable(value: object) -> Any:
    """Convert dataclasses, lists, dates and datetimes to JSON-serialisable values."""
    if is_dataclass(value) and not isinstance(value, type):
        return {field.name: to_jsonable(getattr(value, field.name)) for field in fields(value)}
    if isinstance(value, date):  # datetime is a subclass of date
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [to_jsonable(item) for item in value]
    return value


class Serialisable:
    """Mixin giving a dataclass a `to_dict()` with ISO strings for dates and datetimes."""

    def to_dict(self) -> dict[str, Any]:
        """Return this object as a JSON-serialisable dict."""
        result: dict[str, Any] = to_jsonable(self)
        return result
