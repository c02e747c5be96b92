"""api_docs/README.md works: its bash examples run, in order, against a real server loaded with the demo data."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[2]
GUIDE = PROJECT_ROOT / "api_docs" / "README.md"
FLASK = str(PROJECT_ROOT / ".venv" / "bin" / "flask")
GUIDE_BASE_URL = "http://127.0.0.1:8000"
BASH_BLOCK = re.compile(r"^```bash\n(.*?)^```$", re.MULTILINE | re.DOTALL)


def free_port() -> int:
    """A loopback port nobody is listening on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def server_env(database: Path) -> dict[str, str]:
    """The service's settings: a fresh SQLite file, jobs in-process, cheap password hashing."""
    env = {key: value for key, value in os.environ.items()
           if not key.startswith("FLASK_") and key not in ("REDIS_URL", "ENV")}
    env.update({"DATABASE_URL": f"sqlite:///{database}", "ARGON2_TIME_COST": "1", "ARGON2_MEMORY_COST": "1024"})
    return env


def flask(env: dict[str, str], *args: str, timeout: float) -> str:
    """Run a `flask --app wsgi` command to completion and return its output."""
    done = subprocess.run([FLASK, "--app", "wsgi", *args], cwd=PROJECT_ROOT, env=env, capture_output=True,
                          text=True, timeout=timeout, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def wait_until_healthy(base_url: str, server: subprocess.Popen[bytes], log: Path, deadline_seconds: float) -> None:
    """Poll /api/v1/health until it answers 200 (fail if the server dies or the deadline passes)."""
    deadline = time.monotonic() + deadline_seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"the server exited with {server.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(f"{base_url}/api/v1/health", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)
    pytest.fail(f"the server did not become healthy:\n{log.read_text()}")


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`flask run` on a free loopback port over a freshly seeded demo database; stopped afterwards."""
    workdir = tmp_path_factory.mktemp("guide")
    env = server_env(workdir / "demo.sqlite3")
    flask(env, "db", "upgrade", timeout=120)
    flask(env, "demo", "seed", "--episodes", "40", timeout=300)
    port = free_port()
    log = workdir / "server.log"
    with log.open("wb") as output:
        server = subprocess.Popen([FLASK, "--app", "wsgi", "run", "--host", "127.0.0.1", "--port", str(port)],
                                  cwd=PROJECT_ROOT, env=env, stdout=output, stderr=subprocess.STDOUT)
    try:
        base_url = f"http://127.0.0.1:{port}"
        wait_until_healthy(base_url, server, log, deadline_seconds=60)
        yield base_url
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=10)


def guide_script(base_url: str) -> str:
    """Every bash block of the guide, in order, pointed at `base_url`."""
    blocks = BASH_BLOCK.findall(GUIDE.read_text(encoding="utf-8"))
    assert len(blocks) >= 10, "the guide's runnable examples are missing"
    assert all("```" not in block for block in blocks)
    return "\n".join(blocks).replace(GUIDE_BASE_URL, base_url)


def line_before(lines: list[str], marker: str, occurrence: int = 0) -> str:
    """The last non-blank line printed before the `occurrence`-th line equal to `marker` (the response body)."""
    position = [index for index, line in enumerate(lines) if line == marker][occurrence]
    return next(line for line in reversed(lines[:position]) if line.strip())


def test_every_example_in_the_guide_runs_against_the_demo_data(demo_server: str, tmp_path: Path) -> None:
    script = tmp_path / "guide.sh"
    script.write_text(guide_script(demo_server), encoding="utf-8")

    done = subprocess.run(["bash", "-euo", "pipefail", str(script)], cwd=tmp_path, capture_output=True, text=True,
                          timeout=180, check=False)

    output = done.stdout
    assert done.returncode == 0, output + done.stderr
    lines = output.splitlines()
    statuses = [match.group(1) for line in lines if (match := re.search(r"HTTP (\d{3})$", line))]
    # bad sign-in, visit, replay, changed replay, naive timestamp, batch, If-Match current, stale, revoke, revoked
    assert statuses == ["401", "201", "200", "409", "422", "200", "200", "412", "204", "401"], output
    assert line_before(lines, "HTTP 201") == line_before(lines, "HTTP 200"), "a replay returns the original body"
    batch = json.loads(line_before(lines, "HTTP 200", occurrence=1))
    assert [result["status"] for result in batch["results"]] == [200, 201, 422]
    retried = [line.split()[-1] for line in lines if line.startswith("batch retry:")]
    assert retried == ["200", "200", "422"]
    assert "Bearer token for" in output and "worker.homefirst.1" in output
