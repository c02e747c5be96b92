"""The OpenAPI document has none of the frictions a phone team met generating clients from it, and lints clean."""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterator
from typing import Any

from openapi_spec_validator import validate

from tests.contract.tools import OPENAPI_FILE, PROJECT_ROOT, document, node_tool, operation, operations, resolve, run

SCHEMAS = "#/components/schemas/"


def walk(node: Any, path: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    """Every object in the document with its JSON path."""
    if isinstance(node, dict):
        yield path, node
        for key, value in node.items():
            yield from walk(value, f"{path}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from walk(value, f"{path}/{index}")


def schema(name: str) -> dict[str, Any]:
    """A component schema."""
    found: dict[str, Any] = document()["components"]["schemas"][name]
    return found


def test_every_operation_has_a_stable_readable_unique_operation_id() -> None:
    ids = [op.get("operationId") for _, _, op in operations()]
    assert all(ids), [f"{method} {path}" for method, path, op in operations() if not op.get("operationId")]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"[a-z]+(?:[A-Z][a-z0-9]*)*", str(id_)) for id_ in ids), ids
    by_route = {(method, path): op["operationId"] for method, path, op in operations()}
    assert by_route[("POST", "/api/v1/visits")] == "recordVisit"
    assert by_route[("POST", "/api/v1/visits/batch")] == "syncVisits"
    assert by_route[("GET", "/api/v1/me/caseload")] == "getCaseload"
    assert by_route[("POST", "/api/v1/auth/token")] == "signIn"
    assert by_route[("POST", "/api/v1/auth/refresh")] == "refreshSession"


def test_every_error_status_is_declared_with_the_one_error_schema() -> None:
    for method, path, op in operations():
        for status, response in op["responses"].items():
            if status == "default" or int(status) >= 400:
                content = resolve(response).get("content", {})
                assert content.get("application/json", {}).get("schema") == {"$ref": f"{SCHEMAS}Error"}, \
                    (method, path, status)
    assert {"401", "404", "409", "422", "429"} <= set(operation("recordVisit")["responses"])
    assert {"401", "422", "429"} <= set(operation("signIn")["responses"])
    assert {"401", "429"} <= set(operation("refreshSession")["responses"])
    assert {"401", "403", "404", "409", "412", "422", "429"} <= set(operation("closeEpisode")["responses"])
    assert "403" in operation("getCaseload")["responses"] and "403" not in operation("signOut")["responses"]


def test_response_schemas_mark_what_is_always_present_as_required() -> None:
    assert schema("VisitOut")["required"] == ["id", "episode_id", "event_id", "received_at"]
    assert set(schema("EpisodeOut")["required"]) == set(schema("EpisodeOut")["properties"])
    assert set(schema("TokenResponse")["required"]) == {"access_token", "token_type", "expires_in", "expires_at",
                                                         "refresh_token", "refresh_expires_in", "user"}
    batch_result = schema("BatchResultOut")
    assert set(batch_result["required"]) == {"id", "status"}  # event_id, errors, message: only some results
    assert set(schema("Error")["required"]) >= {"code", "status", "message", "errors"}
    for name in ("CaseloadOut", "CaseloadEpisodeOut", "CaseloadGoalOut", "GoalOut", "SessionOut", "UserSummary"):
        assert set(schema(name)["required"]) == set(schema(name)["properties"]), name


def test_nullable_objects_are_plain_nullable_references() -> None:
    assert schema("EpisodeOut")["properties"]["follow_up"] == {"allOf": [{"$ref": f"{SCHEMAS}FollowUpOut"}],
                                                               "nullable": True}
    assert [path for path, node in walk(document()) if "anyOf" in node] == []
    assert schema("EpisodeOut")["properties"]["ended_on"]["nullable"] is True


def test_optional_request_fields_are_absent_rather_than_null_by_default() -> None:
    assert [path for path, node in walk(document()) if "default" in node and node["default"] is None] == []
    assert [path for path, node in walk(document()) if None in node.get("enum", [])] == []
    visit = schema("VisitIn")
    assert "note" not in visit["required"] and "wellbeing" not in visit["required"]
    assert "note" not in schema("GoalProgressIn")["required"]


def _directional(roots: Iterator[Any]) -> set[str]:
    names: set[str] = set()
    todo = [node for root in roots for _, node in walk(root) if "$ref" in node]
    while todo:
        ref = todo.pop()["$ref"]
        if ref.startswith(SCHEMAS) and ref.removeprefix(SCHEMAS) not in names:
            names.add(ref.removeprefix(SCHEMAS))
            todo.extend(node for _, node in walk(schema(ref.removeprefix(SCHEMAS))) if "$ref" in node)
    return names


def test_responses_may_gain_fields_but_requests_stay_strict() -> None:
    responses = _directional(resolve(response) for _, _, op in operations() for response in op["responses"].values())
    requests = _directional(op.get("requestBody", {}) for _, _, op in operations())
    object_responses = [name for name in responses if schema(name).get("type") == "object"]
    assert object_responses and all("additionalProperties" not in schema(name) for name in object_responses)
    assert requests and all(schema(name)["additionalProperties"] is False
                            for name in requests if schema(name).get("type") == "object")


