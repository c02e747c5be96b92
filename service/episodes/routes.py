"""Episode endpoints (managers of the provider, admins)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any, TypeVar

import marshmallow as ma
from flask.views import MethodView
from flask_smorest import Blueprint

from service.auth.access import BEARER, current_user, require_roles
from service.database import db
from service.domain import FLAG_NAMES
from service.domain.errors import NotFound
from service.episodes import service as episodes
from service.episodes.reads import episode_events, list_episodes, read_episode
from service.episodes.schemas import (
    Acknowledgement,
    AssignmentCreate,
    Closure,
    EpisodeCreate,
    EpisodeListArgs,
    EpisodeOut,
    EpisodePage,
    EventPage,
    FollowUpCreate,
    GoalCreate,
    GoalOut,
    GoalRevision,
    GoalWithdrawal,
    IfMatchArgs,
)
from service.episodes.writer import parse_version_tag
from service.schemas import PaginationArgs, page_body

blp = Blueprint("episodes", __name__, url_prefix="/api/v1/episodes", description="Episodes of reablement.")

MANAGERS = ("manager", "admin")
Response = tuple[dict[str, Any], int, dict[str, str]]
F = TypeVar("F", bound=Callable[..., Any])


def parse_if_match(headers: dict[str, Any]) -> int | None:
    """The stream version named by If-Match ("5", W/"5" or 5); None when absent or `*`."""
    return parse_version_tag(headers.get("if_match"))


def episode_response(episode_id: uuid.UUID, status: int = 200) -> Response:
    """The episode with its ETag."""
    body = read_episode(db.session, current_user(), episode_id)
    return body, status, {"ETag": f'"{body["version"]}"'}


def episode_write(body: type[ma.Schema] | None, response: type[ma.Schema], status: int = 200) -> Callable[[F], F]:
    """What every change to an episode declares: bearer auth, managers and admins, If-Match, its body, its response."""

    def declare(view: F) -> F:
        view = blp.response(status, response)(view)
        if body is not None:
            view = blp.arguments(body)(view)
        view = blp.arguments(IfMatchArgs, location="headers")(view)
        view = require_roles(*MANAGERS)(view)
        declared: F = blp.doc(security=BEARER)(view)
        return declared

    return declare


def goal_response(episode_id: uuid.UUID, goal_id: uuid.UUID | str, status: int = 200) -> Response:
    """One goal of the episode, with the episode's ETag."""
    body, _, headers = episode_response(episode_id)
    goal = next(goal for goal in body["goals"] if goal["id"] == str(goal_id))
    return goal, status, headers


@blp.route("")
class EpisodesView(MethodView):
    """Episodes of the caller's provider."""

    @blp.doc(security=BEARER)
    @require_roles(*MANAGERS)
    @blp.arguments(EpisodeListArgs, location="query")
    @blp.response(200, EpisodePage)
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """List episodes, filtered by status and raised flag."""
        items, total = list_episodes(db.session, current_user(), status=args.get("status"), flag=args.get("flag"),
                                     page=args["page"], page_size=args["page_size"])
        return page_body(items, args["page"], args["page_size"], total)

    @blp.doc(security=BEARER)
    @require_roles(*MANAGERS)
    @blp.arguments(EpisodeCreate)
    @blp.response(201, EpisodeOut)
    def post(self, body: dict[str, Any]) -> Response:
        """Open an episode (planned_end_on defaults to started_on + 42 days)."""
        head = episodes.open_episode(db.session, current_user(), body)
        return episode_response(head.id, 201)


@blp.route("/<uuid:episode_id>")
class EpisodeView(MethodView):
    """One episode."""

    @blp.doc(security=BEARER)
    @require_roles("manager", "admin", "worker")
    @blp.response(200, EpisodeOut)
    def get(self, episode_id: uuid.UUID) -> Response:
        """Read an episode with goals, derived progress, flags and its ETag."""
        return episode_response(episode_id)


@blp.route("/<uuid:episode_id>/assignments")
class AssignmentsView(MethodView):
    """Assign workers."""

    @episode_write(AssignmentCreate, EpisodeOut)
    def post(self, headers: dict[str, Any], body: dict[str, Any], episode_id: uuid.UUID) -> Response:
        """Assign a worker of the provider (already assigned: no change)."""
        episodes.assign_worker(db.session, current_user(), episode_id, body["worker_id"], parse_if_match(headers))
        return episode_response(episode_id)


