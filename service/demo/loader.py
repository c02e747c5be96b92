"""Loading a demo cohort through the same service commands the API calls, then refreshing derived state once."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from service.admin.accounts import create_provider, create_user
from service.database import db
from service.demo.catalogue import ACCOUNTS, PROVIDERS
from service.demo.plans import EpisodePlan, VisitPlan
from service.domain.errors import DomainError
from service.episodes import commands
from service.episodes.schemas import Closure, EpisodeCreate, FollowUpCreate, GoalCreate
from service.models import Episode, EpisodeFlag, Event, Provider, User
from service.projections.refresh import refresh_episodes
from service.visits.recording import VisitRecorder

REFRESH_CHUNK = 200
# The API's request schemas, built once and reused for every body.
EPISODE_SCHEMA, GOAL_SCHEMA = EpisodeCreate(), GoalCreate()
CLOSURE_SCHEMA, FOLLOW_UP_SCHEMA = Closure(), FollowUpCreate()


@dataclass(frozen=True)
class DemoAccounts:
    """The demo providers (by profile key) and users (by username)."""

    providers: dict[str, Provider]
    users: dict[str, User]

    def manager_of(self, provider_key: str) -> User:
        """The provider's demo manager."""
        return self.users[f"manager.{provider_key}"]


def demo_data_present(session: Session) -> bool:
    """Whether any provider exists (then the database is not empty and `--if-empty` does nothing)."""
    return session.execute(select(Provider.id).limit(1)).first() is not None


def create_accounts(session: Session, password: str) -> DemoAccounts:
    """Both providers and every demo user, all with the one demo password."""
    providers = {profile.key: create_provider(session, profile.name, profile.kind) for profile in PROVIDERS}
    users = {username: create_user(session, username, password, role,
                                   providers[key].id if key else None)
             for username, role, key in ACCOUNTS}
    return DemoAccounts(providers=providers, users=users)


def visit_body(visit: VisitPlan, episode_id: uuid.UUID, goal_ids: Sequence[str]) -> dict[str, Any]:
    """The visit in the shape `VisitIn().load()` gives the API (built directly: it is the seed's hot path)."""
    return {
        "id": visit.id, "episode_id": episode_id, "occurred_at": visit.occurred_at,
        "duration_minutes": visit.duration_minutes, "carers": visit.carers,
        "goal_progress": [{"goal_id": uuid.UUID(goal_ids[index]), "level": level, "note": None}
                          for index, level in visit.levels],
        "wellbeing": visit.wellbeing, "concerns": list(visit.concerns), "note": visit.note,
        "ready_for_discharge": visit.ready_for_discharge,
    }


def load_episode(session: Session, plan: EpisodePlan, accounts: DemoAccounts) -> uuid.UUID:
    """Open, set goals, record visits, then close and follow up as the plan says; returns the episode id."""
    manager = accounts.manager_of(plan.provider)
    worker = accounts.users[plan.worker]
    head = commands.open_episode(session, manager, EPISODE_SCHEMA.load({
        "person_ref": plan.person_ref, "age_at_referral": plan.age_at_referral,
        "provider_id": str(accounts.providers[plan.provider].id), "referral_source": plan.referral_source,
        "referred_on": plan.referred_on.isoformat(), "started_on": plan.started_on.isoformat(),
        "hospital_discharge_on": plan.hospital_discharge_on.isoformat() if plan.hospital_discharge_on else None,
        "start_need_hours_per_week": plan.start_need_hours_per_week, "worker_ids": [str(worker.id)],
    }))
    episode_id = head.id
    goal_ids = []
    for goal in plan.goals:
        _, goal_id = commands.set_goal(session, manager, episode_id, GOAL_SCHEMA.load({
            "domain": goal.domain, "description": goal.description, "baseline_level": goal.baseline_level,
            "target_level": goal.target_level, "target_on": goal.target_on.isoformat()}), None)
        goal_ids.append(goal_id)
    visits = [visit_body(visit, episode_id, goal_ids) for visit in plan.visits]
    recorder = VisitRecorder(session, worker, visits)
    for visit in visits:
        recorder.record(visit)
    recorder.write()
    if plan.concern_reviewed:
        commands.acknowledge_flag(session, manager, episode_id, "concern", "Reviewed with the worker.", None)
    if plan.closure is not None:
        commands.close_episode(session, manager, episode_id, CLOSURE_SCHEMA.load({
            "ended_on": plan.closure.ended_on.isoformat(),
            "end_need_hours_per_week": plan.closure.end_need_hours_per_week,
            "outcome": plan.closure.outcome, "cessation_reason": plan.closure.cessation_reason}), None)
    if plan.follow_up is not None:
        commands.record_follow_up(session, manager, episode_id, FOLLOW_UP_SCHEMA.load({
            "assessed_on": plan.follow_up.assessed_on.isoformat(), "status": plan.follow_up.status}), None)
    return episode_id


def refresh_all(episode_ids: Sequence[uuid.UUID], today: date) -> None:
    """Bring every loaded episode's derived state and flags up to date, a chunk per transaction."""
    confirmations = current_app.config["ACHIEVEMENT_CONFIRMATIONS"]
    for start in range(0, len(episode_ids), REFRESH_CHUNK):
        with db.transaction() as session:
            refresh_episodes(session, episode_ids[start:start + REFRESH_CHUNK], today=today,
                             confirmations=confirmations)


def load_cohort(plans: Sequence[EpisodePlan], password: str, today: date) -> DemoAccounts:
    """Create the accounts, load every episode (one transaction each) and refresh derived state."""
    with db.transaction() as session:
        accounts = create_accounts(session, password)
    episode_ids = []
    for plan in plans:
        try:
            with db.transaction() as session:
                episode_ids.append(load_episode(session, plan, accounts))
        except DomainError as error:
            # The cohort broke a rule the service enforces: a bug in the generator, so name the episode.
            raise RuntimeError(f"demo episode {plan.person_ref} was refused: {error.message} {error.errors}") from error
    refresh_all(episode_ids, today)
    return accounts


@dataclass(frozen=True)
class ProviderCounts:
    """What a provider ended up with."""

    name: str
    open_episodes: int
    closed_episodes: int
    events: int
    flags: dict[str, int]


def provider_counts(session: Session, provider: Provider) -> ProviderCounts:
    """Episodes by status, events and raised flags of one provider."""
    statuses = {status: int(count) for status, count in session.execute(
        select(Episode.status, func.count()).where(Episode.provider_id == provider.id).group_by(Episode.status))}
    events = session.execute(select(func.count()).select_from(Event).join(Episode, Event.episode_id == Episode.id)
                             .where(Episode.provider_id == provider.id)).scalar_one()
    flags = {flag: int(count) for flag, count in session.execute(
        select(EpisodeFlag.flag, func.count()).where(EpisodeFlag.provider_id == provider.id)
        .group_by(EpisodeFlag.flag).order_by(EpisodeFlag.flag))}
    return ProviderCounts(name=provider.name, open_episodes=statuses.get("open", 0),
                          closed_episodes=statuses.get("closed", 0), events=int(events), flags=flags)