def test_servers_and_public_operations_are_declared() -> None:
    assert document()["servers"] and all(server["url"] for server in document()["servers"])
    public = {op["operationId"] for _, _, op in operations() if op["security"] == []}
    assert public == {"getHealth", "signIn", "refreshSession"}
    assert all(op["security"] == [{"bearerAuth": []}] for _, _, op in operations()
               if op["operationId"] not in public)


def test_etag_if_match_retry_after_and_www_authenticate_are_declared() -> None:
    for operation_id in ("getEpisode", "closeEpisode", "setGoal", "reviseGoal", "assignWorker"):
        success = next(response for status, response in operation(operation_id)["responses"].items()
                       if status.startswith("2"))
        assert "ETag" in success["headers"], operation_id
    for operation_id in ("closeEpisode", "setGoal", "assignWorker", "unassignWorker", "acknowledgeFlag",
                         "recordFollowUp", "withdrawGoal", "reviseGoal", "correctEvent"):
        parameters = {parameter["name"]: parameter for parameter in operation(operation_id)["parameters"]}
        assert parameters["If-Match"]["in"] == "header" and "412" in parameters["If-Match"]["description"]
    for method, path, op in operations():
        assert "Retry-After" in resolve(op["responses"]["429"])["headers"], (method, path)
        if "401" in op["responses"]:
            assert "WWW-Authenticate" in resolve(op["responses"]["401"])["headers"], (method, path)


def test_csv_answers_are_declared_as_text_csv() -> None:
    export = operation("exportEpisodesCsv")["responses"]["200"]["content"]
    assert set(export) == {"text/csv"}
    report = operation("getEffectivenessReport")["responses"]["200"]["content"]
    assert set(report) == {"application/json", "text/csv"}


def test_identifiers_timestamps_and_dates_have_formats() -> None:
    formats = {name: node.get("format") for name, node in schema("VisitOut")["properties"].items()}
    assert formats == {"id": "uuid", "episode_id": "uuid", "event_id": "uuid", "received_at": "date-time"}
    episode = schema("EpisodeOut")["properties"]
    assert episode["started_on"]["format"] == "date" and episode["last_visit_at"]["format"] == "date-time"
    assert episode["worker_ids"]["items"]["format"] == "uuid"
    session = schema("SessionOut")["properties"]
    assert session["id"]["format"] == "uuid" and session["last_used_at"]["format"] == "date-time"
    for path, node in walk(document()["components"]["schemas"]):
        if node.get("type") == "string" and "format" not in node and "enum" not in node:
            name = path.rsplit("/", 1)[-1]
            assert not re.search(r"(^id|_id|_at|_on)$", name), path


def test_request_timestamps_say_they_need_an_offset() -> None:
    occurred_at = schema("VisitIn")["properties"]["occurred_at"]
    assert "offset" in occurred_at["description"]
    pattern = re.compile(occurred_at["pattern"])
    for accepted in ("2026-11-20T09:30:00+00:00", "2026-11-20T10:30:00.123+01:00", "2026-11-20T09:30:00Z"):
        assert pattern.match(accepted), accepted
    for refused in ("2026-11-20T09:30:00", "2026-11-20", "2026-11-20T09:30:00.5"):
        assert not pattern.match(refused), refused
    request_timestamps = [path for path, node in walk(document()["components"]["schemas"])
                          if node.get("format") == "date-time" and "pattern" in node]
    assert len(request_timestamps) >= 1


def test_each_vocabulary_is_one_named_enum() -> None:
    enums = {name: tuple(node["enum"]) for name, node in document()["components"]["schemas"].items()
             if "enum" in node}
    assert {"ReportFormat", "Concern", "Role", "GoalDomain", "Outcome", "FlagName", "Metric"} <= set(enums)
    duplicates = [values for values, count in Counter(frozenset(values) for values in enums.values()).items()
                  if count > 1]
    assert duplicates == []
    inline = [path for path, node in walk(document()) if node.get("type") == "string" and "enum" in node
              and not re.fullmatch(r"/components/schemas/\w+", path)]
    assert inline == []
    format_parameters = [parameter["schema"] for _, _, op in operations() for parameter in op.get("parameters", [])
                         if parameter["name"] == "format"]
    assert format_parameters and all(node == {"$ref": f"{SCHEMAS}ReportFormat"} for node in format_parameters)


def test_the_document_is_a_valid_openapi_document() -> None:
    validate(json.loads(OPENAPI_FILE.read_text(encoding="utf-8")))


def test_spectral_oas_ruleset_finds_nothing() -> None:
    spectral = node_tool("spectral")
    done = run([spectral, "lint", str(OPENAPI_FILE), "--ruleset", str(PROJECT_ROOT / ".spectral.yaml"),
                "--format", "json", "--quiet", "--fail-severity", "hint"], cwd=PROJECT_ROOT)
    results = json.loads(done.stdout or "[]")
    assert results == [], json.dumps(results, indent=1)[:4000]
    assert done.returncode == 0, done.stderr
