"""PostgreSQL restarts under the running service: 503s (never 500s or hangs) during, 201s after, no restart."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import requests

from tests.fault.client import Client, visit
from tests.fault.conftest import FaultDatabase
from tests.fault.probes import visit_events
from tests.fault.processes import API_APPLICATION, Api, service_env
from tests.helpers import PASSWORD

REQUEST_TIMEOUT = 10.0


@pytest.fixture(scope="module")
def api(fault_database: FaultDatabase, logs: Path) -> Iterator[Api]:
    with Api(service_env(fault_database.url(API_APPLICATION), None), logs, workers=2) as api:
        yield api


def timed(call: Callable[[], requests.Response]) -> tuple[requests.Response, float]:
    started = time.monotonic()
    response = call()
    return response, time.monotonic() - started


def test_requests_get_503_while_postgres_is_down_and_the_same_processes_serve_again_after(
    fault_database: FaultDatabase, api: Api
) -> None:
    postgres = fault_database.postgres
    client: Client = fault_database.client(api.base)
    episode = client.open_episode()
    processes = (api.process.pid, api.worker_pids())
    # Warm every worker's pool, so the outage finds stale pooled connections, not an empty pool.
    for _ in range(6):
        assert client.post_visit(visit(episode)).status_code == 201

    refused = [visit(episode) for _ in range(6)]
    outage: list[tuple[str, int, float]] = []
    postgres.stop("fast")
    try:
        for phone_visit in refused:
            response, seconds = timed(lambda v=phone_visit: client.post_visit(v, timeout=REQUEST_TIMEOUT))
            outage.append(("POST /visits", response.status_code, seconds))
        response, seconds = timed(lambda: client.post_batch(refused[:2], timeout=REQUEST_TIMEOUT))
        outage.append(("POST /visits/batch", response.status_code, seconds))
        response, seconds = timed(lambda: requests.get(f"{api.base}/api/v1/episodes/{episode.id}",
                                                       headers=client.manager, timeout=REQUEST_TIMEOUT))
        outage.append(("GET /episodes/{id}", response.status_code, seconds))
        response, seconds = timed(lambda: requests.get(f"{api.base}/api/v1/me/caseload", headers=client.worker,
                                                       timeout=REQUEST_TIMEOUT))
        outage.append(("GET /me/caseload", response.status_code, seconds))
        response, seconds = timed(lambda: requests.post(
            f"{api.base}/api/v1/auth/token", json={"username": fault_database.worker, "password": PASSWORD},
            timeout=REQUEST_TIMEOUT))
        outage.append(("POST /auth/token", response.status_code, seconds))
        response, seconds = timed(lambda: requests.get(f"{api.base}/api/v1/health", timeout=REQUEST_TIMEOUT))
        outage.append(("GET /health", response.status_code, seconds))
        health_during = response.json()
    finally:
        postgres.start()

    assert [status for _, status, _ in outage] == [503] * len(outage), (outage, api.process.log_tail())
    assert max(seconds for _, _, seconds in outage) < 5, outage
    assert health_during["database"] == "down"

    # The refused visits stored nothing: sent again, each is new (201), not a replay (200).
    assert [client.post_visit(v).status_code for v in refused] == [201] * len(refused)
    assert client.post_batch([visit(episode)]).json()["results"][0]["status"] == 201
    assert client.health()[0] == 200
    assert (api.process.pid, api.worker_pids()) == processes, "gunicorn or a worker was restarted"
    assert visit_events(postgres, fault_database.name, episode.id) == 6 + 6 + 1
