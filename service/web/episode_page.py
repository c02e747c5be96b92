"""Everything the manager's episode page shows: the episode, goal charts, workers, the timeline and the forms."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from flask_wtf import FlaskForm
from sqlalchemy.orm import Session

from service.admin.accounts import WorkerChoice, provider_workers, usernames_by_id
from service.domain.calendar import today_london
from service.episodes.reads import read_episode
from service.events.store import read_stream
from service.models import User
from service.web.charts import Chart, goal_chart
from service.web.episode_forms import AssignForm, GoalForm, ReviseGoalForm, WithdrawGoalForm
from service.web.forms import CloseForm, FollowUpForm, options
from service.web.timeline import TimelineEntry, build_timeline


@dataclass(frozen=True)
class GoalView:
    """One goal as the API shows it, with its chart."""

    goal: dict[str, Any]
    chart: Chart


@dataclass(frozen=True)
class EpisodePage:
    """The episode page's content."""

    episode: dict[str, Any]
    goals: list[GoalView]
    timeline: list[TimelineEntry]
    assigned: list[tuple[str, str]]
    assignable: list[WorkerChoice]
    follow_up_open: bool

    @property
    def corrections(self) -> int:
        """How many entries have been corrected or voided."""
        return sum(1 for entry in self.timeline if entry.corrections)


def _goal_view(goal: dict[str, Any], start: date, end: date) -> GoalView:
    """A goal with the chart of its observations."""
    observations = [(datetime.fromisoformat(item["occurred_at"].replace("Z", "+00:00")), int(item["level"]))
                    for item in goal["observations"]]
    chart = goal_chart(goal["description"], observations, goal["baseline_level"], goal["target_level"], start, end)
    return GoalView(goal=goal, chart=chart)


def follow_up_can_be_recorded(episode: dict[str, Any], today: date) -> bool:
    """The follow-up form is shown only where a follow-up would be accepted: eligible, due, none recorded."""
    follow_up = episode.get("follow_up")
    return bool(follow_up and not follow_up["status"] and date.fromisoformat(follow_up["due_on"]) <= today)


def episode_page(session: Session, user: User, episode_id: uuid.UUID) -> EpisodePage:
    """The page of an episode the user may see (404 otherwise, e.g. for commissioners)."""
    episode = read_episode(session, user, episode_id)
    events = read_stream(session, episode_id)
    ids = {str(event.actor_id) for event in events if event.actor_id}
    ids |= {str(event.data["worker_id"]) for event in events if event.data.get("worker_id")}
    names = usernames_by_id(session, ids)
    goal_names = {goal["id"]: goal["description"] for goal in episode["goals"]}
    start = date.fromisoformat(episode["started_on"])
    end = date.fromisoformat(episode["ended_on"] or episode["planned_end_on"])
    assigned = [(worker_id, names.get(worker_id, "a worker")) for worker_id in episode["worker_ids"]]
    assignable = [worker for worker in provider_workers(session, uuid.UUID(episode["provider_id"]))
                  if worker.id not in episode["worker_ids"]]
    return EpisodePage(
        episode=episode,
        goals=[_goal_view(goal, start, end) for goal in episode["goals"]],
        timeline=build_timeline(events, names, goal_names),
        assigned=sorted(assigned, key=lambda pair: pair[1]),
        assignable=assignable,
        follow_up_open=follow_up_can_be_recorded(episode, today_london()),
    )


def episode_forms(page: EpisodePage, shown: FlaskForm | None, slot: str | None) -> dict[str, Any]:
    """Every form of the page, blank (dated today where that helps), with the submitted one in its slot."""
    episode = page.episode
    today = today_london()
    forms: dict[str, Any] = {
        "close": CloseForm(formdata=None, ended_on=today),
        "follow-up": FollowUpForm(formdata=None, assessed_on=today),
        "goal": GoalForm(formdata=None, prefix="goal"),
        "assign": AssignForm(formdata=None, prefix="assign"),
    }
    for view in page.goals:
        goal = view.goal
        forms[f"revise-{goal['id']}"] = ReviseGoalForm(
            formdata=None, prefix=f"revise-{goal['id']}", description=goal["description"],
            target_level=goal["target_level"],
            target_on=date.fromisoformat(goal["target_on"]) if goal["target_on"] else None)
        forms[f"withdraw-{goal['id']}"] = WithdrawGoalForm(formdata=None, prefix=f"withdraw-{goal['id']}")
    forms["assign"].worker_id.choices = options([("", "Choose a worker"),
                                                 *((worker.id, worker.name) for worker in page.assignable)])
    if shown is not None and slot is not None:
        if slot == "assign" and isinstance(shown, AssignForm):
            shown.worker_id.choices = forms["assign"].worker_id.choices
        forms[slot] = shown
    for form in forms.values():
        if hasattr(form, "version"):
            form.version.data = form.version.data or str(episode["version"])
    return forms
