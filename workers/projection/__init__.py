"""Derived state of one reablement episode, computed from its whole event stream."""

from workers.projection.events import StoredEvent
from workers.projection.flags import FLAG_NAMES, FlagState
from workers.projection.follow_up import FollowUp
from workers.projection.goals import GoalState, Observation
from workers.projection.state import EpisodeState, project_episode

__all__ = [
    "FLAG_NAMES",
    "EpisodeState",
    "FlagState",
    "FollowUp",
    "GoalState",
    "Observation",
    "StoredEvent",
    "project_episode",
]
