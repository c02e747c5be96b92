"""The manager's flags queue: open flags grouped in the order a manager should act on them."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from service.flags.queries import open_flags
from service.models import User
from service.web.labels import FLAG_LABELS, FLAG_QUEUE_ORDER

# Flags shown per group; the rest are counted (the oldest come first, so the longest-waiting are never hidden).
GROUP_LIMIT = 200


@dataclass(frozen=True)
class FlagGroup:
    """The raised flags of one kind, oldest first, and how many there are in all."""

    flag: str
    label: str
    items: list[dict[str, Any]]
    total: int

    @property
    def waiting(self) -> int:
        """How many of the shown flags no manager has acknowledged yet."""
        return sum(1 for item in self.items if not item["acknowledged"])


def flag_queue(session: Session, user: User, provider_id: uuid.UUID | None) -> list[FlagGroup]:
    """Early completions first (they free a place), then concerns, stalled, overdue, follow-ups due."""
    groups = []
    for flag in FLAG_QUEUE_ORDER:
        items, total = open_flags(session, user, flag=flag, provider_id=provider_id, page=1, page_size=GROUP_LIMIT)
        groups.append(FlagGroup(flag=flag, label=FLAG_LABELS[flag], items=items, total=total))
    return groups
