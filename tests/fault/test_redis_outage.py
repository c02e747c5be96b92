"""Redis stops while phones are posting visits: every visit is still taken, derived state catches up after."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fault.client import Client, visit
from tests.fault.conftest import FaultDatabase
from tests.fault.probes import visit_events
from tests.fault.processes import (
    WORKER_APPLICATION,
    Api,
    ServiceProcess,
    rq_worker,
    service_env,
    wait_until,
)
from tests.integration.workers.redis_server import PrivateRedis


@pytest.fixture(scope="module")
def worker(fault_database: FaultDatabase, private_redis: PrivateRedis, logs: Path) -> Iterator[ServiceProcess]:
    with rq_worker(service_env(fault_database.url(WORKER_APPLICATION), private_redis.url), logs) as worker:
        yield worker



def test_every_visit_is_taken_while_redis_is_down_and_derived_state_catches_up_after(
    fault_database: FaultDatabase, private_redis: PrivateRedis, queued_api: Api, worker: ServiceProcess
) -> None:
    client: Client = fault_database.client(queued_api.base)
    episode = client.open_episode()
    wait_until(lambda: client.health()[1]["projection_lag"] == 0, 30, "the worker to refresh the new episode")

    statuses, queue_during_outage = [], None
    for number in range(30):
        if number == 10:
            private_redis.stop()
        if number == 20:
            queue_during_outage = client.health()[1]["queue"]
            private_redis.start()  # a fresh, empty Redis: refresh jobs enqueued before the outage are gone
        response = client.post_visit(visit(episode, level=2 + number % 3))
        statuses.append(response.status_code)

    assert statuses == [201] * 30, queued_api.process.log_tail()
    assert queue_during_outage == "down"
    assert visit_events(fault_database.postgres, fault_database.name, episode.id) == 30

    fault_database.catch_up(private_redis.url)

    def caught_up() -> bool:
        # RQ's worker exits (status 1) when Redis vanishes under a job in flight; compose restarts it.
        worker.restart_if_exited()
        return client.health()[1]["projection_lag"] == 0

    wait_until(caught_up, 30, "projection lag to reach 0", interval=0.2)
    read = client.episode(episode.id)
    assert read["visits"] == 30
    assert read["projected_version"] == read["version"]
    assert client.health() == (200, {"status": "ok", "database": "ok", "queue": "ok", "projection_lag": 0})
