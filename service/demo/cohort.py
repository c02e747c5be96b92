"""A synthetic but realistic cohort of episodes for the two demo providers (pure: dates in, plans out)."""

from __future__ import annotations

import random
from datetime import date, timedelta

from service.demo.catalogue import (
    CESSATION_REASON_MIX,
    GOALS,
    OTHER_FOLLOW_UP,
    PROVIDERS,
    WORKERS_PER_PROVIDER,
    ProviderProfile,
)
from service.demo.plans import ClosurePlan, EpisodePlan, FollowUpPlan, GoalPlan
from service.demo.visits import VisitCourse, plan_visits
from service.domain.follow_up import FOLLOW_UP_AFTER, HOSPITAL_DISCHARGE, is_follow_up_eligible
from service.domain.outcomes import EARLY_CESSATION, NEEDS_END_PACKAGE

PLANNED_DAYS = 42
HOSPITAL_SHARE = 0.7
# Shares of each provider's episodes that are still running, and open past their planned end.
CURRENT_SHARE = 0.13
OVERDUE_SHARE = 0.03
FOLLOW_UP_RECORDED_SHARE = 0.85

CURRENT, OVERDUE, CLOSED = "current", "overdue", "closed"


def build_cohort(episodes: int, seed: int, today: date) -> list[EpisodePlan]:
    """`episodes` episodes split between the providers, oldest first; a seed and a day always give the same plans."""
    rng = random.Random(seed)
    plans: list[EpisodePlan] = []
    for index, profile in enumerate(PROVIDERS):
        count = episodes // len(PROVIDERS) + (1 if index < episodes % len(PROVIDERS) else 0)
        plans.extend(provider_cohort(rng, profile, count, today))
    return sorted(plans, key=lambda plan: (plan.started_on, plan.person_ref))


def provider_cohort(rng: random.Random, profile: ProviderProfile, count: int, today: date) -> list[EpisodePlan]:
    """One provider's episodes: a running caseload for every worker, a few overdue, the rest closed."""
    current = min(count, max(WORKERS_PER_PROVIDER, round(count * CURRENT_SHARE)))
    overdue = min(count - current, max(1, round(count * OVERDUE_SHARE)))
    numbers = rng.sample(range(100, 1_000_000), count)
    plans = []
    for position, number in enumerate(numbers):
        if position < current:
            stage, started_on = CURRENT, today - timedelta(days=rng.randint(0, PLANNED_DAYS - 2))
            worker = profile.workers[position % WORKERS_PER_PROVIDER]
        else:
            stage = OVERDUE if position < current + overdue else CLOSED
            low, high = (PLANNED_DAYS + 4, PLANNED_DAYS + 38) if stage == OVERDUE else (PLANNED_DAYS, 365)
            started_on = today - timedelta(days=rng.randint(low, high))
            worker = rng.choice(profile.workers)
        plans.append(plan_episode(rng, profile, f"{profile.ref_prefix}-{number:06d}", stage, started_on,
                                  worker, today))
    return plans


def weighted_outcome(rng: random.Random, profile: ProviderProfile) -> str:
    """An outcome drawn from the provider's outcome mix."""
    codes = list(profile.outcome_weights)
    return rng.choices(codes, weights=[profile.outcome_weights[code] for code in codes])[0]


def plan_goals(rng: random.Random, started_on: date) -> tuple[GoalPlan, ...]:
    """One to three goals from different domains."""
    domains = rng.sample(sorted(GOALS), rng.choice((1, 2, 2, 3)))
    goals = []
    for domain in domains:
        baseline = rng.choice((0, 1, 1, 2, 2, 3))
        goals.append(GoalPlan(domain=domain, description=rng.choice(GOALS[domain]), baseline_level=baseline,
                              target_level=min(5, baseline + rng.choice((2, 2, 3))),
                              target_on=started_on + timedelta(days=rng.randint(21, PLANNED_DAYS))))
    return tuple(goals)


