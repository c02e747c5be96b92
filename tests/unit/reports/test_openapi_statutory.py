"""The committed OpenAPI document describes the CLD endpoints, the new ASCOF name and the deprecated old one."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

OPENAPI_FILE = Path(__file__).resolve().parents[3] / "api_docs" / "openapi.json"


def document() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(OPENAPI_FILE.read_text(encoding="utf-8"))
    return loaded


def test_the_cld_extract_and_its_check_are_documented_for_managers_and_admins() -> None:
    paths = document()["paths"]
    extract, check = paths["/api/v1/exports/cld.csv"]["get"], paths["/api/v1/exports/cld-check"]["get"]
    assert "text/csv" in extract["responses"]["200"]["content"]
    assert {parameter["name"] for parameter in extract["parameters"]} >= {"from", "to", "provider_id"}
    assert {parameter["name"] for parameter in check["parameters"]} >= {"from", "to", "provider_id"}
    schema = check["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    properties = document()["components"]["schemas"][schema]["properties"]
    assert {"rows", "errors", "warnings", "ready", "problems", "la_code"} <= set(properties)
    assert extract["security"] == check["security"] == [{"bearerAuth": []}]


def test_ascof_2a_is_documented_and_2d_is_deprecated_with_what_it_became() -> None:
    metrics = document()["components"]["schemas"]["MetricsOut"]["properties"]
    assert "2A" in metrics["ascof_2a_pct"]["description"] and not metrics["ascof_2a_pct"].get("deprecated")
    old = metrics["ascof_2d_pct"]
    assert old["deprecated"] is True and "ascof_2a_pct" in old["description"] and "2A" in old["description"]
    assert "2B(1)" in metrics["at_home_91_pct"]["description"]
    schemas = document()["components"]["schemas"]
    targets = schemas[schemas["TargetIn"]["properties"]["metric"]["$ref"].rsplit("/", 1)[-1]]["enum"]
    assert "ascof_2a_pct" in targets and "ascof_2d_pct" in targets



def test_closures_document_the_optional_cessation_reason() -> None:
    schemas = document()["components"]["schemas"]
    reason = schemas["Closure"]["properties"]["cessation_reason"]
    vocabulary = schemas[reason["allOf"][0]["$ref"].rsplit("/", 1)[-1]]
    assert vocabulary["enum"] == ["deceased", "nhs_funded_care", "admitted_to_hospital", "other"]
    assert reason["nullable"] is True and "422" in reason["description"]
    assert "cessation_reason" not in schemas["Closure"].get("required", [])
