"""Canonical JSON and the hash chain over event envelopes."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

GENESIS_HASH = "0" * 64


def canonical_json(value: Any) -> str:
    """JSON with sorted keys and no whitespace: the same value always gives the same text."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def sha256_hex(text: str) -> str:
    """Hex SHA-256 of UTF-8 text."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def format_instant(value: datetime) -> str:
    """An instant as RFC 3339 in UTC with microseconds (the form that is hashed)."""
    return value.astimezone(UTC).isoformat(timespec="microseconds")


def envelope_hash(envelope: dict[str, Any]) -> str:
    """SHA-256 over the canonical JSON of an envelope, excluding its own `hash`."""
    body = {key: value for key, value in envelope.items() if key != "hash"}
    return sha256_hex(canonical_json(body))
