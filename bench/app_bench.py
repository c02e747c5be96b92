"""Benchmark the worker app (/app/) in Debian chromium at the phone viewport, against a freshly seeded live server.

Run from the project root:

    .venv/bin/python bench/app_bench.py [--runs 7]

Measures:
- shell transfer size: every file the service worker keeps (what a phone downloads on its first visit), as
  served (uncompressed) and as gzip would send it;
- time to interactive (the app's `worker-app-ready` performance mark: first screen drawn, controls live),
  cold (new profile: no cache, no service worker, the sign-in screen) and warm (signed in, shell from the
  service worker, caseload from IndexedDB), online and offline;
- time to record a visit with the keyboard alone (from the first key on the caseload to the caseload again,
  the visit saved), and how many keys that takes.

Each is measured twice: as this machine runs it, and with a mobile profile (CPU slowed 4x, 150 ms round trip,
1.6 Mbit/s down, as Lighthouse's mobile preset). Medians and worst of `--runs` runs.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from playwright.sync_api import sync_playwright

from tests.e2e.browser.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.e2e.browser.worker_app_steps import (
    PHONE,
    open_episode,
    record_visit_by_keyboard,
    sign_in,
    wait_for_caseload,
    wait_for_offline_shell,
)
from tests.e2e.live_server import seeded_server

WORKER = "worker.homefirst.1"
MOBILE_NETWORK = {"offline": False, "latency": 150, "downloadThroughput": 1_600_000 / 8,
                  "uploadThroughput": 750_000 / 8}
PROFILES = {"this machine": None, "mobile (4x CPU, 150 ms, 1.6 Mbit/s)": 4}


def shell_size(base_url: str) -> dict[str, Any]:
    """Bytes of every shell file, as served and gzipped."""
    worker = requests.get(f"{base_url}/app/sw.js", timeout=10).text
    match = re.search(r"^const SHELL = (\{.*\});$", worker, re.MULTILINE)
    assert match is not None
    urls = ["/app/sw.js", *json.loads(match.group(1))["urls"]]
    raw = gzipped = 0
    by_kind: dict[str, int] = {}
    for url in urls:
        body = requests.get(f"{base_url}{url}", timeout=10).content
        raw += len(body)
        squeezed = len(gzip.compress(body, compresslevel=6))
        gzipped += min(squeezed, len(body))
        kind = url.rsplit(".", 1)[-1] if "." in url.rsplit("/", 1)[-1] else "html"
        by_kind[kind] = by_kind.get(kind, 0) + len(body)
    return {"files": len(urls), "bytes": raw, "gzip_bytes": gzipped, "by_kind": by_kind}


def throttle(page: Any, slowdown: int | None) -> None:
    """Apply the mobile profile to a tab (nothing for this machine)."""
    if slowdown is None:
        return
    cdp = page.context.new_cdp_session(page)
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": slowdown})
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", MOBILE_NETWORK)


def ready_ms(page: Any) -> float:
    """When the app marked itself interactive, in ms from the start of navigation."""
    page.locator("html[data-ready=true]").wait_for(state="attached")
    value: float = page.evaluate("performance.getEntriesByName('worker-app-ready')[0].startTime")
    return value


def measure(runs: int, action: Callable[[], float]) -> dict[str, float]:
    """Median and worst of `runs` measurements."""
    samples = [action() for _ in range(runs)]
    return {"median": round(statistics.median(samples), 1), "worst": round(max(samples), 1)}


def run(base_url: str, runs: int, workdir: Path) -> dict[str, Any]:
    """All browser measurements, for each profile."""
    results: dict[str, Any] = {}
    episode = open_episode(base_url, WORKER, ["Make a cup of tea myself"])
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)

        def cold(slowdown: int | None) -> float:
            context = browser.new_context(**PHONE)
            page = context.new_page()
            throttle(page, slowdown)
            page.goto(f"{base_url}/app/")
            value = ready_ms(page)
            context.close()
            return value

        for name, slowdown in PROFILES.items():
            figures: dict[str, Any] = {"cold_sign_in_screen_ms": measure(runs, lambda s=slowdown: cold(s))}
            profile = workdir / f"profile-{slowdown}"
            context = playwright.chromium.launch_persistent_context(
                str(profile), executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, **PHONE)
            page = context.pages[0] if context.pages else context.new_page()
            sign_in(page, base_url, WORKER)
            wait_for_caseload(page, episode)
            wait_for_offline_shell(page)
            throttle(page, slowdown)

            def warm(offline: bool, page: Any = page, context: Any = context) -> float:
                context.set_offline(offline)
                page.goto(f"{base_url}/app/")
                value = ready_ms(page)
                wait_for_caseload(page, episode)
                context.set_offline(False)
                return value

            figures["warm_caseload_online_ms"] = measure(runs, lambda: warm(False))
            figures["warm_caseload_offline_ms"] = measure(runs, lambda: warm(True))

            keys: list[int] = []

            def keyboard_visit(page: Any = page, keys: list[int] = keys) -> float:
                page.goto(f"{base_url}/app/")
                wait_for_caseload(page, episode)
                page.locator("h1").focus()
                started = time.perf_counter()
                keys.append(record_visit_by_keyboard(page, episode, level=3, duration=30))
                return (time.perf_counter() - started) * 1000

            figures["keyboard_visit_ms"] = measure(runs, keyboard_visit)
            figures["keyboard_visit_keys"] = max(keys)
            context.close()
            results[name] = figures
        browser.close()
    return results


def main() -> None:
    """Seed a server, measure, print a JSON report."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=7)
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="app-bench-") as directory:
        workdir = Path(directory)
        with seeded_server(workdir, episodes=40) as base_url:
            report = {"shell": shell_size(base_url), "browser": run(base_url, arguments.runs, workdir)}
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
