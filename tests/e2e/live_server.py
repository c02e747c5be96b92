"""The real service as a subprocess: `flask run` on a free loopback port over a freshly seeded demo database."""

from __future__ import annotations

import os
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[2]
FLASK = str(PROJECT_ROOT / ".venv" / "bin" / "flask")


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
    env.update({"DATABASE_URL": f"sqlite:///{database}", "ARGON2_TIME_COST": "1", "ARGON2_MEMORY_COST": "1024",
                "RATE_LIMIT_PER_CLIENT": "100000/minute", "RATE_LIMIT_PER_IP": "100000/minute"})
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


@contextmanager
def seeded_server(workdir: Path, episodes: int, extra_env: dict[str, str] | None = None) -> Iterator[str]:
    """Migrate and seed a SQLite database in `workdir`, serve it, yield the base URL; always stop the server."""
    env = {**server_env(workdir / "demo.sqlite3"), **(extra_env or {})}
    flask(env, "db", "upgrade", timeout=120)
    flask(env, "demo", "seed", "--episodes", str(episodes), timeout=300)
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
