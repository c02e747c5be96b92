"""The OpenAPI document as phone teams generate clients from it: one pass over what flask-smorest produces.

The API's conventions are written down once here rather than on every schema:

- responses may gain fields (no `additionalProperties: false`); every field is required unless the schema marks it
  `sometimes_absent`; `*_id` strings are UUIDs, `*_at` timestamps and `*_on` dates;
- requests stay strict; an optional field is simply absent (never `"default": null`); timestamps must carry an offset;
- a nullable object is `allOf: [$ref]` with `nullable: true` (not `anyOf` with an empty object);
- each vocabulary is one named enum, error reasons included (`Reason`);
- every operation has an `operationId` (`service.docs.operations`), `security` (`[]` when public), and each error
  status it can answer, with the one `Error` schema; 401 carries `WWW-Authenticate`, 429 `Retry-After`; episode
  responses carry `ETag`, episode writes accept `If-Match`; CSV answers are declared as `text/csv`.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Iterator
from typing import Any

from apispec import APISpec

from service.docs.operations import OPERATIONS
from service.schemas import SOMETIMES_ABSENT

JSON = "application/json"
CSV = "text/csv"
SCHEMAS = "#/components/schemas/"
RESPONSES = "#/components/responses/"
METHODS = ("get", "put", "post", "delete", "patch")

# RFC 3339 with a mandatory offset (`Z` or ±hh:mm).
OFFSET_TIMESTAMP = r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$"
OFFSET_NOTE = "RFC 3339 with an offset, e.g. 2026-11-20T09:30:00+00:00 (a timestamp without one is a 422)."

# Vocabularies named where the property name alone would not say it well.
ENUM_NAMES: dict[frozenset[str], str] = {
    frozenset({"json", "csv"}): "ReportFormat",
    frozenset({"open", "closed"}): "EpisodeStatus",
    frozenset({"ge", "le"}): "Comparator",
    frozenset({"in_house", "external"}): "ProviderKind",
}
# Then by the property that carries the vocabulary; otherwise its name in CamelCase.
PROPERTY_ENUM_NAMES = {"domain": "GoalDomain", "flag": "FlagName", "status": "FollowUpStatus", "reason": "Reason"}
# Responses whose body is an episode or one of its goals carry the episode's ETag.
ETAG_SCHEMAS = ("EpisodeOut", "GoalOut")

ERRORS: dict[int, tuple[str, str]] = {
    400: ("BadRequest", "The body is not valid JSON."),
    401: ("Unauthorized", "No bearer token, or it is unknown, expired or revoked (see `reason`); or bad "
                          "credentials."),
    403: ("Forbidden", "Signed in, but this role may not do this."),
    404: ("NotFound", "Not found, or not visible to you."),
    409: ("Conflict", "Conflicts with what is already recorded (see `reason`)."),
    412: ("PreconditionFailed", "`If-Match` names an older version of the episode; reload and redo."),
    413: ("PayloadTooLarge", "The body is larger than 4 MiB."),
    422: ("UnprocessableEntity", "The content is not valid; `errors` names each field."),
    429: ("TooManyRequests", "Rate limited: wait for `Retry-After` seconds before trying again."),
    503: ("ServiceUnavailable", "Briefly unavailable; nothing was recorded. Retry with back-off."),
}
HEADERS: dict[int, dict[str, Any]] = {
    401: {"WWW-Authenticate": {"description": "Always `Bearer`.", "schema": {"type": "string"}}},
    429: {"Retry-After": {"description": "Seconds to wait before retrying.",
                          "schema": {"type": "integer", "minimum": 0}}},
}
ETAG = {"ETag": {"description": "The episode's version, quoted (e.g. `\"12\"`); send it back in `If-Match`.",
                 "required": True, "schema": {"type": "string"}}}
IF_MATCH_NOTE = ("The `ETag` of the episode as you last read it; if the episode has changed since, the write is "
                 "refused with 412 and nothing changes. Omit it to write whatever the current version is.")


# Response schemas whose `reason` is an error reason (elsewhere `reason` is free text, e.g. a withdrawal's).
REASON_SCHEMAS = ("Error", "BatchResultOut")


def _no_reasons() -> list[str]:
    return []


class ContractSpec(APISpec):
    """flask-smorest's APISpec whose document is finished by `finish` every time it is rendered."""

    # Every error reason the API can answer (set by the app: service.errors.known_reasons).
    reasons: Callable[[], list[str]] = _no_reasons

    def to_dict(self) -> dict[str, Any]:
        """The finished document."""
        return finish(super().to_dict(), self.reasons())


def finish(generated: dict[str, Any], reasons: list[str]) -> dict[str, Any]:
    """Apply the conventions of this module's docstring to a generated document (a new dict)."""
    document = copy.deepcopy(generated)
    schemas: dict[str, Any] = document["components"]["schemas"]
    for name in REASON_SCHEMAS:
        if name in schemas:
            schemas[name]["properties"]["reason"]["enum"] = list(reasons)
    for path, method, operation in _operations(document):
        _finish_operation(path, method, operation)
    requests, responses = _directions(document)
    both = requests & responses
    if both:
        raise ValueError(f"schemas used in requests and responses alike: {sorted(both)}; give each direction its own")
    for name in responses:
        _finish_response_schema(schemas[name])
    for name in requests:
        _finish_request_schema(schemas[name])
    _name_enums(document)
    document["components"]["responses"] = _error_components()
    _drop_unused_components(document)
    return document


