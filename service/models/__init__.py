"""Database models; importing this package registers every table on `Base.metadata`."""

from service.models.accounts import ROLES, AccessToken, LoginFailure, Provider, RefreshToken, SignInSession, User
from service.models.base import Base, UTCDateTime, utcnow
from service.models.contracts import Contract
from service.models.events import Episode, EpisodeWorker, Event
from service.models.projections import EpisodeFlag, EpisodeState

__all__ = [
    "ROLES",
    "AccessToken",
    "Base",
    "Contract",
    "Episode",
    "EpisodeFlag",
    "EpisodeState",
    "EpisodeWorker",
    "Event",
    "LoginFailure",
    "Provider",
    "RefreshToken",
    "SignInSession",
    "UTCDateTime",
    "User",
    "utcnow",
]
