"""Walking the service's own OpenAPI document: every operation, every string and number it accepts.

The hostile-input tests are driven by the document, so an endpoint or field added later is
covered without anyone remembering to add it here.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from service.database import db
from service.models import Event
from tests.integration.api.world import Actor, World


@dataclass(frozen=True)
class Operation:
    """One method on one path, with its request body schema and its parameters."""

    method: str
    path: str
    body: dict[str, Any] | None
    parameters: list[dict[str, Any]]

    def url(self) -> str:
        """The path with every path parameter filled (a random id: validation runs before any lookup)."""
        url = self.path
        for parameter in self.parameters:
            if parameter["in"] == "path":
                value = "concern" if parameter["name"] == "flag" else str(uuid.uuid4())
                url = url.replace("{" + parameter["name"] + "}", value)
        return url


def openapi(client: FlaskClient) -> dict[str, Any]:
    """The served OpenAPI document."""
    document: dict[str, Any] = client.get("/api/v1/docs/openapi.json").get_json()
    return document


def resolve(document: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    """`schema` with a top-level $ref followed."""
    while "$ref" in schema:
        node: Any = document
        for part in schema["$ref"].removeprefix("#/").split("/"):
            node = node[part]
        schema = node
    return schema


def operations(document: dict[str, Any]) -> Iterator[Operation]:
    """Every operation of the document."""
    for path, item in document["paths"].items():
        shared = item.get("parameters", [])
        for method, operation in item.items():
            if method == "parameters":
                continue
            content = operation.get("requestBody", {}).get("content", {}).get("application/json")
            body = resolve(document, content["schema"]) if content else None
            parameters = [resolve(document, parameter) for parameter in [*shared, *operation.get("parameters", [])]]
            yield Operation(method.upper(), path, body, parameters)


def leaves(document: dict[str, Any], schema: dict[str, Any], kinds: tuple[str, ...],
           path: tuple[str | int, ...] = ()) -> Iterator[tuple[tuple[str | int, ...], dict[str, Any]]]:
    """(path, schema) of every property of one of `kinds` (e.g. "string") inside `schema`, arrays as index 0."""
    schema = resolve(document, schema)
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        for name, child in schema.get("properties", {}).items():
            yield from leaves(document, child, kinds, (*path, name))
    elif kind == "array":
        yield from leaves(document, schema.get("items", {}), kinds, (*path, 0))
    elif kind in kinds:
        yield path, schema


def placed(path: tuple[str | int, ...], value: Any) -> Any:
    """A JSON value holding `value` at `path` and nothing else."""
    for step in reversed(path):
        value = [value] if isinstance(step, int) else {step: value}
    return value


def send(world: World, operation: Operation, actors: list[Actor], **kwargs: Any) -> Any:
    """Send as the first actor whose role may call the operation (403 and 401 move on to the next)."""
    response = None
    extra = kwargs.pop("headers", {})
    for actor in actors:
        headers = {**actor.headers, **extra}
        response = world.client.open(operation.url(), method=operation.method, headers=headers, **kwargs)
        if response.status_code not in (401, 403):
            return response
    return response


def everyone(world: World) -> list[Actor]:
    """An actor of every role."""
    return [world.admin, world.manager, world.worker, world.commissioner]


def event_total(app: Flask) -> int:
    """How many events the whole log holds."""
    with app.app_context(), db.transaction() as session:
        return int(session.execute(select(func.count()).select_from(Event)).scalar_one())