def _operations(document: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in document["paths"].items():
        for method in METHODS:
            if method in item:
                yield path, method, item[method]


def _refs(node: Any) -> Iterator[str]:
    """Names of the component schemas `node` refers to (not following them)."""
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith(SCHEMAS):
            yield ref.removeprefix(SCHEMAS)
        for value in node.values():
            yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)


def _closure(schemas: dict[str, Any], roots: set[str]) -> set[str]:
    seen: set[str] = set()
    todo = list(roots)
    while todo:
        name = todo.pop()
        if name not in seen:
            seen.add(name)
            todo.extend(_refs(schemas[name]))
    return seen


def _directions(document: dict[str, Any]) -> tuple[set[str], set[str]]:
    """Component schemas reachable from request bodies and parameters, and from responses."""
    requests: set[str] = set()
    responses: set[str] = set()
    for _, _, operation in _operations(document):
        requests.update(_refs(operation.get("requestBody", {})), _refs(operation.get("parameters", [])))
        responses.update(_refs(operation.get("responses", {})))
    schemas = document["components"]["schemas"]
    return _closure(schemas, requests), _closure(schemas, responses)


def _nullable_ref(node: dict[str, Any]) -> None:
    """`anyOf: [{nullable object}, {$ref}]` (how apispec writes a nullable Nested) -> `allOf: [$ref]`, nullable."""
    options = node.get("anyOf")
    if not isinstance(options, list) or len(options) != 2:
        return
    refs = [option for option in options if "$ref" in option]
    empties = [option for option in options if option.get("type") == "object" and "properties" not in option]
    if len(refs) == 1 and len(empties) == 1:
        del node["anyOf"]
        node.update({"allOf": refs, "nullable": True})


def _format_by_name(name: str, node: dict[str, Any]) -> None:
    """The API's naming conventions as formats: `id`/`*_id` UUID, `*_at` date-time, `*_on` date."""
    if node.get("type") == "array" and name.endswith("_ids"):
        _format_by_name("id", node.get("items", {}))
        return
    if node.get("type") != "string" or "format" in node or "enum" in node:
        return
    if name == "id" or name.endswith("_id"):
        node["format"] = "uuid"
    elif name.endswith("_at"):
        node["format"] = "date-time"
    elif name.endswith("_on"):
        node["format"] = "date"


def _finish_response_schema(schema: dict[str, Any]) -> None:
    if schema.get("additionalProperties") is False:
        del schema["additionalProperties"]
    properties: dict[str, Any] = schema.get("properties", {})
    required = []
    for name, node in properties.items():
        _nullable_ref(node)
        _format_by_name(name, node)
        if not node.pop(SOMETIMES_ABSENT, False):
            required.append(name)
    if required:
        schema["required"] = required


def _drop_null_default(node: dict[str, Any]) -> None:
    """Optional means absent: no `default: null`, and null is no enum value (`nullable` says it)."""
    if "default" in node and node["default"] is None:
        del node["default"]
    if isinstance(node.get("enum"), list) and None in node["enum"]:
        node["enum"] = [value for value in node["enum"] if value is not None]


def _finish_request_schema(schema: dict[str, Any]) -> None:
    for node in schema.get("properties", {}).values():
        _nullable_ref(node)
        _drop_null_default(node)
        if node.get("format") == "date-time":
            node.setdefault("pattern", OFFSET_TIMESTAMP)
            node["description"] = f"{node['description']} {OFFSET_NOTE}" if "description" in node else OFFSET_NOTE


def _error_response(status: int, description: str | None = None) -> dict[str, Any]:
    """The error response for `status`: the shared component, or inline when the operation says more."""
    name, default = ERRORS[status]
    if description is None or description == default:
        return {"$ref": f"{RESPONSES}{name}"}
    response: dict[str, Any] = {"description": description, "content": {JSON: {"schema": {"$ref": f"{SCHEMAS}Error"}}}}
    if status in HEADERS:
        response["headers"] = copy.deepcopy(HEADERS[status])
    return response


def _error_components() -> dict[str, Any]:
    components: dict[str, Any] = {}
    for status, (name, description) in ERRORS.items():
        response: dict[str, Any] = {"description": description,
                                    "content": {JSON: {"schema": {"$ref": f"{SCHEMAS}Error"}}}}
        if status in HEADERS:
            response["headers"] = copy.deepcopy(HEADERS[status])
        components[name] = response
    components["UnexpectedError"] = {"description": "Unexpected error (500); nothing was recorded.",
                                     "content": {JSON: {"schema": {"$ref": f"{SCHEMAS}Error"}}}}
    return components


def _response_order(status: str) -> tuple[int, str]:
    return (1, status) if status == "default" else (0, status)


