"""Managers' pages: the flags queue, episodes, and the forms that acknowledge, close and follow up."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from typing import Any

import marshmallow as ma
from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_wtf import FlaskForm
from wtforms import Field
from wtforms.fields import FieldList, FormField

from service.admin.accounts import provider_workers
from service.database import db
from service.domain.calendar import today_london
from service.domain.errors import DomainError, NotFound
from service.episodes import service as episode_service
from service.episodes.reads import list_episodes, read_episode
from service.episodes.schemas import AssignmentCreate, EpisodeCreate, GoalCreate, GoalRevision, GoalWithdrawal
from service.errors import http_status
from service.schemas import MAX_PAGE
from service.web.blueprint import web
from service.web.checking import place_refusal, schema_checked
from service.web.episode_forms import AssignForm, GoalForm, OpenEpisodeForm, ReviseGoalForm, WithdrawGoalForm
from service.web.episode_page import episode_forms, episode_page
from service.web.flag_queue import flag_queue
from service.web.forms import AcknowledgeForm, CloseForm, EpisodeForm, FollowUpForm, choices, options
from service.web.labels import FLAG_LABELS
from service.web.session_auth import page_for, safe_next, signed_in_user
from service.web.viewing import provider_choices, requested_provider

MANAGERS = ("manager", "admin")
EPISODES_PER_PAGE = 50


@web.route("/flags")
@page_for(*MANAGERS)
def flags() -> ResponseReturnValue:
    """Open flags of the manager's provider (an admin picks one, or sees all), in the order to act on them."""
    user = signed_in_user()
    provider_id = requested_provider(user)
    groups = flag_queue(db.session, user, provider_id)
    return render_template("web/flags.html", groups=groups, providers=provider_choices(user),
                           provider_id=str(provider_id or ""))


@web.route("/episodes/<uuid:episode_id>/flags/<flag>/acknowledge", methods=["POST"])
@page_for(*MANAGERS)
def acknowledge(episode_id: uuid.UUID, flag: str) -> ResponseReturnValue:
    """Acknowledge a raised flag, then go back to the page the form was on."""
    if flag not in FLAG_LABELS:
        abort(404)
    form = AcknowledgeForm()
    back = safe_next(form.next.data) or url_for("web.flags")
    if not form.validate():
        flash("The note is too long (1,000 characters at most); nothing was recorded.", "error")
        return redirect(back, 303)
    try:
        episode_service.acknowledge_flag(db.session, signed_in_user(), episode_id, flag, form.note.data or None, None)
    except DomainError as error:
        if isinstance(error, NotFound):
            raise
        db.session.rollback()
        flash(error.message, "error")
        return redirect(back, 303)
    flash(f"{FLAG_LABELS[flag]}: acknowledged.", "success")
    return redirect(back, 303)


