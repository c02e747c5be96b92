"""api_docs/README.md works: its bash examples run, in order, against a real server loaded with the demo data."""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.live_server import PROJECT_ROOT, seeded_server

GUIDE = PROJECT_ROOT / "api_docs" / "README.md"
GUIDE_BASE_URL = "http://127.0.0.1:8000"
BASH_BLOCK = re.compile(r"^```bash\n(.*?)^```$", re.MULTILINE | re.DOTALL)


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The service over 40 freshly seeded demo episodes; stopped afterwards."""
    with seeded_server(tmp_path_factory.mktemp("guide"), episodes=40) as base_url:
        yield base_url


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
    # bad sign-in, refresh, visit, replay, changed replay, naive timestamp, batch, If-Match current, stale,
    # a second phone's refresh, its reused refresh token, revoke, revoked
    assert statuses == ["401", "200", "201", "200", "409", "422", "200", "200", "412", "200", "401", "204",
                        "401"], output
    assert line_before(lines, "HTTP 201") == line_before(lines, "HTTP 200"), "a replay returns the original body"
    batch = json.loads(line_before(lines, "HTTP 200", occurrence=1))
    assert [result["status"] for result in batch["results"]] == [200, 201, 422]
    retried = [line.split()[-1] for line in lines if line.startswith("batch retry:")]
    assert retried == ["200", "200", "422"]
    assert "Bearer token for" in output and "worker.homefirst.1" in output
    assert "x-request-id: guide-example-1" in output.lower() and re.search(r"(?im)^date: \w{3}, ", output)
    assert re.search(r'"reason": ?"refresh_token_reused"', output) and re.search(r'"reason": ?"token_revoked"', output)
    assert "session: device GuideApp/1.0 (example)" in output
