"""How a refresh's CPU grows with the length of the episode's stream (in-process, PostgreSQL).

    .venv/bin/python bench/refresh_by_length.py [--episodes 10] [--lengths 5,50,150,300]

On its own database (dropped at the end; visits are queued on Redis db 8, flushed, and no worker
runs), visits are posted in order to `--episodes` episodes, one round at a time; every round is
refreshed in one transaction, as the worker does, and at each listed length each episode is also
refreshed alone, timed: this process's CPU (the app's side) and its PostgreSQL backend's.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH.parent))

import run as bench  # noqa: E402
from load import visit_body  # noqa: E402


def backend_cpu(pid: int) -> float:
    """CPU seconds of one local PostgreSQL backend (schedstat: nanoseconds, where /proc/PID/stat counts 10 ms ticks)."""
    return int(Path(f"/proc/{pid}/schedstat").read_text().split()[0]) / 1e9


def main() -> int:
    """Post in-order visits and time single-episode refreshes at the listed stream lengths."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--episodes", type=int, default=10)
    parser.add_argument("--lengths", default="5,50,150,300")
    args = parser.parse_args()
    lengths = sorted({int(value) for value in args.lengths.split(",")})
    name = f"reablement_bench_lengths_{int(time.time())}"
    from sqlalchemy import text

    from service.database import db
    from service.projections.refresh import refresh_now

    bench.flush_bench_redis()
    bench.create_database(name)
    try:
        sa_url = f"{bench.SA_BASE}/{name}"
        sets, username = bench.setup_service_data(sa_url, 1, args.episodes, 2)
        episodes = sets[0]
        app, client, headers = bench.signed_in_app(sa_url, username)
        rng, start = random.Random(1), datetime.now(UTC) - timedelta(hours=10)
        with app.app_context(), db.transaction() as session:
            pid = session.execute(text("SELECT pg_backend_pid()")).scalar_one()  # the pool keeps this one
        print("stream length | app CPU ms | PostgreSQL CPU ms   (per single-episode refresh)")
        for length in range(1, lengths[-1] + 1):
            for episode in episodes:
                body = visit_body([episode], rng, occurred_at=start + timedelta(minutes=length))
                assert client.post("/api/v1/visits", json=body, headers=headers).status_code == 201
            if length in lengths:
                app_cpu, pg_cpu = time.process_time(), backend_cpu(pid)
                for episode_id, _ in episodes:
                    refresh_now(app, [episode_id])
                count = len(episodes)
                print(f"{length:13d} | {1000 * (time.process_time() - app_cpu) / count:10.2f} | "
                      f"{1000 * (backend_cpu(pid) - pg_cpu) / count:.2f}", flush=True)
            else:
                refresh_now(app, [episode_id for episode_id, _ in episodes])
    finally:
        db.dispose()
        bench.drop_database(name)
        bench.flush_bench_redis()
    return 0


if __name__ == "__main__":
    sys.exit(main())
