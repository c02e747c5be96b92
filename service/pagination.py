"""One page of a SELECT and the total it pages through."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session


def paginate(session: Session, statement: Select[*tuple[Any, ...]], page: int,
             page_size: int) -> tuple[list[Any], int]:
    """Rows of page `page` (1-based) of an ordered `statement`, and the total row count."""
    total = session.execute(select(func.count()).select_from(statement.order_by(None).subquery())).scalar_one()
    rows = session.execute(statement.offset((page - 1) * page_size).limit(page_size))
    return list(rows), int(total)
