"""Benchmark the CLD extract and its check over 50,000 closed episodes on a throwaway PostgreSQL database.

Run from the project root:

    .venv/bin/python bench/cld_bench.py --database-url postgresql+psycopg://root@127.0.0.1:5432/cld_bench

Seeds as `bench/report_bench.py` does (3 providers; the manager sees one third)
and times GET /exports/cld.csv and GET /exports/cld-check for the year as that
manager through the Flask test client; the database is dropped at the end.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.report_bench import PASSWORD, PERIOD, SETTINGS, scratch_database, seed
from service import create_app

URLS = ("/api/v1/exports/cld.csv", "/api/v1/exports/cld-check")


def main() -> None:
    """Parse arguments, seed, and print median/p95/max per endpoint with the rows returned."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True, help="PostgreSQL URL naming a new database")
    parser.add_argument("--episodes", type=int, default=50_000)
    parser.add_argument("--requests", type=int, default=10)
    args = parser.parse_args()
    with scratch_database(args.database_url):
        app = create_app({**SETTINGS, "DATABASE_URL": args.database_url, "LA_CODE": "E09000033"})
        manager, _ = seed(app, args.episodes)
        client = app.test_client()
        token = client.post("/api/v1/auth/token", json={"username": manager, "password": PASSWORD}).get_json()
        headers = {"Authorization": f"Bearer {token['access_token']}"}
        for url in URLS:
            timings, size = [], 0
            for number in range(args.requests + 2):
                started = time.perf_counter()
                response = client.get(url, query_string=PERIOD, headers=headers)
                elapsed = (time.perf_counter() - started) * 1000
                if response.status_code != 200:
                    raise SystemExit(f"{url}: HTTP {response.status_code}")
                size = len(response.data)
                if number >= 2:
                    timings.append(elapsed)
            p95 = statistics.quantiles(timings, n=20, method="inclusive")[18]
            print(f"{url}: {len(timings)} requests, median {statistics.median(timings):.0f} ms, "
                  f"p95 {p95:.0f} ms, max {max(timings):.0f} ms, {size / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
