"""Derived state of one reablement episode, computed from its whole event stream."""

from service.domain.episode import DerivedEpisode, project_episode
from service.domain.events import StoredEvent
from service.domain.flags import FLAG_NAMES, FlagState
from service.domain.follow_up import FollowUp
from service.domain.goals import GoalState, Observation

__all__ = [
    "FLAG_NAMES",
    "DerivedEpisode",
    "FlagState",
    "FollowUp",
    "GoalState",
    "Observation",
    "StoredEvent",
    "project_episode",
]
