"""One unit of work per request: a service function's appends commit together, then derived state follows.

The service function owns the transaction: it commits once; if a concurrent
request stored a duplicate first (a visit id taken between our check and our
commit), it rolls back and runs once more, and the second run sees the other
request's row; after the commit, every episode appended to is refreshed.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Concatenate, ParamSpec, TypeVar

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from service.events.store import appended_episodes
from service.projections.dispatch import dispatch_refresh

P = ParamSpec("P")
T = TypeVar("T")


def commit_once(session: Session, attempt: Callable[[], T]) -> T:
    """Run `attempt` and commit (once more after a concurrent duplicate); then refresh the episodes appended to."""
    try:
        result = attempt()
        session.commit()
    except IntegrityError:
        session.rollback()
        appended_episodes(session)  # the rolled-back appends never happened
        result = attempt()
        session.commit()
    dispatch_refresh(appended_episodes(session))
    return result


def unit_of_work(command: Callable[Concatenate[Session, P], T]) -> Callable[Concatenate[Session, P], T]:
    """`command(session, ...)`, which appends in the caller's transaction, as a function that commits it."""

    @wraps(command)
    def run(session: Session, /, *args: P.args, **kwargs: P.kwargs) -> T:
        return commit_once(session, lambda: command(session, *args, **kwargs))

    return run