@web.route("/episodes")
@page_for(*MANAGERS)
def episodes() -> ResponseReturnValue:
    """The provider's episodes, newest first, open or closed."""
    status = request.args.get("status", "open")
    status = status if status in ("open", "closed") else "open"
    page = request.args.get("page", 1, type=int) or 1
    if not 1 <= page <= MAX_PAGE:
        abort(404)
    items, total = list_episodes(db.session, signed_in_user(), status=status, flag=None, page=page,
                                 page_size=EPISODES_PER_PAGE)
    pages = max((total + EPISODES_PER_PAGE - 1) // EPISODES_PER_PAGE, 1)
    return render_template("web/episodes.html", items=items, total=total, status=status, page=page, pages=pages)


def leaf_fields(fields: Any) -> Iterator[Field]:
    """Every input field, descending into lists of sub-forms (e.g. contract targets, whose labels say which)."""
    for field in fields:
        if isinstance(field, FieldList):
            for entry in field.entries:
                yield from leaf_fields(entry.form if isinstance(entry, FormField) else [entry])
        elif isinstance(field, FormField):
            yield from leaf_fields(field.form)
        else:
            yield field


def problems_of(form: FlaskForm | None) -> list[tuple[str, str]]:
    """A submitted form's errors for the summary at the top of the page: (message, link to the field)."""
    if form is None:
        return []
    problems = [(message, "#main") for message in form.form_errors]
    for field in leaf_fields(form):
        problems.extend((f"{field.label.text}: {message}", f"#{field.id}") for message in field.errors)
    return problems


def render_episode(episode_id: uuid.UUID, shown: FlaskForm | None = None, slot: str | None = None) -> str:
    """The episode page; `shown` is a submitted form re-shown with its errors in the place `slot` names."""
    content = episode_page(db.session, signed_in_user(), episode_id)
    forms = episode_forms(content, shown, slot)
    return render_template("web/episode.html", page=content, episode=content.episode, forms=forms,
                           close_form=forms["close"], follow_up_form=forms["follow-up"],
                           problems=problems_of(shown), shown_slot=slot)


@web.route("/episodes/<uuid:episode_id>")
@page_for(*MANAGERS)
def episode(episode_id: uuid.UUID) -> ResponseReturnValue:
    """One episode: goals with charts, workers, the timeline, and the forms that act on it."""
    return render_episode(episode_id)


def submit(episode_id: uuid.UUID, form: FlaskForm, slot: str, command: Callable[[], object], done: str,
           anchor: str = "") -> ResponseReturnValue:
    """Run `command` for a valid form, then redirect with `done`; else re-show the page with the errors."""
    status = 422
    if form.validate():
        try:
            command()
        except Refused:
            status = 422
        except DomainError as error:
            if isinstance(error, NotFound) and not error.errors.keys() - {"id", "episode_id"}:
                raise
            db.session.rollback()
            place_refusal(form, error)
            status = http_status(error)
        else:
            flash(done, "success")
            return redirect(url_for("web.episode", episode_id=episode_id) + anchor, 303)
    db.session.rollback()
    return render_episode(episode_id, form, slot), status


class Refused(Exception):
    """The API's schema refused the form's body; the messages are already on the form."""


def checked(schema: ma.Schema, body: dict[str, Any], form: FlaskForm) -> dict[str, Any]:
    """`body` as the API's schema loads it; Refused (messages placed on the form) otherwise."""
    loaded = schema_checked(schema, body, form)
    if loaded is None:
        raise Refused
    return loaded


@web.route("/episodes/<uuid:episode_id>/close", methods=["POST"])
@page_for(*MANAGERS)
def close(episode_id: uuid.UUID) -> ResponseReturnValue:
    """Close the episode with its end date, end need and outcome."""
    form = CloseForm()
    return submit(episode_id, form, "close", lambda: episode_service.close_episode(
        db.session, signed_in_user(), episode_id, form.body(), form.seen_version()), "The episode is closed.")


@web.route("/episodes/<uuid:episode_id>/follow-up", methods=["POST"])
@page_for(*MANAGERS)
def follow_up(episode_id: uuid.UUID) -> ResponseReturnValue:
    """Record the 91-day follow-up."""
    form = FollowUpForm()
    return submit(episode_id, form, "follow-up", lambda: episode_service.record_follow_up(
        db.session, signed_in_user(), episode_id, form.body(), form.seen_version()),
        "The 91-day follow-up is recorded.")


@web.route("/episodes/<uuid:episode_id>/goals", methods=["POST"])
@page_for(*MANAGERS)
def set_goal(episode_id: uuid.UUID) -> ResponseReturnValue:
    """Set a goal: the person's words, an area of life, baseline and target levels."""
    form = GoalForm(prefix="goal")
    return submit(episode_id, form, "goal", lambda: episode_service.set_goal(
        db.session, signed_in_user(), episode_id, checked(GoalCreate(), form.body(), form), form.seen_version()),
        "The goal is set.", "#goals-heading")


def goal_of(episode_id: uuid.UUID, goal_id: uuid.UUID) -> dict[str, Any]:
    """The episode's goal (404 when it has no such goal)."""
    body = read_episode(db.session, signed_in_user(), episode_id)
    goal = next((goal for goal in body["goals"] if goal["id"] == str(goal_id)), None)
    if goal is None:
        abort(404)
    return goal


@web.route("/episodes/<uuid:episode_id>/goals/<uuid:goal_id>/revise", methods=["POST"])
@page_for(*MANAGERS)
def revise_goal(episode_id: uuid.UUID, goal_id: uuid.UUID) -> ResponseReturnValue:
    """Change a goal's words, target level or target date (only what changed is recorded)."""
    goal = goal_of(episode_id, goal_id)
    form = ReviseGoalForm(prefix=f"revise-{goal_id}")
    return submit(episode_id, form, f"revise-{goal_id}", lambda: episode_service.revise_goal(
        db.session, signed_in_user(), episode_id, goal_id, checked(GoalRevision(), form.body(goal), form),
        form.seen_version()), "The goal is revised.", f"#goal-{goal_id}")


@web.route("/episodes/<uuid:episode_id>/goals/<uuid:goal_id>/withdraw", methods=["POST"])
@page_for(*MANAGERS)
def withdraw_goal(episode_id: uuid.UUID, goal_id: uuid.UUID) -> ResponseReturnValue:
    """Withdraw a goal with the reason."""
    goal_of(episode_id, goal_id)
    form = WithdrawGoalForm(prefix=f"withdraw-{goal_id}")
    return submit(episode_id, form, f"withdraw-{goal_id}", lambda: episode_service.withdraw_goal(
        db.session, signed_in_user(), episode_id, goal_id,
        checked(GoalWithdrawal(), {"reason": (form.reason.data or "").strip()}, form)["reason"],
        form.seen_version()), "The goal is withdrawn.", f"#goal-{goal_id}")


@web.route("/episodes/<uuid:episode_id>/assignments", methods=["POST"])
@page_for(*MANAGERS)
def assign(episode_id: uuid.UUID) -> ResponseReturnValue:
    """Assign one of the provider's workers."""
    form = AssignForm(prefix="assign")
    form.worker_id.choices = options((choice.id, choice.name) for choice in provider_workers(db.session, None))
    return submit(episode_id, form, "assign", lambda: episode_service.assign_worker(
        db.session, signed_in_user(), episode_id,
        checked(AssignmentCreate(), {"worker_id": form.worker_id.data}, form)["worker_id"], form.seen_version()),
        "The worker is assigned.", "#workers-heading")


@web.route("/episodes/<uuid:episode_id>/assignments/<uuid:worker_id>/unassign", methods=["POST"])
@page_for(*MANAGERS)
def unassign(episode_id: uuid.UUID, worker_id: uuid.UUID) -> ResponseReturnValue:
    """Unassign a worker (visits they queued offline while assigned are still accepted)."""
    form = EpisodeForm(prefix=f"unassign-{worker_id}")
    return submit(episode_id, form, "workers", lambda: episode_service.unassign_worker(
        db.session, signed_in_user(), episode_id, worker_id, form.seen_version()),
        "The worker is unassigned.", "#workers-heading")


@web.route("/episodes/new", methods=["GET", "POST"])
@page_for(*MANAGERS)
def open_episode() -> ResponseReturnValue:
    """Open an episode from a referral, with the workers to assign."""
    user = signed_in_user()
    form = OpenEpisodeForm()
    form.provider_id.choices = choices("Choose the provider", dict(provider_choices(user)))
    workers = provider_workers(db.session, user.provider_id if user.role == "manager" else None)
    form.worker_ids.choices = options((worker.id, worker.name if user.role == "manager"
                                       else f"{worker.name} ({worker.provider_name})") for worker in workers)
    if request.method == "GET":
        form.started_on.data = form.started_on.data or today_london()
        return render_template("web/open_episode.html", form=form, problems=[])
    if form.validate():
        provider_id = str(user.provider_id) if user.role == "manager" else (form.provider_id.data or "")
        try:
            body = checked(EpisodeCreate(), form.body(provider_id), form)
            head = episode_service.open_episode(db.session, user, body)
        except Refused:
            pass
        except DomainError as error:
            db.session.rollback()
            place_refusal(form, error)
        else:
            flash(f"Episode {head.person_ref} is open. Now set the person's goals.", "success")
            return redirect(url_for("web.episode", episode_id=head.id) + "#set-goal", 303)
    db.session.rollback()
    return render_template("web/open_episode.html", form=form, problems=problems_of(form)), 422