def _implied_errors(path: str, operation: dict[str, Any]) -> set[int]:
    """What an operation's shape can answer: authentication, roles, path ids, If-Match, bodies, parameters."""
    statuses = {429}
    if operation["security"]:
        statuses.add(401)
    if operation.get("x-roles"):
        statuses.add(403)
    if "{" in path:
        statuses.add(404)
    parameters = operation.get("parameters", [])
    if any(parameter["name"] == "If-Match" for parameter in parameters):
        statuses.add(412)
    if parameters:
        statuses.add(422)
    if "requestBody" in operation:
        statuses.update((400, 413, 422))
    return statuses


def _finish_operation(path: str, method: str, operation: dict[str, Any]) -> None:
    known = OPERATIONS.get((method, path))
    if known is None:
        raise KeyError(f"{method.upper()} {path} has no operationId: add it to service/docs/operations.py")
    operation["operationId"] = known.operation_id
    operation.setdefault("security", [])
    operation.setdefault("description", _who_may_call(operation))
    responses: dict[str, Any] = operation["responses"]
    declared = {int(status) for status in responses if status.isdigit() and int(status) >= 400}
    for code in sorted(declared | _implied_errors(path, operation) | set(known.errors)):
        existing = responses.get(str(code), {})
        responses[str(code)] = _error_response(code, existing.get("description"))
    responses["default"] = {"$ref": f"{RESPONSES}UnexpectedError"}
    operation["responses"] = dict(sorted(responses.items(), key=lambda item: _response_order(item[0])))
    responses = operation["responses"]
    for status, response in responses.items():
        if not status.startswith("2"):
            continue
        content = response.get("content", {})
        if any(ref in ETAG_SCHEMAS for ref in _refs(content)):
            response["headers"] = copy.deepcopy(ETAG)
        if known.csv:
            content[CSV] = {"schema": {"type": "string", "description": "CSV with a header row (UTF-8)."}}
            response["content"] = content
    for parameter in operation.get("parameters", []):
        if parameter["name"] == "If-Match":
            parameter["description"] = IF_MATCH_NOTE
        if parameter["in"] == "query":
            schema = parameter.get("schema", {})
            _drop_null_default(schema)
            schema.pop("nullable", None)


def _who_may_call(operation: dict[str, Any]) -> str:
    """A description saying who may call the operation (its summary is the docstring's first line)."""
    if not operation["security"]:
        return "Public: no sign-in needed."
    roles = operation.get("x-roles")
    if not roles:
        return "Any signed-in user."
    return f"Signed-in roles allowed: {', '.join(roles)}."


def _camel(name: str) -> str:
    return "".join(part.capitalize() for part in re.split(r"[_\W]+", name) if part)


def _enum_nodes(document: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """(name it describes, schema node) for every string enum in schemas' properties, array items and parameters."""
    def walk(name: str, node: Any) -> Iterator[tuple[str, dict[str, Any]]]:
        if not isinstance(node, dict):
            return
        if node.get("type") == "string" and isinstance(node.get("enum"), list):
            yield name, node
        for key, value in node.get("properties", {}).items():
            yield from walk(key, value)
        if "items" in node:
            yield from walk(name.removesuffix("s"), node["items"])
    for schema in list(document["components"]["schemas"].values()):
        yield from walk("", schema)
    for _, _, operation in _operations(document):
        for parameter in operation.get("parameters", []):
            yield from walk(parameter["name"], parameter.get("schema"))


def _name_enums(document: dict[str, Any]) -> None:
    """One named component per vocabulary, referred to wherever the vocabulary is used."""
    schemas = document["components"]["schemas"]
    names: dict[frozenset[str], str] = {}
    for name, node in list(_enum_nodes(document)):
        values = node["enum"]
        key = frozenset(values)
        component = names.get(key) or ENUM_NAMES.get(key) or PROPERTY_ENUM_NAMES.get(name) or _camel(name)
        existing = schemas.get(component)
        if existing is not None and frozenset(existing.get("enum", ())) != key:
            raise ValueError(f"two vocabularies would both be named {component}: name one in ENUM_NAMES")
        names[key] = component
        schemas[component] = {"type": "string", "enum": values}
        rest = {key: value for key, value in node.items() if key not in ("type", "enum")}
        node.clear()
        if rest:
            node.update({"allOf": [{"$ref": f"{SCHEMAS}{component}"}], **rest})
        else:
            node["$ref"] = f"{SCHEMAS}{component}"


def _drop_unused_components(document: dict[str, Any]) -> None:
    """Remove what nothing refers to (flask-smorest's pagination header schema, error responses no one uses)."""
    components = document["components"]
    used_responses = {ref.removeprefix(RESPONSES) for ref in _all_refs(document["paths"]) if ref.startswith(RESPONSES)}
    components["responses"] = {name: value for name, value in components["responses"].items()
                               if name in used_responses}
    schemas = components["schemas"]
    used = _closure(schemas, set(_refs(document["paths"])) | set(_refs(components["responses"])))
    for name in list(schemas):
        if name not in used:
            del schemas[name]


def _all_refs(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        if isinstance(node.get("$ref"), str):
            yield node["$ref"]
        for value in node.values():
            yield from _all_refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _all_refs(value)
