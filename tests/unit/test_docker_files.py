"""The docker files run only commands that exist in this project (no Docker engine here to run them)."""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import Any

import pytest
import yaml

from service import create_app
from workers.commands import register_worker_commands

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = yaml.safe_load((ROOT / "docker" / "compose.yaml").read_text())
DOCKERFILE = (ROOT / "docker" / "Dockerfile").read_text()
APP_SERVICES = ("api", "worker", "cron")


def _argv(command: Any) -> list[str]:
    """A compose command (list or shell string) as the argv of its final program."""
    argv = command if isinstance(command, list) else shlex.split(command)
    if argv[:2] == ["sh", "-c"]:
        argv = shlex.split(argv[2].split("exec ")[-1])
    return list(argv)


def _check_program(argv: list[str]) -> None:
    """flask commands must be registered on the app; gunicorn must find its config and app."""
    if argv[0] == "flask":
        assert argv[1:3] == ["--app", "wsgi"]
        cli = register_worker_commands(create_app({"DATABASE_URL": "sqlite://"})).cli
        group: Any = cli
        for word in argv[3:]:
            if word.startswith("-"):
                break
            group = group.get_command(None, word) if hasattr(group, "get_command") else None
            assert group is not None, f"flask command {argv[3:]} does not exist"
    elif argv[0] == "gunicorn":
        config = argv[argv.index("-c") + 1]
        assert (ROOT / config).is_file(), config
        module, _, attribute = argv[-1].partition(":")
        assert (ROOT / f"{module}.py").is_file() and attribute == "app"
    else:
        pytest.fail(f"unexpected program {argv[0]}")


@pytest.mark.parametrize("name", APP_SERVICES)
def test_each_app_service_runs_a_command_the_project_has(name: str) -> None:
    service = COMPOSE["services"][name]
    _check_program(_argv(service["command"]))
    if "healthcheck" in service:
        compile(service["healthcheck"]["test"][-1], "healthcheck", "exec")


def test_app_services_wait_for_healthy_postgres_and_redis_with_named_volumes() -> None:
    for name in APP_SERVICES:
        depends = COMPOSE["services"][name]["depends_on"]
        assert depends == {"postgres": {"condition": "service_healthy"}, "redis": {"condition": "service_healthy"}}
    for name in ("postgres", "redis"):
        assert "healthcheck" in COMPOSE["services"][name]
    assert set(COMPOSE["volumes"]) == {"postgres-data", "redis-data"}


def test_dockerfile_copies_what_exists_runs_as_non_root_and_starts_the_api() -> None:
    for source in re.findall(r"^COPY (\S+) ", DOCKERFILE, flags=re.MULTILINE):
        assert (ROOT / source).exists(), source
    assert re.search(r"^USER app$", DOCKERFILE, flags=re.MULTILINE)
    assert "HEALTHCHECK" in DOCKERFILE and "/api/v1/health" in DOCKERFILE
    cmd = re.search(r'^CMD (\[.*\])$', DOCKERFILE, flags=re.MULTILINE)
    assert cmd is not None
    _check_program(_argv(yaml.safe_load(cmd.group(1))))
    assert "gunicorn" in (ROOT / "requirements.txt").read_text()
