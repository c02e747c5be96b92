"""Clients generated from api_docs/openapi.json run a worker's day against a live server with no casts or workarounds.

- Python: openapi-python-client (pinned in requirements-dev.txt) generates a typed client; the flow below uses it.
- TypeScript: openapi-typescript generates the types; `typescript/flow.ts` (openapi-fetch) is type-checked strictly
  with `tsc --noEmit`, then compiled and run with Node.js against the same server.
"""

from __future__ import annotations

import importlib
import json
import re
import shutil
import sys
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from tests.contract.tools import OPENAPI_FILE, PROJECT_ROOT, node_tool, run
from tests.e2e.live_server import seeded_server

DEMO_PASSWORD = "demo-password-2026"
PACKAGE = "reablement_client"
TYPESCRIPT = Path(__file__).resolve().parent / "typescript"


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The service over a small freshly seeded demo cohort (each demo worker has an open episode with goals)."""
    with seeded_server(tmp_path_factory.mktemp("contract-server"), episodes=8) as base_url:
        yield base_url


@pytest.fixture(scope="module")
def python_client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    """A Python client generated from the committed document, importable as `reablement_client`."""
    workdir = tmp_path_factory.mktemp("python-client")
    config = workdir / "config.json"
    config.write_text(json.dumps({"package_name_override": PACKAGE, "post_hooks": []}), encoding="utf-8")
    generator = str(PROJECT_ROOT / ".venv" / "bin" / "openapi-python-client")
    done = run([generator, "generate", "--path", str(OPENAPI_FILE), "--meta", "none", "--config", str(config),
                "--output-path", str(workdir / PACKAGE), "--fail-on-warning"], cwd=workdir)
    assert done.returncode == 0, done.stdout + done.stderr
    sys.path.insert(0, str(workdir))
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(workdir))
        for name in [name for name in sys.modules if name == PACKAGE or name.startswith(f"{PACKAGE}.")]:
            del sys.modules[name]


def endpoint(name: str) -> Any:
    """A generated endpoint module, e.g. `visits.record_visit`."""
    return importlib.import_module(f"{PACKAGE}.api.{name}")


def test_a_generated_python_client_runs_a_workers_day(python_client: ModuleType, live_server: str) -> None:
    models = importlib.import_module(f"{PACKAGE}.models")
    public = python_client.Client(base_url=live_server)

    signed_in = endpoint("auth.sign_in").sync(client=public, body=models.TokenRequest(
        username="worker.homefirst.1", password=DEMO_PASSWORD))
    assert isinstance(signed_in, models.TokenResponse)
    assert signed_in.expires_at.tzinfo is not None and signed_in.expires_at > datetime.now(UTC)
    refreshed = endpoint("auth.refresh_session").sync(client=public, body=models.RefreshRequest(
        refresh_token=signed_in.refresh_token))
    assert isinstance(refreshed, models.TokenResponse) and refreshed.refresh_token != signed_in.refresh_token
    worker = python_client.AuthenticatedClient(base_url=live_server, token=refreshed.access_token)

    caseload = endpoint("visits.get_caseload").sync(client=worker)
    assert isinstance(caseload, models.CaseloadOut)
    episode = next(item for item in caseload.items if item.goals)
    assert isinstance(episode.id, uuid.UUID)
    visit = models.VisitIn(id=uuid.uuid4(), episode_id=episode.id, occurred_at=datetime.now(UTC),
                           duration_minutes=45, carers=models.VisitInCarers(1),
                           goal_progress=[models.GoalProgressIn(goal_id=episode.goals[0].id, level=3)],
                           concerns=[models.Concern.FALL])
    record = endpoint("visits.record_visit")

    recorded = record.sync_detailed(client=worker, body=visit)
    replayed = record.sync_detailed(client=worker, body=visit)
    changed = models.VisitIn.from_dict({**visit.to_dict(), "duration_minutes": 50})
    conflict = record.sync_detailed(client=worker, body=changed)

    assert recorded.status_code == 201 and isinstance(recorded.parsed, models.VisitOut)
    assert recorded.parsed.id == visit.id and isinstance(recorded.parsed.received_at, datetime)
    assert replayed.status_code == 200 and replayed.parsed == recorded.parsed
    assert conflict.status_code == 409 and isinstance(conflict.parsed, models.Error)
    assert conflict.parsed.reason == models.Reason.VISIT_ID_CONFLICT

    unknown_goal = models.VisitIn.from_dict({**visit.to_dict(), "id": str(uuid.uuid4()), "goal_progress": [
        {"goal_id": "00000000-0000-4000-8000-000000000000", "level": 2}]})
    second = models.VisitIn.from_dict({**visit.to_dict(), "id": str(uuid.uuid4()), "note": "Second visit today"})
    batch = endpoint("visits.sync_visits").sync(client=worker, body=models.BatchIn(visits=[visit, second,
                                                                                           unknown_goal]))
    assert isinstance(batch, models.BatchOut)
    assert [result.status for result in batch.results] == [200, 201, 422]
    assert batch.results[2].errors is not None and "goal_progress" in batch.results[2].errors.to_dict()

    # The phone refreshes again (the first refresh token's replacement is now used), then a copy of the first
    # one turns up: a stolen token, not a retry of a lost answer.
    again = endpoint("auth.refresh_session").sync(client=public, body=models.RefreshRequest(
        refresh_token=refreshed.refresh_token))
    assert isinstance(again, models.TokenResponse)
    stolen = endpoint("auth.refresh_session").sync_detailed(client=public, body=models.RefreshRequest(
        refresh_token=signed_in.refresh_token))
    assert stolen.status_code == 401 and isinstance(stolen.parsed, models.Error)
    assert stolen.parsed.reason == models.Reason.REFRESH_TOKEN_REUSED
    ended = endpoint("visits.get_caseload").sync_detailed(client=worker)
    assert ended.status_code == 401 and isinstance(ended.parsed, models.Error)
    assert ended.parsed.reason == models.Reason.TOKEN_REVOKED


def test_generated_typescript_types_check_and_run_a_workers_day(tmp_path: Path, live_server: str) -> None:
    generate, tsc, node = node_tool("openapi-typescript"), node_tool("tsc"), shutil.which("node")
    assert node is not None
    source = (TYPESCRIPT / "flow.ts").read_text(encoding="utf-8")
    code = "\n".join(line for line in source.splitlines() if not line.lstrip().startswith("//"))
    assert not re.search(r"\bas\s+(unknown|any|[A-Z{(])|<any>|!\.|!;|!,|!\)|\bnull\b|@ts-", code), \
        "the flow must need no casts, non-null assertions, explicit nulls or suppressions"
    shutil.copy(TYPESCRIPT / "flow.ts", tmp_path / "flow.ts")
    shutil.copy(TYPESCRIPT / "tsconfig.json", tmp_path / "tsconfig.json")
    (tmp_path / "node_modules").symlink_to(PROJECT_ROOT / "node_modules")
    (tmp_path / "package.json").write_text('{"type": "module"}', encoding="utf-8")

    generated = run([generate, str(OPENAPI_FILE), "--output", str(tmp_path / "api.d.ts")], cwd=tmp_path)
    assert generated.returncode == 0, generated.stdout + generated.stderr
    checked = run([tsc, "--noEmit", "-p", "tsconfig.json"], cwd=tmp_path)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    compiled = run([tsc, "-p", "tsconfig.json", "--noCheck"], cwd=tmp_path)  # checked just above
    assert compiled.returncode == 0, compiled.stdout + compiled.stderr

    ran = run([node, str(tmp_path / "out" / "flow.js"), live_server, "worker.homefirst.2", DEMO_PASSWORD],
              cwd=tmp_path, timeout=60)

    assert ran.returncode == 0, ran.stdout + ran.stderr
    assert json.loads(ran.stdout) == ["signed in", "refreshed", "caseload", "recorded 201", "replayed 200",
                                      "conflict 409 visit_id_conflict", "batch 200,201,422",
                                      "reuse refresh_token_reused"]
