"""Outcomes-based contracts between the council and a provider."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Integer, Numeric, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from service.models.base import Base, UTCDateTime, utcnow

# Pounds and pence stored exactly; handed to Python as floats like the settings they override.
Money = Numeric(12, 2, asdecimal=False)


class Contract(Base):
    """A provider's contract: period, optional pricing overrides, outcome pot and weighted targets."""

    __tablename__ = "contracts"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    provider_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("providers.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    hourly_rate_gbp: Mapped[float | None] = mapped_column(Money)
    package_weeks: Mapped[int | None] = mapped_column(Integer)
    outcome_pot_gbp: Mapped[float] = mapped_column(Money)
    # [{"metric", "comparator": "ge" | "le", "value", "weight"}], weights summing to 1.
    targets: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
