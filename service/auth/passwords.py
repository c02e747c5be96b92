"""Password hashing with argon2id."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app

# Verified against when the username does not exist, so both paths take as long.
_DUMMY_PASSWORD = "not-a-real-password-for-timing"


def _hasher() -> PasswordHasher:
    """A hasher with the app's configured cost."""
    return PasswordHasher(
        time_cost=current_app.config["ARGON2_TIME_COST"],
        parallelism=1,
        memory_cost=current_app.config["ARGON2_MEMORY_COST"],
    )


def hash_password(password: str) -> str:
    """An argon2id hash of `password`."""
    return _hasher().hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """True when `password` matches; spends the same effort when there is no user."""
    hasher = _hasher()
    try:
        if password_hash is None:
            hasher.verify(hasher.hash(_DUMMY_PASSWORD), password)
            return False
        return hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
