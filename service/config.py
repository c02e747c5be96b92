"""Settings: defaults, then the environment (names as API.md gives them), then overrides."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from service.domain.cld import setting_problems

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SECRET_KEY = "dev-only-secret-key-change-me"


def _default_database_url() -> str:
    """The embedded default: a SQLite file under var/ in the project."""
    return f"sqlite:///{PROJECT_ROOT / 'var' / 'reablement.sqlite3'}"


DEFAULTS: dict[str, Any] = {
    "ENV": "development",
    "SECRET_KEY": DEFAULT_SECRET_KEY,
    "DATABASE_URL": None,
    "REDIS_URL": None,
    "HOURLY_RATE_GBP": 24.10,
    "PACKAGE_WEEKS": 72,
    "ACHIEVEMENT_CONFIRMATIONS": 2,
    "SUPPRESSION_MIN_N": 5,
    # The council's ONS code, written as LA_Code in the CLD export (e.g. E09000033); unset: the
    # export leaves it empty and the data-quality check says so.
    "LA_CODE": None,
    # Optional regular expression every person_ref must match in full before a CLD submission.
    "PERSON_REF_PATTERN": None,
    # 4 MiB: a full batch of 500 visits fits; anything larger is refused with 413.
    "MAX_CONTENT_LENGTH": 4 * 1024 * 1024,
    # Access tokens (and web sessions) last at most 12 hours; phones renew theirs with a refresh token.
    "TOKEN_TTL_SECONDS": 12 * 3600,
    # How long an API process trusts a bearer token it has checked (service/auth/token_cache.py): the
    # delay before a session ended by another process, or in the database, stops working there. 0: off.
    "TOKEN_CACHE_SECONDS": 10,
    # A device session's refresh token expires this long after it was issued; each refresh issues a new one.
    "REFRESH_TOKEN_TTL_SECONDS": 30 * 24 * 3600,
    # A session's "last used" time is written at most this often (not on every request).
    "SESSION_TOUCH_SECONDS": 60,
    # A phone that lost the answer to a refresh may present the spent refresh token again within this many
    # seconds and get a fresh pair, as long as the token that replaced it was never used (else: reuse).
    "REFRESH_RETRY_GRACE_SECONDS": 60,
    "LOGIN_MAX_FAILURES": 5,
    "LOGIN_FAILURE_WINDOW_SECONDS": 15 * 60,
    "PASSWORD_MIN_LENGTH": 12,
    # argon2id cost; tests lower these so the suite stays fast.
    "ARGON2_TIME_COST": 3,
    "ARGON2_MEMORY_COST": 65536,
    "QUEUE_NAME": "reablement",
    "LOG_LEVEL": "INFO",
    # When set, /metrics requires `Authorization: Bearer <METRICS_TOKEN>`; ENV=production refuses to start without it.
    "METRICS_TOKEN": None,
    "JOB_TIMEOUT_SECONDS": 60,
    # A refresh job keeps looking for new dirty episodes this long after it ran out of them
    # (service/projections/sweeps.py refresh_dirty), so a steady flow of visits needs one job, not one per visit.
    "REFRESH_LINGER_SECONDS": 10.0,
    "JOB_RETRIES": 3,
    "JOB_RETRY_INTERVALS": [1, 5, 30],
    "JOB_FAILURE_TTL_SECONDS": 7 * 24 * 3600,
    "REDIS_SOCKET_TIMEOUT_SECONDS": 0.5,
    # flask-smorest / OpenAPI
    "API_TITLE": "Reablement goal tracking",
    "API_VERSION": "v1",
    "OPENAPI_VERSION": "3.0.3",
    "API_SPEC_OPTIONS": {
        "info": {
            "description": "Records reablement home visits from phones (often offline) and turns them into goal "
                           "progress, flags and reports. api_docs/README.md is the guide for phone-app developers: "
                           "sign-in and refresh, idempotent visits, batch sync, error reasons, rate limits and the "
                           "compatibility policy.",
            "contact": {"name": "The council's digital team running this service"},
        },
        "servers": [{"url": "http://127.0.0.1:8000",
                     "description": "A local server (scripts/run); point clients at your council's own address."}],
    },
    "OPENAPI_URL_PREFIX": "/api/v1/docs",
    "OPENAPI_JSON_PATH": "openapi.json",
    # The interactive page at /api/v1/docs/; its assets come from the swagger-ui-bundle package.
    "OPENAPI_SWAGGER_UI_PATH": "/",
    "OPENAPI_SWAGGER_UI_URL": "/api/v1/docs/assets/",
    "JSON_SORT_KEYS": False,
    # General rate limits (service/rate_limits.py, docs/operations.md): per client (bearer token, or
    # IP address when anonymous) and per IP address, in flask-limiter's notation.
    "RATE_LIMIT_ENABLED": True,
    "RATE_LIMIT_PER_CLIENT": "1000/minute",
    "RATE_LIMIT_PER_IP": "5000/minute",
    # Proxies in front of the service that append to X-Forwarded-For (0: the peer address is the client's).
    "TRUSTED_PROXY_HOPS": 0,
}


def _flag(value: str) -> bool:
    """An on/off setting from the environment: 1/true/yes/on or 0/false/no/off."""
    lowered = value.strip().lower()
    if lowered not in ("1", "true", "yes", "on", "0", "false", "no", "off"):
        raise ValueError(value)
    return lowered in ("1", "true", "yes", "on")

_CASTS: dict[str, Callable[[str], Any]] = {
    "HOURLY_RATE_GBP": float,
    "PACKAGE_WEEKS": int,
    "ACHIEVEMENT_CONFIRMATIONS": int,
    "SUPPRESSION_MIN_N": int,
    "MAX_CONTENT_LENGTH": int,
    "TOKEN_TTL_SECONDS": int,
    "TOKEN_CACHE_SECONDS": float,
    "REFRESH_TOKEN_TTL_SECONDS": int,
    "SESSION_TOUCH_SECONDS": int,
    "REFRESH_RETRY_GRACE_SECONDS": int,
    "LOGIN_MAX_FAILURES": int,
    "LOGIN_FAILURE_WINDOW_SECONDS": int,
    "ARGON2_TIME_COST": int,
    "ARGON2_MEMORY_COST": int,
    "JOB_TIMEOUT_SECONDS": int,
    "REFRESH_LINGER_SECONDS": float,
    "JOB_RETRIES": int,
    "RATE_LIMIT_ENABLED": _flag,
    "TRUSTED_PROXY_HOPS": int,
}

# Environment variables read besides those in DEFAULTS' casts.
_ENV_STRINGS = ("ENV", "SECRET_KEY", "DATABASE_URL", "REDIS_URL", "QUEUE_NAME", "LOG_LEVEL", "METRICS_TOKEN",
                "LA_CODE", "PERSON_REF_PATTERN", "RATE_LIMIT_PER_CLIENT", "RATE_LIMIT_PER_IP")


def load_settings(overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """Return the settings: defaults, then environment variables, then `overrides`."""
    settings = dict(DEFAULTS)
    for name in _ENV_STRINGS:
        value = os.environ.get(name)
        if value:
            settings[name] = value
    for name, cast in _CASTS.items():
        value = os.environ.get(name)
        if value:
            try:
                settings[name] = cast(value)
            except ValueError as exc:
                raise RuntimeError(f"setting {name}={value!r} is not valid ({cast.__name__})") from exc
    settings.update(overrides or {})
    if not settings["DATABASE_URL"]:
        settings["DATABASE_URL"] = _default_database_url()
    _check_token_lifetimes(settings)
    problems = setting_problems(settings["LA_CODE"], settings["PERSON_REF_PATTERN"])
    if problems:
        raise RuntimeError("; ".join(problems))
    return settings


MAX_ACCESS_TOKEN_SECONDS = 12 * 3600


def _check_token_lifetimes(settings: dict[str, Any]) -> None:
    """Access tokens stay short (a lost phone's token dies within 12 hours); refresh tokens outlive them."""
    access, refresh = settings["TOKEN_TTL_SECONDS"], settings["REFRESH_TOKEN_TTL_SECONDS"]
    if not 0 < access <= MAX_ACCESS_TOKEN_SECONDS:
        raise RuntimeError(f"TOKEN_TTL_SECONDS must be between 1 and {MAX_ACCESS_TOKEN_SECONDS} (12 hours)")
    if refresh < access:
        raise RuntimeError("REFRESH_TOKEN_TTL_SECONDS must be at least TOKEN_TTL_SECONDS")


def check_production_safety(settings: dict[str, Any]) -> None:
    """Refuse to run in production with the development secret key or with /metrics open to anyone."""
    if settings["ENV"] != "production":
        return
    if settings["SECRET_KEY"] == DEFAULT_SECRET_KEY or len(str(settings["SECRET_KEY"])) < 32:
        raise RuntimeError("ENV=production needs SECRET_KEY set to a random value of 32+ characters")
    if len(str(settings["METRICS_TOKEN"] or "")) < 16:
        raise RuntimeError("ENV=production needs METRICS_TOKEN (16+ characters): /metrics must not be open to anyone")
