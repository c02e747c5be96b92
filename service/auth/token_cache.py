"""A short-lived, per-process cache of bearer-token checks.

Checking a token costs a query per request (access token joined with its user
and session: 1.28 ms of the 9.1 ms of CPU a visit took, PERFORMANCE profile).
A phone syncing sends many requests with one token, so each API process
remembers a token it has checked for `TOKEN_CACHE_SECONDS` (default 10 s; 0
turns the cache off), and never past the token's own expiry.

The stated revocation delay: a session ended (signed out, revoked by an admin,
or ended by refresh-token reuse), a password changed or an account deactivated
through this process stops its tokens at once here (`forget`, `clear`), and
within TOKEN_CACHE_SECONDS in every other API
process (the same bound applies to a change made directly in the database).
Tokens are held only as their SHA-256 digests. A session's last use is noted
(SESSION_TOUCH_SECONDS) when its token is checked, so at most every
TOKEN_CACHE_SECONDS while it is cached.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy.orm import Session

from service.auth.sessions import Caller
from service.models import utcnow

# Bounded, so a flood of distinct tokens cannot grow a process without limit.
MAX_ENTRIES = 10_000


@dataclass(frozen=True)
class _Entry:
    """A checked token: who it belongs to, until when this process may trust it."""

    caller: Caller  # its user is detached and never changed; each request gets its own copy (merge, no query)
    trusted_until: float  # monotonic seconds
    expires_at: datetime  # the token's own expiry


class TokenCache:
    """Token digest -> caller, for at most `seconds`; thread-safe (gunicorn runs threads)."""

    def __init__(self, seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.seconds = seconds
        self._clock = clock
        self._entries: dict[str, _Entry] = {}
        self._lock = threading.Lock()

    def get(self, session: Session, digest: str) -> Caller | None:
        """The cached caller of a token, its user an instance of `session` (no query); None when not trusted."""
        entry = self._entries.get(digest)
        if entry is None:
            return None
        if self._clock() >= entry.trusted_until or utcnow() >= entry.expires_at:
            self.forget(digest=digest)
            return None
        return replace(entry.caller, user=session.merge(entry.caller.user, load=False), touched=False)

    def put(self, session: Session, digest: str, caller: Caller) -> Caller:
        """Remember a token's caller until its expiry (at most `seconds`); returns the caller to use in `session`.

        The loaded user is detached and kept (read-only) by the cache; the
        request gets a copy in its own session, as a cache hit does.
        """
        if self.seconds <= 0 or caller.expires_at is None:
            return caller
        session.expunge(caller.user)
        with self._lock:
            if len(self._entries) >= MAX_ENTRIES:
                self._entries.clear()
            self._entries[digest] = _Entry(caller, self._clock() + self.seconds, caller.expires_at)
        return replace(caller, user=session.merge(caller.user, load=False))

    def forget(self, *, digest: str | None = None, session_id: uuid.UUID | None = None,
               user_id: uuid.UUID | None = None) -> None:
        """Stop trusting, in this process, one token, every token of a session, or every token of a user."""
        with self._lock:
            for key, entry in list(self._entries.items()):
                if key == digest or (session_id is not None and entry.caller.session_id == session_id) or (
                        user_id is not None and entry.caller.user.id == user_id):
                    del self._entries[key]

    def clear(self) -> None:
        """Stop trusting every token in this process (a session ended without knowing which: refresh-token reuse)."""
        with self._lock:
            self._entries.clear()