def cessation_reason(outcome: str, person_ref: str) -> str | None:
    """Why an early cessation happened, drawn from its own stream so the rest of the cohort is unchanged."""
    mix = CESSATION_REASON_MIX.get(outcome)
    if mix is None:
        return None
    return random.Random(f"cessation:{person_ref}").choices(list(mix), weights=list(mix.values()))[0]


def plan_closure(rng: random.Random, outcome: str, ended_on: date, start_need: float,
                 profile: ProviderProfile, person_ref: str) -> ClosurePlan:
    """The closure, with an end need consistent with the outcome (a package only when long-term support follows)."""
    end_need = 0.0
    if outcome in NEEDS_END_PACKAGE:
        end_need = max(1.0, round(start_need * rng.uniform(*profile.end_need_share) * 2) / 2)
    return ClosurePlan(ended_on=ended_on, end_need_hours_per_week=end_need, outcome=outcome,
                       cessation_reason=cessation_reason(outcome, person_ref))


def plan_follow_up(rng: random.Random, profile: ProviderProfile, discharged_on: date | None, age: int,
                   today: date) -> FollowUpPlan | None:
    """Most eligible people whose 91 days have passed are followed up; most are at home."""
    if discharged_on is None or not is_follow_up_eligible(HOSPITAL_DISCHARGE, age):
        return None
    due_on = discharged_on + FOLLOW_UP_AFTER
    if due_on > today or rng.random() > FOLLOW_UP_RECORDED_SHARE:
        return None
    status = "at_home" if rng.random() < profile.at_home_share else rng.choice(OTHER_FOLLOW_UP)
    return FollowUpPlan(assessed_on=min(today, due_on + timedelta(days=rng.randint(0, 10))), status=status)


def plan_episode(rng: random.Random, profile: ProviderProfile, person_ref: str, stage: str, started_on: date,
                 worker: str, today: date) -> EpisodePlan:
    """One episode: the person, goals, the visits so far and, for closed episodes, closure and follow-up."""
    yesterday = today - timedelta(days=1)
    age = min(98, max(55, round(rng.triangular(55, 98, 84))))
    from_hospital = rng.random() < HOSPITAL_SHARE
    discharged_on = started_on - timedelta(days=1) if from_hospital else None
    referred_on = started_on - timedelta(days=rng.randint(1, 4) if from_hospital else rng.randint(3, 21))
    start_need = round((rng.uniform(4, 24) + (age - 55) / 6) * 2) / 2
    goals = plan_goals(rng, started_on)
    outcome = weighted_outcome(rng, profile) if stage == CLOSED else None
    planned_days = rng.randint(*profile.length_of_stay_days)
    if stage == OVERDUE:
        planned_days = (yesterday - started_on).days
    last_day = min(yesterday, started_on + timedelta(days=planned_days))
    if outcome in EARLY_CESSATION:
        last_day = started_on + timedelta(days=rng.randint(3, 14))
    plateau_share = {CURRENT: profile.plateau_share / 2, OVERDUE: 0.7}.get(stage, profile.plateau_share)
    plateaus = tuple((outcome is None or outcome in NEEDS_END_PACKAGE) and rng.random() < plateau_share for _ in goals)
    if outcome in NEEDS_END_PACKAGE and not any(plateaus):
        plateaus = (True, *plateaus[1:])
    course = VisitCourse(started_on=started_on, planned_days=planned_days, last_day=last_day, plateaus=plateaus,
                         start_need=start_need, with_concern=rng.random() < profile.concern_share,
                         ends_ready=outcome is not None and outcome not in EARLY_CESSATION)
    visits = plan_visits(rng, profile, goals, course)
    closure = plan_closure(rng, outcome, last_day, start_need, profile, person_ref) if outcome else None
    return EpisodePlan(
        provider=profile.key, person_ref=person_ref, age_at_referral=age,
        referral_source="hospital_discharge" if from_hospital else "community", referred_on=referred_on,
        started_on=started_on, hospital_discharge_on=discharged_on, start_need_hours_per_week=start_need,
        worker=worker, goals=goals, visits=visits, closure=closure,
        follow_up=plan_follow_up(rng, profile, discharged_on, age, today),
    )
