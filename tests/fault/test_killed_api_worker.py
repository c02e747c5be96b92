"""A gunicorn worker dies mid-request (OOM killer, crash); the phone retries: every visit is recorded exactly once.

The request is pinned at a known point before the kill, so the test is deterministic:
- "before_commit": the stream head is locked by the test, so the request waits with nothing written;
- "during_commit": commits wait for an absent synchronous standby, so the request has written and
  committed to the WAL, and the worker dies before the phone hears back (the retry must be a replay).
"""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.fault.client import Client, Episode, visit
from tests.fault.conftest import FaultDatabase
from tests.fault.probes import commits_held, stream_locked, visit_events, wait_for_waiting_backend
from tests.fault.processes import API_APPLICATION, Api, service_env, wait_until

PAUSES = ["before_commit", "during_commit"]
EXPECTED_RETRY_STATUS = {"before_commit": 201, "during_commit": 200}


@pytest.fixture(scope="module")
def api(fault_database: FaultDatabase, logs: Path) -> Iterator[Api]:
    # One worker process, so the one to kill is the one serving the request; jobs run in-process.
    with Api(service_env(fault_database.url(API_APPLICATION), None), logs, workers=1) as api:
        yield api


@pytest.fixture(scope="module")
def client(fault_database: FaultDatabase, api: Api) -> Client:
    return fault_database.client(api.base)


def kill_worker_mid_request(fault_database: FaultDatabase, api: Api, episode: Episode, pause: str,
                            send: Callable[[], requests.Response]) -> None:
    """Send the request, wait until it is parked at `pause` in PostgreSQL, SIGKILL its worker."""
    postgres, name = fault_database.postgres, fault_database.name
    outcome: dict[str, Any] = {}

    def call() -> None:
        try:
            outcome["response"] = send()
        except requests.RequestException as error:
            outcome["error"] = error

    hold: AbstractContextManager[None] = (stream_locked(postgres, name, episode.id) if pause == "before_commit"
                                          else commits_held(postgres))
    [worker_pid] = api.worker_pids()
    thread = threading.Thread(target=call, daemon=True)
    with hold:
        thread.start()
        if pause == "before_commit":
            wait_for_waiting_backend(postgres, name, API_APPLICATION, "Lock")
        else:
            wait_for_waiting_backend(postgres, name, API_APPLICATION, "IPC", "SyncRep")
        os.kill(worker_pid, signal.SIGKILL)
        thread.join(timeout=20)
    assert not thread.is_alive(), "the client hung after its worker was killed"
    assert "response" not in outcome, f"the request finished before the kill: {outcome['response'].text[:300]}"
    wait_until(lambda: len(api.worker_pids() - {worker_pid}) == 1, 30, "gunicorn to replace the killed worker")


@pytest.mark.parametrize("pause", PAUSES)
def test_a_batch_retried_after_its_worker_was_killed_is_recorded_exactly_once(
    fault_database: FaultDatabase, api: Api, client: Client, pause: str
) -> None:
    episode = client.open_episode()
    assert client.post_visit(visit(episode)).status_code == 201
    batch = [visit(episode, level=1 + number % 5) for number in range(500)]

    kill_worker_mid_request(fault_database, api, episode, pause, lambda: client.post_batch(batch))
    retry = client.post_batch(batch)

    assert retry.status_code == 200, retry.text
    results = retry.json()["results"]
    assert [result["id"] for result in results] == [item["id"] for item in batch]
    assert {result["status"] for result in results} == {EXPECTED_RETRY_STATUS[pause]}
    assert len({result["event_id"] for result in results}) == 500
    assert visit_events(fault_database.postgres, fault_database.name, episode.id) == 1 + 500


@pytest.mark.parametrize("pause", PAUSES)
def test_a_visit_retried_after_its_worker_was_killed_is_recorded_once(
    fault_database: FaultDatabase, api: Api, client: Client, pause: str
) -> None:
    episode = client.open_episode()
    phone_visit = visit(episode)

    kill_worker_mid_request(fault_database, api, episode, pause, lambda: client.post_visit(phone_visit))
    retry = client.post_visit(phone_visit)
    again = client.post_visit(phone_visit)

    assert retry.status_code == EXPECTED_RETRY_STATUS[pause], retry.text
    assert again.status_code == 200 and again.json() == retry.json()
    assert visit_events(fault_database.postgres, fault_database.name, episode.id) == 1
