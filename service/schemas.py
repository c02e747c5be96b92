"""Schemas and helpers shared by several resources (pagination, strict timestamps)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import marshmallow as ma
from marshmallow import fields, validate

from service.input_limits import unstorable_text

# The last page anyone could need: 1,000,000 pages of 500 is far more rows than any table holds,
# and (page - 1) * page_size stays well inside what the database's OFFSET accepts.
MAX_PAGE = 1_000_000

# Marks a response field that some responses leave out; every other response field is documented as required.
SOMETIMES_ABSENT = "x-sometimes-absent"


def sometimes_absent(field: fields.Field[Any]) -> fields.Field[Any]:
    """Document a response field as optional (absent from some responses) rather than required."""
    field.metadata = {**field.metadata, SOMETIMES_ABSENT: True}
    return field


class StrictSchema(ma.Schema):
    """Base of every request schema: unknown fields and unstorable text are a 422 naming the field.

    Fields listed in `JUDGED_ALONE` are left to the code that loads each of their items on its own
    (a batch's visits), so one bad item is refused alone.
    """

    JUDGED_ALONE: tuple[str, ...] = ()

    class Meta:
        unknown = ma.RAISE

    @ma.pre_load
    def _storable_text(self, data: Any, **_: Any) -> Any:
        """Refuse NUL and unpaired surrogates anywhere in the input, naming where they are."""
        if isinstance(data, Mapping):
            errors = unstorable_text({key: value for key, value in data.items() if key not in self.JUDGED_ALONE})
            if errors:
                raise ma.ValidationError(errors)
        return data


class AwareDateTime(fields.AwareDateTime):
    """RFC 3339 timestamp that must carry an offset (a naive one is a 422)."""

    default_error_messages = {
        "invalid": "Not a valid RFC 3339 timestamp.",
        "invalid_awareness": "The timestamp must include an offset, e.g. +00:00.",
    }


class PaginationArgs(StrictSchema):
    """`?page=&page_size=` (default 50, max 500; pages 1 to 1,000,000)."""

    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=MAX_PAGE))
    page_size = fields.Integer(load_default=50, validate=validate.Range(min=1, max=500))


def page_schema(item: type[ma.Schema] | ma.Schema, name: str) -> type[ma.Schema]:
    """A paginated list schema `{"items", "page", "page_size", "total"}` around `item`."""
    return ma.Schema.from_dict(
        {
            "items": fields.List(fields.Nested(item)),
            "page": fields.Integer(),
            "page_size": fields.Integer(),
            "total": fields.Integer(),
        },
        name=name,
    )


def page_body(items: list[Any], page: int, page_size: int, total: int) -> dict[str, Any]:
    """The paginated list body."""
    return {"items": items, "page": page, "page_size": page_size, "total": total}
