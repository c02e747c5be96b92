"""A batch that waited for its stream's lock sees the visits committed meanwhile as replays, never a 5xx.

The keys must be read after the head lock is taken: read in the same statement as the lock, they came from a
snapshot older than the wait, the batch's INSERT failed on a key committed meanwhile, and when its one retry
waited behind a third request committing another of its keys, the retry failed the same way (a 500).
PostgreSQL only (SQLite writers are serial). The sleeps only order the requests; they time nothing.
"""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from service.database import db
from service.models import User
from service.visits.recording import _record_one
from service.visits.schemas import VisitIn
from tests.integration.api.world import World, visit_body


def test_a_batch_waiting_behind_two_appends_of_its_own_keys_is_answered_as_replays(app: Flask, world: World) -> None:
    if db.of(app).engine.dialect.name != "postgresql":
        pytest.skip("row locks: PostgreSQL only")
    episode = world.open_episode()
    first, second = visit_body(episode["id"]), visit_body(episode["id"])
    results: dict[str, Any] = {}

    def run(name: str, path: str, body: Any) -> None:
        try:
            results[name] = app.test_client().post(path, json=body, headers=world.worker.headers)
        except Exception as error:
            results[name] = error

    with app.app_context():
        holder = db.of(app).sessions()
        holder.begin()
        user = holder.execute(select(User).where(User.id == world.worker.id)).scalar_one()
        _record_one(holder, user, VisitIn().load(first))  # holds the head lock, `first` not yet committed
        batch = threading.Thread(target=run, args=("batch", "/api/v1/visits/batch", {"visits": [first, second]}))
        batch.start()
        time.sleep(0.5)  # the batch waits for the lock
        single = threading.Thread(target=run, args=("single", "/api/v1/visits", second))
        single.start()
        time.sleep(0.5)  # and the single post of `second` waits behind it
        holder.commit()
        holder.close()
    batch.join(30)
    single.join(30)
    assert not isinstance(results["single"], Exception), results["single"]
    assert not isinstance(results["batch"], Exception), repr(results["batch"])
    assert results["batch"].status_code == 200, results["batch"].get_data(as_text=True)
    statuses = [item["status"] for item in results["batch"].get_json()["results"]]
    assert statuses[0] == 200 and statuses[1] in (200, 201)
