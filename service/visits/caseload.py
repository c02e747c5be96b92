"""A worker's caseload: open episodes they are assigned to, with active goals and current levels."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from service.episodes.commands import worker_episode_ids
from service.episodes.reads import derive
from service.models import User


def caseload(session: Session, worker: User) -> list[dict[str, Any]]:
    """The worker's open episodes (no notes or free text from other workers)."""
    items = []
    for episode_id in worker_episode_ids(session, worker.id):
        state = derive(session, episode_id)
        items.append({
            "id": str(episode_id),
            "person_ref": state.person_ref,
            "started_on": state.started_on.isoformat(),
            "planned_end_on": state.planned_end_on.isoformat(),
            "version": state.version,
            "last_visit_at": state.last_visit_at.isoformat() if state.last_visit_at else None,
            "goals": [
                {"id": goal.id, "domain": goal.domain, "description": goal.description,
                 "baseline_level": goal.baseline_level, "target_level": goal.target_level,
                 "current_level": goal.current_level, "progress_pct": goal.progress_pct, "achieved": goal.achieved}
                for goal in state.goals if goal.status == "active"
            ],
        })
    return items
