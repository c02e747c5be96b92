"""Correcting or voiding one event of an episode's history, on the same service function as the API."""

from __future__ import annotations

import uuid
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from service.corrections.correcting import correct_event
from service.corrections.schemas import CorrectionIn
from service.database import db
from service.domain.errors import DomainError, NotFound
from service.web.blueprint import web
from service.web.checking import place_refusal, schema_checked
from service.web.correction_forms import ALIASES, FORMS, CorrectionForm, VoidOnlyForm, visit_correction_form
from service.web.episode_page import EpisodePage, episode_page
from service.web.manager import MANAGERS, problems_of
from service.web.session_auth import page_for, signed_in_user
from service.web.timeline import TimelineEntry


def form_class(page: EpisodePage, entry: TimelineEntry) -> type[CorrectionForm]:
    """The correction form for the entry's event type (visits get a level field per active goal)."""
    if entry.type == "VisitRecorded":
        assessed = {str(item["goal_id"]) for item in entry.data.get("goal_progress") or []}
        goals = [(view.goal["id"], view.goal["description"]) for view in page.goals
                 if view.goal["status"] == "active" or view.goal["id"] in assessed]
        return visit_correction_form(goals, entry.data)
    return FORMS.get(entry.type, VoidOnlyForm)


def without_data_prefix(error: DomainError) -> DomainError:
    """`correct_event` names replacement fields under `data`; the form names them directly."""
    nested = error.errors.get("data")
    if isinstance(nested, dict):
        error.errors = {**{key: value for key, value in error.errors.items() if key != "data"}, **nested}
    return error


@web.route("/episodes/<uuid:episode_id>/events/<uuid:event_id>/correct", methods=["GET", "POST"])
@page_for(*MANAGERS)
def correct_event_page(episode_id: uuid.UUID, event_id: uuid.UUID) -> ResponseReturnValue:
    """Correct an event's details or void it, with the reason; the original stays in the history."""
    user = signed_in_user()
    page = episode_page(db.session, user, episode_id)
    entry = next((item for item in page.timeline if item.event_id == str(event_id)), None)
    if entry is None:
        abort(404)
    form_type = form_class(page, entry)
    if request.method == "GET":
        form = form_type(formdata=None)
        form.prefill(entry.data)
        form.version.data = str(page.episode["version"])
        return render_template("web/correct.html", page=page, entry=entry, form=form, problems=[])
    form = form_type()
    if form.voiding and not entry.voidable:
        form.form_errors.append("An episode's opening cannot be voided; correct its details instead.")
    elif not form.voiding and form_type is VoidOnlyForm:
        form.form_errors.append("This kind of entry can only be voided.")
    elif form.validate():
        body: dict[str, Any] = {"reason": (form.reason.data or "").strip()}
        if form.voiding:
            body["void"] = True
        else:
            body["data"] = form.replacement()
        loaded = schema_checked(CorrectionIn(), body, form, {"data": "reason"} if form.voiding else ALIASES)
        if loaded is not None:
            try:
                correct_event(db.session, user, event_id, loaded, form.seen_version())
            except DomainError as error:
                db.session.rollback()
                if isinstance(error, NotFound) and "event_id" in error.errors:
                    raise
                place_refusal(form, without_data_prefix(error), ALIASES)
            else:
                flash("The entry is voided." if form.voiding else "The correction is saved.", "success")
                return redirect(url_for("web.episode", episode_id=episode_id) + f"#event-{event_id}", 303)
    db.session.rollback()
    return render_template("web/correct.html", page=page, entry=entry, form=form, problems=problems_of(form)), 422