@blp.route("/<uuid:episode_id>/assignments/<uuid:worker_id>")
class AssignmentView(MethodView):
    """Unassign a worker."""

    @episode_write(None, EpisodeOut)
    def delete(self, headers: dict[str, Any], episode_id: uuid.UUID, worker_id: uuid.UUID) -> Response:
        """Unassign a worker (visits they queued offline while assigned are still accepted)."""
        episodes.unassign_worker(db.session, current_user(), episode_id, worker_id, parse_if_match(headers))
        return episode_response(episode_id)


@blp.route("/<uuid:episode_id>/goals")
class GoalsView(MethodView):
    """Goals of an episode."""

    @episode_write(GoalCreate, GoalOut, status=201)
    def post(self, headers: dict[str, Any], body: dict[str, Any], episode_id: uuid.UUID) -> Response:
        """Set a goal (target_level above baseline_level, levels 0-5)."""
        _, goal_id = episodes.set_goal(db.session, current_user(), episode_id, body, parse_if_match(headers))
        return goal_response(episode_id, goal_id, 201)


@blp.route("/<uuid:episode_id>/goals/<uuid:goal_id>")
class GoalView(MethodView):
    """One goal."""

    @episode_write(GoalRevision, GoalOut)
    def patch(self, headers: dict[str, Any], body: dict[str, Any], episode_id: uuid.UUID,
              goal_id: uuid.UUID) -> Response:
        """Revise a goal's description, target level or target date."""
        episodes.revise_goal(db.session, current_user(), episode_id, goal_id, body, parse_if_match(headers))
        return goal_response(episode_id, goal_id)


@blp.route("/<uuid:episode_id>/goals/<uuid:goal_id>/withdrawal")
class GoalWithdrawalView(MethodView):
    """Withdraw a goal."""

    @episode_write(GoalWithdrawal, GoalOut)
    def post(self, headers: dict[str, Any], body: dict[str, Any], episode_id: uuid.UUID,
             goal_id: uuid.UUID) -> Response:
        """Withdraw a goal, with the reason."""
        episodes.withdraw_goal(db.session, current_user(), episode_id, goal_id, body["reason"],
                               parse_if_match(headers))
        return goal_response(episode_id, goal_id)


@blp.route("/<uuid:episode_id>/closure")
class ClosureView(MethodView):
    """Close an episode."""

    @episode_write(Closure, EpisodeOut)
    def post(self, headers: dict[str, Any], body: dict[str, Any], episode_id: uuid.UUID) -> Response:
        """Close with ended_on, end need and outcome (closing twice is 409)."""
        episodes.close_episode(db.session, current_user(), episode_id, body, parse_if_match(headers))
        return episode_response(episode_id)


@blp.route("/<uuid:episode_id>/follow-up")
class FollowUpView(MethodView):
    """The 91-day follow-up."""

    @episode_write(FollowUpCreate, EpisodeOut)
    def post(self, headers: dict[str, Any], body: dict[str, Any], episode_id: uuid.UUID) -> Response:
        """Record where the person was 91 days after hospital discharge."""
        episodes.record_follow_up(db.session, current_user(), episode_id, body, parse_if_match(headers))
        return episode_response(episode_id)


@blp.route("/<uuid:episode_id>/flags/<string:flag>/acknowledgement")
class FlagAcknowledgementView(MethodView):
    """Acknowledge a flag."""

    @episode_write(Acknowledgement, EpisodeOut)
    def post(self, headers: dict[str, Any], body: dict[str, Any], episode_id: uuid.UUID, flag: str) -> Response:
        """Acknowledge a raised flag (acknowledging `concern` clears it)."""
        if flag not in FLAG_NAMES:
            raise NotFound(f"No flag called {flag}; flags are {', '.join(FLAG_NAMES)}.", "flag")
        episodes.acknowledge_flag(db.session, current_user(), episode_id, flag, body["note"],
                                  parse_if_match(headers))
        return episode_response(episode_id)


@blp.route("/<uuid:episode_id>/events")
class EpisodeEventsView(MethodView):
    """The episode's event log."""

    @blp.doc(security=BEARER)
    @require_roles(*MANAGERS)
    @blp.arguments(PaginationArgs, location="query")
    @blp.response(200, EventPage)
    def get(self, args: dict[str, Any], episode_id: uuid.UUID) -> dict[str, Any]:
        """The stream, oldest first, with hashes (corrections appear as EventCorrected events)."""
        items, total = episode_events(db.session, current_user(), episode_id, args["page"], args["page_size"])
        return page_body(items, args["page"], args["page_size"], total)
