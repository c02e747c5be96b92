"""cProfile the hot paths behind bench/run.py's targets, in-process (py-spy is not available).

    .venv/bin/python bench/profile_hot_paths.py [--only visit|batch|worker|rebuild ...] [--top 30] [--wall]

On its own PostgreSQL database (dropped at the end), with jobs on Redis db 14 (flushed before/after):
  visit   - POST /api/v1/visits through the Flask test client (includes enqueueing the refresh job);
  batch   - POST /api/v1/visits/batch with 500 visits;
  worker  - an RQ SimpleWorker (JSONSerializer, as `flask worker`) draining refresh jobs in burst mode;
  rebuild - service.projections.refresh.refresh_episodes in chunks of 200, as `flask projections rebuild` does.
Each path runs once unprofiled (wall and CPU per call, the numbers to trust; for visit and batch also the CPU of
the PostgreSQL backends serving them) and once under cProfile
(where the time goes). CPU-time profiling is the default because the machine is shared: wall time
mostly measures other people's load. .prof files go to bench/results/.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH.parent))

import run as bench  # noqa: E402
from load import visit_body  # noqa: E402

TIMER: Callable[[], float] = time.process_time


def backends_cpu(database: str | None) -> float:
    """CPU seconds used so far by the PostgreSQL backends connected to `database` (0 without one)."""
    return sum(cpu for _, cpu in bench.backend_cpu(database).values()) if database else 0.0


def measure(title: str, calls: int, prepare: Callable[[], Any], work: Callable[[Any], Any], top: int,
            slug: str, database: str | None = None) -> dict[str, float]:
    """Run `work(prepare())` unprofiled then profiled; print per-call wall/CPU and the top functions.

    With `database`, the unprofiled CPU also counts that database's PostgreSQL backends (bench/run.py's
    "request path": the app and its PostgreSQL).
    """
    arg = prepare()
    backends = backends_cpu(database)
    wall, cpu = time.perf_counter(), time.process_time()
    work(arg)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    backends = backends_cpu(database) - backends
    postgres = f" + {1000 * backends / calls:.2f} ms CPU in PostgreSQL" if database else ""
    print(f"\n##### {title}: unprofiled {1000 * wall / calls:.2f} ms wall, {1000 * cpu / calls:.2f} ms CPU{postgres} "
          f"per call ({calls} calls; load average {os.getloadavg()[0]:.1f})")
    arg = prepare()
    profile = cProfile.Profile(TIMER)
    profile.enable()
    work(arg)
    profile.disable()
    profile.dump_stats(str(bench.RESULTS / f"{slug}.prof"))
    for order in ("cumulative", "tottime"):
        stream = io.StringIO()
        stats = pstats.Stats(profile, stream=stream)
        stats.strip_dirs().sort_stats(order).print_stats(top)
        text = stream.getvalue()
        print(f"--- by {order} (profiled total {stats.total_tt:.2f}s)")  # type: ignore[attr-defined]
        print(text[text.find("   ncalls"):].rstrip())
    return {"wall_ms": 1000 * wall / calls, "cpu_ms": 1000 * cpu / calls}


def main() -> int:
    """Profile the selected paths on a throwaway database."""
    global TIMER
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--visits", type=int, default=200)
    parser.add_argument("--jobs", type=int, default=200)
    parser.add_argument("--rebuild-episodes", type=int, default=400)
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--only", choices=("visit", "batch", "worker", "rebuild"), action="append")
    parser.add_argument("--wall", action="store_true", help="profile wall-clock instead of CPU time")
    args = parser.parse_args()
    if args.wall:
        TIMER = time.perf_counter
    only = set(args.only or ("visit", "batch", "worker", "rebuild"))
    bench.RESULTS.mkdir(parents=True, exist_ok=True)
    name = f"reablement_bench_prof_{os.getpid()}"
    created: list[str] = []
    from rq import SimpleWorker
    from rq.serializers import JSONSerializer

    from service import create_app
    from service.database import db
    from service.projections.dispatch import dispatch_refresh
    from service.queue import get_queue

    try:
        bench.flush_bench_redis()
        bench.create_database(name)
        created.append(name)
        sa_url = f"{bench.SA_BASE}/{name}"
        episode_sets, worker_username = bench.setup_service_data(sa_url, 1, 50, 2)
        episodes = episode_sets[0]
        app, client, headers = bench.signed_in_app(sa_url, worker_username)
        rng = random.Random(1)
        for _ in range(20):  # warm up imports, pools, caches
            assert client.post("/api/v1/visits", json=visit_body(episodes, rng), headers=headers).status_code == 201

        if "visit" in only:
            def post_visits(bodies: list[dict[str, Any]]) -> None:
                for body in bodies:
                    assert client.post("/api/v1/visits", json=body, headers=headers).status_code == 201

            measure("POST /api/v1/visits", args.visits, lambda: [visit_body(episodes, rng) for _ in range(args.visits)],
                    post_visits, args.top, "visit", name)

        if "batch" in only:
            def post_batch(visits: list[dict[str, Any]]) -> None:
                response = client.post("/api/v1/visits/batch", json={"visits": visits}, headers=headers)
                assert response.status_code == 200
                assert {item["status"] for item in response.get_json()["results"]} == {201}

            measure("POST /api/v1/visits/batch x500", 1,
                    lambda: [visit_body([episodes[index % len(episodes)]], rng) for index in range(500)],
                    post_batch, args.top, "batch", name)

        if "worker" in only:
            import uuid

            def enqueue() -> None:
                bench.flush_bench_redis()
                with app.app_context():
                    ids = [uuid.UUID(episodes[index % len(episodes)][0]) for index in range(args.jobs)]
                    for episode_id in ids:  # one job per visit, as the visit endpoint enqueues them
                        dispatch_refresh([episode_id])

            def drain(_: None) -> None:
                with app.app_context():
                    queue = get_queue()
                    assert queue is not None
                    SimpleWorker([queue], connection=queue.connection, serializer=JSONSerializer).work(
                        burst=True, logging_level="WARNING")

            measure("RQ SimpleWorker: refresh_episode jobs", args.jobs, enqueue, drain, args.top, "worker")
        db.dispose()

        if "rebuild" in only:
            rebuild_name = f"{name}_rebuild"
            bench.create_database(rebuild_name)
            created.append(rebuild_name)
            rebuild_url = f"{bench.SA_BASE}/{rebuild_name}"
            events = bench.generate_rebuild_data(rebuild_url, args.rebuild_episodes, 25)
            from sqlalchemy import select

            from service.domain.calendar import today_london
            from service.models import Episode
            from service.projections.refresh import refresh_episodes

            rebuild_app = create_app({"DATABASE_URL": rebuild_url, "REDIS_URL": None, "ENV": "development"})
            with rebuild_app.app_context():
                with db.transaction() as session:
                    ids = list(session.execute(select(Episode.id).order_by(Episode.id)).scalars())

                def rebuild(_: None) -> None:
                    for first in range(0, len(ids), 200):
                        with db.transaction() as session:
                            refresh_episodes(session, ids[first:first + 200], today=today_london(), confirmations=2,
                                             whole_streams=True)

                result = measure(f"rebuild via refresh_episodes ({events} events; per call = per event)", events,
                                 lambda: None, rebuild, args.top, "rebuild")
                print(f"rebuild unprofiled: {1000 / result['wall_ms']:,.0f} events/s wall, "
                      f"{1000 / result['cpu_ms']:,.0f} events/s of this process's CPU")
            db.dispose()
    finally:
        db.dispose()
        for database in created:
            bench.drop_database(database)
        bench.flush_bench_redis()
    return 0


if __name__ == "__main__":
    sys.exit(main())
