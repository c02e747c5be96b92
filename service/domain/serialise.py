"""Turning the projection's frozen dataclasses into JSON-ready dicts."""

from dataclasses import fields, is_dataclass
from datetime import date
from typing import Any

# Field names per dataclass, looked up once: serialising runs for every episode of a rebuild.
_FIELD_NAMES: dict[type, tuple[str, ...]] = {}
_PLAIN = (str, int, float, bool, type(None))


def to_jsonable(value: object) -> Any:
    """Convert dataclasses, lists, dates and datetimes to JSON-serialisable values."""
    if isinstance(value, _PLAIN):
        return value
    names = _FIELD_NAMES.get(type(value))
    if names is None and is_dataclass(value) and not isinstance(value, type):
        names = _FIELD_NAMES[type(value)] = tuple(field.name for field in fields(value))
    if names is not None:
        return {name: to_jsonable(getattr(value, name)) for name in names}
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
