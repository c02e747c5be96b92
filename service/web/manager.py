"""Managers' pages: the flags queue, episodes, and the forms that acknowledge, close and follow up."""

from __future__ import annotations

import uuid
from collections.abc import Callable

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from service.database import db
from service.domain.calendar import today_london
from service.domain.errors import DomainError, NotFound
from service.episodes import service as episodes_service
from service.episodes.reads import list_episodes
from service.errors import http_status
from service.web.blueprint import web
from service.web.episode_page import episode_page
from service.web.flag_queue import flag_queue
from service.web.forms import AcknowledgeForm, CloseForm, EpisodeForm, FollowUpForm
from service.web.labels import FLAG_LABELS
from service.web.session_auth import page_for, safe_next, signed_in_user
from service.web.viewing import attach_error, provider_choices, requested_provider

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
        episodes_service.acknowledge_flag(db.session, signed_in_user(), episode_id, flag, form.note.data or None, None)
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
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    items, total = list_episodes(db.session, signed_in_user(), status=status, flag=None, page=page,
                                 page_size=EPISODES_PER_PAGE)
    pages = max((total + EPISODES_PER_PAGE - 1) // EPISODES_PER_PAGE, 1)
    return render_template("web/episodes.html", items=items, total=total, status=status, page=page, pages=pages)


def problems_of(form: EpisodeForm | None) -> list[tuple[str, str]]:
    """A submitted form's errors for the summary at the top of the page: (message, link to the field)."""
    if form is None:
        return []
    problems = [(message, "#main") for message in form.form_errors]
    for field in form:
        problems.extend((f"{field.label.text}: {message}", f"#{field.id}") for message in field.errors)
    return problems


def render_episode(episode_id: uuid.UUID, shown: EpisodeForm | None = None) -> str:
    """The episode page; `shown` is a submitted form re-shown with its errors."""
    content = episode_page(db.session, signed_in_user(), episode_id)
    version = str(content.episode["version"])
    close_form = shown if isinstance(shown, CloseForm) else CloseForm(formdata=None, ended_on=today_london())
    follow_up_form = (shown if isinstance(shown, FollowUpForm)
                      else FollowUpForm(formdata=None, assessed_on=today_london()))
    for form in (close_form, follow_up_form):
        form.version.data = form.version.data or version
    return render_template("web/episode.html", page=content, episode=content.episode, close_form=close_form,
                           follow_up_form=follow_up_form, problems=problems_of(shown))


@web.route("/episodes/<uuid:episode_id>")
@page_for(*MANAGERS)
def episode(episode_id: uuid.UUID) -> ResponseReturnValue:
    """One episode: goals with charts, visits, the event log, and the close / follow-up forms."""
    return render_episode(episode_id)


def _submit(episode_id: uuid.UUID, form: EpisodeForm, command: Callable[[], object], done: str) -> ResponseReturnValue:
    """Run `command` for a valid form, then redirect with `done`; else re-show the page with the errors."""
    status = 422
    if form.validate():
        try:
            command()
        except DomainError as error:
            if isinstance(error, NotFound):
                raise
            db.session.rollback()
            attach_error(form, error)
            status = http_status(error)
        else:
            flash(done, "success")
            return redirect(url_for("web.episode", episode_id=episode_id), 303)
    return render_episode(episode_id, form), status


@web.route("/episodes/<uuid:episode_id>/close", methods=["POST"])
@page_for(*MANAGERS)
def close(episode_id: uuid.UUID) -> ResponseReturnValue:
    """Close the episode with its end date, end need and outcome."""
    form = CloseForm()
    return _submit(episode_id, form, lambda: episodes_service.close_episode(
        db.session, signed_in_user(), episode_id, form.body(), form.seen_version()), "The episode is closed.")


@web.route("/episodes/<uuid:episode_id>/follow-up", methods=["POST"])
@page_for(*MANAGERS)
def follow_up(episode_id: uuid.UUID) -> ResponseReturnValue:
    """Record the 91-day follow-up."""
    form = FollowUpForm()
    return _submit(episode_id, form, lambda: episodes_service.record_follow_up(
        db.session, signed_in_user(), episode_id, form.body(), form.seen_version()),
        "The 91-day follow-up is recorded.")
