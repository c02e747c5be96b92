"""Limits every request meets before a view reads it: storable text and bounded JSON nesting.

Two kinds of text cannot be stored or hashed: NUL (PostgreSQL refuses it in text) and a
lone UTF-16 surrogate (what a phone sends when it cuts an emoji in half; it has no UTF-8
form, so the event hash cannot be computed). Both are refused with a 422 naming the field:

- query strings, form fields and header values of every request, API and web, are checked
  here, before any view runs (`register_input_limits`);
- JSON bodies are checked by the request schemas' base class (`service.schemas.StrictSchema`),
  so a batch judges each visit alone and refuses only the visit that carries such text.

JSON nested deeper than `MAX_JSON_DEPTH` is refused with a 400 before it is parsed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from flask import Flask, request
from werkzeug.exceptions import BadRequest

from service.domain.errors import Invalid

UNSTORABLE = ("Contains characters that cannot be stored: a NUL, or half of an emoji "
              "(an unpaired surrogate). Remove them and send it again.")
# Bodies of this service are at most 4 levels deep (a batch of visits with goal progress);
# 32 leaves room for correction data while keeping every parser far from Python's recursion limit.
MAX_JSON_DEPTH = 32
# Informational headers that are never refused: the service keeps only a cleaned copy
# (service.auth.sessions.clean_user_agent drops control characters before a session stores it).
CLEANED_HEADERS = frozenset({"User-Agent"})
_JSON_TOKEN = re.compile(rb'"(?:[^"\\]|\\.)*"|[\[\]{}]', re.DOTALL)


class JsonTooDeep(BadRequest):
    """A JSON body nested deeper than MAX_JSON_DEPTH (400 in the standard error body)."""

    def __init__(self) -> None:
        super().__init__()
        self.data = {"message": f"The JSON body is nested more than {MAX_JSON_DEPTH} levels deep."}


def storable(text: str) -> bool:
    """True when `text` can be stored in PostgreSQL and encoded as UTF-8 for hashing."""
    if "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def unstorable_text(value: Any) -> Any:
    """Error messages for every unstorable string inside `value`, shaped like marshmallow's (None: all fine).

    Keys of objects are checked too; an unstorable key is reported under its escaped form.
    """
    if isinstance(value, str):
        return None if storable(value) else [UNSTORABLE]
    items: Iterable[tuple[Any, Any]]
    if isinstance(value, Mapping):
        items = value.items()
    elif isinstance(value, list):
        items = enumerate(value)
    else:
        return None
    errors: dict[Any, Any] = {}
    for key, item in items:
        if isinstance(key, str) and not storable(key):
            errors[key.encode("utf-8", "backslashreplace").decode("ascii", "backslashreplace")] = [UNSTORABLE]
            continue
        problem = unstorable_text(item)
        if problem is not None:
            errors[key] = problem
    return errors or None


def json_depth_exceeds(body: bytes, limit: int = MAX_JSON_DEPTH) -> bool:
    """True when the JSON text nests arrays/objects deeper than `limit` (strings are skipped, not parsed)."""
    depth = 0
    for match in _JSON_TOKEN.finditer(body):
        token = match.group()
        if token in (b"[", b"{"):
            depth += 1
            if depth > limit:
                return True
        elif token in (b"]", b"}"):
            depth -= 1
    return False


def _unstorable_pairs(pairs: Iterable[tuple[str, str]]) -> dict[str, list[str]]:
    """The names of query/form/header entries whose name or value cannot be stored."""
    return {(name if storable(name) else ascii(name)): [UNSTORABLE]
            for name, value in pairs if not (storable(name) and storable(value))}


def register_input_limits(app: Flask) -> None:
    """Refuse unstorable text in query strings, forms and headers, and over-deep JSON, on every request."""

    @app.before_request
    def _check_request() -> None:
        headers = ((name, value) for name, value in request.headers.items() if name not in CLEANED_HEADERS)
        errors = {**_unstorable_pairs(request.args.items(multi=True)), **_unstorable_pairs(headers)}
        if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
            errors.update(_unstorable_pairs(request.form.items(multi=True)))
        if errors:
            raise Invalid("The request is not valid: " + ", ".join(sorted(errors)) + ".", errors=errors)
        if request.is_json and json_depth_exceeds(request.get_data(cache=True)):
            raise JsonTooDeep()
