"""Form input checked by the API's own schemas and services, with every refusal placed next to its field.

A page form parses what was typed (dates, numbers, required answers) and then builds the same JSON body the
API takes; that body goes through the API's request schema and the same service function, so the pages and
the API share one set of rules. A refusal names a field; this module puts the message next to that field,
in words (the field's label, not its JSON name).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import Any

import marshmallow as ma
from wtforms import Field, Form
from wtforms.fields import FieldList, FormField

from service.domain.errors import DomainError
from service.web.labels import FLAG_LABELS, FOLLOW_UP_LABELS, OUTCOME_LABELS, REFERRAL_LABELS

# Codes a service message may quote, in the words the pages use for them.
CODE_WORDS = {code: f"“{words}”" for code, words in {
    **OUTCOME_LABELS, **FOLLOW_UP_LABELS, **FLAG_LABELS, **REFERRAL_LABELS}.items()}
SNAKE_NAME = re.compile(r"`?\b([a-z]+(?:_[a-z]+)+)\b`?")


def iso(value: date | None) -> str | None:
    """A date as the API's JSON carries it."""
    return None if value is None else value.isoformat()


def flatten(messages: Any, prefix: str = "") -> dict[str, list[str]]:
    """marshmallow's nested messages as {"targets.0.weight": [...], "name": [...]}."""
    if isinstance(messages, Mapping):
        flat: dict[str, list[str]] = {}
        for key, value in messages.items():
            flat.update(flatten(value, f"{prefix}.{key}" if prefix else str(key)))
        return flat
    if isinstance(messages, list) and all(isinstance(item, str) for item in messages):
        return {prefix or "_schema": list(messages)}
    return {prefix or "_schema": [str(messages)]}


def field_at(form: Form, path: str, aliases: Mapping[str, str]) -> Field | None:
    """The form field a message's path names (`aliases` maps API names to form names), or None."""
    node: Any = form
    for part in aliases.get(path, path).split("."):
        if isinstance(node, FormField):
            node = node.form
        if isinstance(node, FieldList):
            node = node.entries[int(part)] if part.isdigit() and int(part) < len(node.entries) else None
        elif isinstance(node, Form):
            node = node._fields.get(part)
        else:
            return None
        if node is None:
            return None
    return node if isinstance(node, Field) and not isinstance(node, FormField) else None


def in_words(message: str, form: Form) -> str:
    """A service message with JSON field names replaced by the form's labels ('before referred_on' -> ...)."""
    labels = {**CODE_WORDS,
              **{name: str(field.label.text).split(" (")[0].lower() for name, field in form._fields.items()}}
    return SNAKE_NAME.sub(lambda found: labels.get(found.group(1), found.group(1).replace("_", " ")), message)


def place(form: Form, messages: Mapping[str, list[str]], aliases: Mapping[str, str] | None = None) -> None:
    """Put each message next to its field; messages naming no field go above the form."""
    for path, texts in messages.items():
        field = field_at(form, path, aliases or {})
        worded = [in_words(text, form) for text in texts]
        if field is None:
            form.form_errors.extend(worded)
        else:
            field.errors = [*field.errors, *worded]


def schema_checked(schema: ma.Schema, body: dict[str, Any], form: Form,
                   aliases: Mapping[str, str] | None = None) -> dict[str, Any] | None:
    """`body` loaded by the API's request schema, or None with the refusals placed on the form."""
    try:
        loaded: dict[str, Any] = schema.load(body)
    except ma.ValidationError as error:
        place(form, flatten(error.normalized_messages()), aliases)  # type: ignore[no-untyped-call]
        return None
    return loaded


def place_refusal(form: Form, error: DomainError, aliases: Mapping[str, str] | None = None) -> None:
    """A service's refusal next to the field it names (or above the form when it names none)."""
    messages = flatten(error.errors) if error.errors else {}
    if not messages:
        form.form_errors.append(in_words(error.message, form))
        return
    place(form, messages, aliases)
