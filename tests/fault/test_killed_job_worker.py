"""The RQ worker is SIGKILLed in the middle of a refresh job: a new worker plus catch-up converge derived state."""

from __future__ import annotations

from pathlib import Path

from tests.fault.client import Client, visit
from tests.fault.conftest import FaultDatabase
from tests.fault.probes import refresh_locked, visit_events, wait_for_waiting_backend
from tests.fault.processes import WORKER_APPLICATION, Api, rq_worker, service_env, wait_until
from tests.integration.workers.redis_server import PrivateRedis


def test_a_refresh_abandoned_by_a_killed_worker_is_caught_up_by_a_new_worker(
    fault_database: FaultDatabase, private_redis: PrivateRedis, queued_api: Api, logs: Path
) -> None:
    client: Client = fault_database.client(queued_api.base)
    env = service_env(fault_database.url(WORKER_APPLICATION), private_redis.url)
    first, second = rq_worker(env, logs, "rq-worker-killed"), rq_worker(env, logs, "rq-worker-new")
    try:
        first.start()
        abandoned, queued = client.open_episode(), client.open_episode()
        wait_until(lambda: client.health()[1]["projection_lag"] == 0, 30, "the worker to refresh new episodes")

        # The worker starts refreshing `abandoned` and is parked inside its transaction by our lock.
        with refresh_locked(fault_database.postgres, fault_database.name, abandoned.id):
            assert client.post_visit(visit(abandoned, level=3)).status_code == 201
            wait_for_waiting_backend(fault_database.postgres, fault_database.name, WORKER_APPLICATION, "Lock",
                                     "advisory")
            first.kill()
        # Visits keep coming while no worker runs.
        for level in (2, 3, 4):
            assert client.post_visit(visit(queued, level=level)).status_code == 201

        assert client.health()[1]["projection_lag"] == 1 + 3  # the killed job committed nothing

        second.start()
        fault_database.catch_up(private_redis.url)  # what the cron runs each minute
        wait_until(lambda: client.health()[1]["projection_lag"] == 0, 30, "projection lag to reach 0")
    finally:
        first.stop()
        second.stop()

    for episode, visits, level in ((abandoned, 1, 3), (queued, 3, 4)):
        read = client.episode(episode.id)
        assert read["visits"] == visits == visit_events(fault_database.postgres, fault_database.name, episode.id)
        assert read["projected_version"] == read["version"]
        assert read["goals"][0]["current_level"] == level
