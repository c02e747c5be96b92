"""The contract tests' external tools: the committed OpenAPI document and the Node.js tools from package.json."""

from __future__ import annotations

import json
import shutil
import subprocess
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import REQUIRE_SERVICES

PROJECT_ROOT = Path(__file__).resolve().parents[2]
OPENAPI_FILE = PROJECT_ROOT / "api_docs" / "openapi.json"
NODE_BIN = PROJECT_ROOT / "node_modules" / ".bin"


@cache
def document() -> dict[str, Any]:
    """The committed OpenAPI document (a test elsewhere checks it matches the code)."""
    loaded: dict[str, Any] = json.loads(OPENAPI_FILE.read_text(encoding="utf-8"))
    return loaded


def node_tool(name: str) -> str:
    """A tool installed by `npm ci` (scripts/test runs it); skipped without it, failed in CI."""
    path = NODE_BIN / name
    if not path.exists() or shutil.which("node") is None:
        message = f"{name} is not installed: run `npm ci` in the project root"
        if REQUIRE_SERVICES:
            pytest.fail(message)
        pytest.skip(message)
    return str(path)


def run(command: list[str], cwd: Path, timeout: float = 180) -> subprocess.CompletedProcess[str]:
    """Run a command to completion, capturing its output."""
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=timeout, check=False)


def operations() -> list[tuple[str, str, dict[str, Any]]]:
    """(METHOD, path, operation) for every operation of the document."""
    found = []
    for path, item in document()["paths"].items():
        for method, operation in item.items():
            if method in ("get", "post", "put", "patch", "delete"):
                found.append((method.upper(), path, operation))
    return found


def resolve(node: dict[str, Any]) -> dict[str, Any]:
    """Follow a local `$ref` (once per level) to what it names."""
    while "$ref" in node:
        target: Any = document()
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = target
    return node


def operation(operation_id: str) -> dict[str, Any]:
    """The operation with this operationId."""
    return next(op for _, _, op in operations() if op.get("operationId") == operation_id)
