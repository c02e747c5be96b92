"""Benchmark the service against issue 15's targets, floor and service side by side in one run.

    .venv/bin/python bench/run.py [--runs 3] [--update-readme] [--quick] [--skip rebuild|report]

One run takes about 4 minutes on the quiet 2-core machine (--runs 3: about 8 minutes, since the
data for the rebuild and the report is generated once). With the floor app, the service (gunicorn,
docker/gunicorn.conf.py) and one refresh worker (`flask worker`) all running, each run measures:
  1. POST /api/v1/visits at an open-loop 100 requests/s: p99 latency, projection lag
     (acknowledged -> reflected in episode_states), and CPU per visit of the request path
     (gunicorn + its PostgreSQL backends) and of the refresh (worker + its backends);
  2. max sustained throughput of a bare Flask floor (bench/floor_app.py, one INSERT + COMMIT) then
     of POST /api/v1/visits, same closed-loop client, back to back: the ratio;
  3. POST /api/v1/visits/batch with 500 visits (median of 5);
  4. `flask projections rebuild` over ~120,000 events (events/s from the command's own output);
  5. GET /api/v1/reports/effectiveness over 50,000 closed episodes (bench/report_bench.py's data).

Prints the table of medians over the runs (and CPU per visit by process and phase), writes
bench/results/latest.json and bench/results/latest.md (the table README.md shows; --update-readme
copies it there). Uses its own PostgreSQL databases (reablement_bench_<pid>, _rebuild, _report),
dropped at the end, and Redis database 8 (BENCH_REDIS_DB), flushed before and after. Servers listen
on loopback ports chosen at random.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import re
import resource
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg
import redis
import requests

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(ROOT))

from floor_app import CREATE_TABLE  # noqa: E402
from load import Episodes, closed_loop, paced, percentile, visit_body  # noqa: E402

VENV_BIN = ROOT / ".venv" / "bin"
RESULTS = BENCH / "results"
PG_ADMIN_URL = "postgresql://root@127.0.0.1:5432/postgres"
PG_BASE = "postgresql://root@127.0.0.1:5432"
SA_BASE = "postgresql+psycopg://root@127.0.0.1:5432"
REDIS_DB = int(os.environ.get("BENCH_REDIS_DB", "8"))
REDIS_URL = f"redis://127.0.0.1:6379/{REDIS_DB}"
PASSWORD = "bench-password-" + secrets.token_hex(8)
SECRET_KEY = secrets.token_hex(32)
FORBIDDEN_DATABASES = {"test", "postgres", "root", "template0", "template1"}

FULL = {"warmup": 2.0, "throughput_seconds": 10.0, "paced_seconds": 15.0, "paced_rate": 100.0,
        "batch_size": 500, "batch_runs": 5, "episodes": 50, "goals": 2,
        "rebuild_episodes": 4000, "rebuild_visits": 25, "report_episodes": 50_000, "report_requests": 40}
QUICK = {**FULL, "warmup": 1.0, "throughput_seconds": 3.0, "paced_seconds": 5.0, "batch_runs": 2,
         "rebuild_episodes": 300, "report_episodes": 5_000, "report_requests": 10}

# The targets of issue 15 (ARCHITECTURE.md's are looser: lag p95 < 1 s, batch < 1 s, report < 200 ms,
# rebuild >= 20,000 events/s).
TARGETS = {"throughput_ratio": 0.5, "paced_p99_ms": 50.0, "request_cpu_ms": 3.0, "refresh_cpu_ms": 1.0,
           "rebuild_events_per_s": 25_000, "lag_p95_s": 0.5, "batch_s": 0.25, "report_p95_ms": 50.0}


def log(message: str) -> None:
    """Progress on stderr, so stdout stays the report."""
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# ------------------------------------------------------------ databases, redis


def create_database(name: str) -> None:
    """Create a fresh database (refusing any shared one)."""
    assert name.startswith("reablement_bench_") and name not in FORBIDDEN_DATABASES, name
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def drop_database(name: str) -> None:
    """Drop one of this run's databases (never a shared one)."""
    assert name.startswith("reablement_bench_") and name not in FORBIDDEN_DATABASES, name
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def flush_bench_redis() -> None:
    """Empty Redis database 14 only."""
    client = redis.Redis(host="127.0.0.1", port=6379, db=REDIS_DB, socket_timeout=5)
    try:
        client.flushdb()
    finally:
        client.close()


# ------------------------------------------------------------ child processes


class Children:
    """Processes this run started; each in its own session so it can be stopped with its children."""

    def __init__(self, log_dir: Path) -> None:
        self.log_dir = log_dir
        self.procs: dict[str, subprocess.Popen[bytes]] = {}

    def start(self, name: str, args: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
        """Start `args` in the project root with its output in bench/results/logs/<name>.log."""
        log_file = open(self.log_dir / f"{name}.log", "wb")  # noqa: SIM115 - closed with the process
        proc = subprocess.Popen(args, cwd=ROOT, env=env, stdout=log_file, stderr=subprocess.STDOUT,
                                start_new_session=True)
        log_file.close()
        self.procs[name] = proc
        return proc

    def stop(self, name: str, timeout: float = 20.0) -> None:
        """SIGTERM the process group (graceful), then SIGKILL it if it lingers."""
        proc = self.procs.pop(name, None)
        if proc is None:
            return
        for sig, wait in ((signal.SIGTERM, timeout), (signal.SIGKILL, 5.0)):
            if proc.poll() is not None:
                break
            try:
                os.killpg(proc.pid, sig)
            except ProcessLookupError:
                break
            try:
                proc.wait(timeout=wait)
            except subprocess.TimeoutExpired:
                continue
        # The group may hold children that outlived their parent (gunicorn workers, rq work horse).
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)

    def stop_all(self) -> None:
        """Stop every process still running."""
        for name in list(self.procs):
            self.stop(name)


def free_port() -> int:
    """A free loopback TCP port."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def base_env(database_url: str) -> dict[str, str]:
    """The service's settings for this run (production mode, bench database, Redis db 14)."""
    env = {key: value for key, value in os.environ.items()
           if key not in ("DATABASE_URL", "REDIS_URL", "ACCESS_LOG", "FLASK_APP")}
    env.update({"DATABASE_URL": database_url, "REDIS_URL": REDIS_URL, "SECRET_KEY": SECRET_KEY,
                "METRICS_TOKEN": "bench-metrics-token-0123", "ENV": "production", "HOST": "127.0.0.1",
                "PYTHONUNBUFFERED": "1",
                # The load generator is one address with a few tokens: the limiter runs, but never throttles it.
                "RATE_LIMIT_PER_CLIENT": "10000000/minute", "RATE_LIMIT_PER_IP": "10000000/minute"})
    return env


def wait_until_up(url: str, proc: subprocess.Popen[bytes], seconds: float = 40.0) -> None:
    """Poll a health URL until it answers 200 (bounded)."""
    deadline = time.time() + seconds
    for _ in range(int(seconds * 10) + 1):
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode} before answering {url}")
        try:
            if requests.get(url, timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        if time.time() > deadline:
            break
        time.sleep(0.1)
    raise RuntimeError(f"{url} did not answer within {seconds:.0f}s")


def gunicorn(children: Children, name: str, app: str, env: dict[str, str]) -> tuple[str, int]:
    """Serve `app` with docker/gunicorn.conf.py on a free loopback port; returns (base url, port)."""
    port = free_port()
    proc = children.start(name, [str(VENV_BIN / "gunicorn"), "-c", str(ROOT / "docker" / "gunicorn.conf.py"),
                                 app], {**env, "PORT": str(port)})
    base = f"http://127.0.0.1:{port}"
    return base, proc.pid


# ------------------------------------------------------------ CPU accounting
# The development box is shared: wall-clock figures move with other people's load. So each phase
# also records the CPU seconds its own processes used (gunicorn, RQ worker, this run's PostgreSQL
# backends, the load client) and how busy the whole box was, giving CPU ms per request, which
# does not depend on what else is running.

TICK = os.sysconf("SC_CLK_TCK")


def _proc_stat(pid: int) -> tuple[int, float] | None:
    """(process group, CPU seconds) of a live process, or None if it is gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    rest = text[text.rindex(")") + 2:].split()
    return int(rest[2]), (int(rest[11]) + int(rest[12])) / TICK


def group_cpu(pgid: int) -> float:
    """CPU seconds used so far by the live processes of one process group (a server and its workers)."""
    total = 0.0
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            stat = _proc_stat(int(entry.name))
            if stat and stat[0] == pgid:
                total += stat[1]
    return total


def backend_cpu(database: str) -> dict[int, tuple[str, float]]:
    """(application_name, CPU seconds) per PostgreSQL backend connected to `database`."""
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        rows = conn.execute("SELECT pid, application_name FROM pg_stat_activity WHERE datname = %s",
                            (database,)).fetchall()
    return {pid: (name or "", stat[1]) for pid, name in rows if (stat := _proc_stat(pid))}


def box_cpu() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine since boot."""
    values = [int(value) for value in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]
    return (sum(values[:8]) - idle) / TICK, sum(values[:8]) / TICK


class CpuMeter:
    """CPU used during a phase by named child process groups, this run's backends, this process, the box."""

    def __init__(self, children: Children, names: list[str], database: str) -> None:
        self.children, self.names, self.database = children, names, database

    def snapshot(self) -> dict[str, Any]:
        """Cumulative CPU counters now."""
        usage_self = resource.getrusage(resource.RUSAGE_SELF)
        usage_children = resource.getrusage(resource.RUSAGE_CHILDREN)
        return {"time": time.time(), "box": box_cpu(), "load": os.getloadavg()[0],
                "groups": {name: group_cpu(self.children.procs[name].pid) for name in self.names
                           if name in self.children.procs},
                "backends": backend_cpu(self.database),
                "client": sum((usage_self.ru_utime, usage_self.ru_stime, usage_children.ru_utime,
                               usage_children.ru_stime))}

    @staticmethod
    def usage(start: dict[str, Any], end: dict[str, Any], requests_done: int) -> dict[str, Any]:
        """CPU seconds per part and per request between two snapshots."""
        parts = {name: end["groups"][name] - start["groups"].get(name, 0.0) for name in end["groups"]}
        # Backends are told apart by the application_name each process connects with (see app_env).
        for pid, (name, cpu) in end["backends"].items():
            part = "postgres " + (name.removeprefix("bench-") or "other")
            parts[part] = parts.get(part, 0.0) + cpu - start["backends"].get(pid, ("", 0.0))[1]
        parts["client"] = end["client"] - start["client"]
        busy = end["box"][0] - start["box"][0]
        capacity = end["box"][1] - start["box"][1]
        ours = sum(parts.values())
        per_request = ({name: round(1000 * cpu / requests_done, 2) for name, cpu in parts.items()}
                       if requests_done else {})
        return {"seconds": round(end["time"] - start["time"], 1), "requests": requests_done,
                "cpu_s": {name: round(cpu, 2) for name, cpu in parts.items()},
                "cpu_ms_per_request": per_request,
                "box_busy_pct": round(100 * busy / capacity, 1) if capacity else None,
                "others_pct_of_box": round(100 * max(0.0, busy - ours) / capacity, 1) if capacity else None,
                "load_average": [round(start["load"], 2), round(end["load"], 2)]}


def count_rows(libpq_url: str, sql: str) -> int:
    """A single count."""
    with psycopg.connect(libpq_url) as conn:
        return int(conn.execute(sql).fetchone()[0])  # type: ignore[index]


FLOOR_ROWS = "SELECT count(*) FROM floor_visits"
VISIT_ROWS = "SELECT count(*) FROM events WHERE type = 'VisitRecorded'"


# ------------------------------------------------------------ in-process data setup


def setup_service_data(sa_url: str, sets: int, episodes: int, goals: int) -> tuple[list[Episodes], str]:
    """Migrate, create provider/manager/worker and `sets` sets of `episodes` episodes with `goals` goals each.

    One set for the warm-up and one for each run, so that every run starts from new episodes: runs are
    repeats of one measurement. A run sends about 6,000 visits to its 50 episodes, 120 each by its end,
    within the 170 a high-need person has in six weeks; with one set for all, the third run measured
    streams of 240-360 visits, where a refresh costs more (the derived document lists every observation).
    """
    from service import create_app
    from service.admin.accounts import create_provider, create_user
    from service.cli.db import upgrade_database
    from service.database import db
    from service.domain.calendar import today_london
    from service.episodes.commands import open_episode, set_goal
    from service.projections.refresh import refresh_episodes

    app = create_app({"DATABASE_URL": sa_url, "REDIS_URL": None, "ENV": "development"})
    result: list[Episodes] = [[] for _ in range(sets)]
    try:
        with app.app_context():
            upgrade_database()
            with db.transaction() as session:
                provider = create_provider(session, "Bench Reablement", "in_house")
                manager = create_user(session, "bench-manager", PASSWORD, "manager", provider.id)
                worker = create_user(session, "bench-worker", PASSWORD, "worker", provider.id)
                started = date.today() - timedelta(days=10)
                for index in range(sets * episodes):
                    head = open_episode(session, manager, {
                        "person_ref": f"BENCH-{index:05d}", "age_at_referral": 70 + index % 25,
                        "provider_id": provider.id, "referral_source": "hospital_discharge",
                        "referred_on": started - timedelta(days=2), "started_on": started,
                        "hospital_discharge_on": started - timedelta(days=1),
                        "start_need_hours_per_week": 10.0, "worker_ids": [worker.id]})
                    goal_ids = []
                    for number in range(goals):
                        _, goal_id = set_goal(session, manager, head.id, {
                            "domain": ("mobility", "meal_preparation", "dressing")[number % 3],
                            "description": f"Bench goal {number + 1}", "baseline_level": 1,
                            "target_level": 4}, None)
                        goal_ids.append(goal_id)
                    result[index // episodes].append((str(head.id), goal_ids))
            with db.transaction() as session:
                refresh_episodes(session, [uuid.UUID(episode_id) for one_set in result for episode_id, _ in one_set],
                                 today=today_london(), confirmations=app.config["ACHIEVEMENT_CONFIRMATIONS"])
    finally:
        db.dispose()
    return result, "bench-worker"


def signed_in_app(sa_url: str, username: str) -> tuple[Any, Any, dict[str, str]]:
    """An in-process app on the bench database (jobs queued on the bench's Redis db, no rate limit in the way),
    its test client, and bearer headers for `username`: for the in-process profiles."""
    from service import create_app

    app = create_app({"DATABASE_URL": sa_url, "REDIS_URL": REDIS_URL, "ENV": "production", "SECRET_KEY": SECRET_KEY,
                      "METRICS_TOKEN": "bench-metrics-token-0123", "RATE_LIMIT_PER_CLIENT": "10000000/minute",
                      "RATE_LIMIT_PER_IP": "10000000/minute"})
    client = app.test_client()
    response = client.post("/api/v1/auth/token", json={"username": username, "password": PASSWORD})
    return app, client, {"Authorization": f"Bearer {response.get_json()['access_token']}"}


def generate_rebuild_data(sa_url: str, episodes: int, visits: int) -> int:
    """A large log written through the event store in big transactions; returns the number of events.

    Streams look like real ones: EpisodeOpened with a worker assigned (open_episode), two GoalSet,
    `visits` daily VisitRecorded whose data is built exactly as service/visits/recording.py builds it
    (visit_data, content_hash, the visit id as idempotency key), and every other episode closed.
    Every event goes through service.events.store.append (versions, hash chain); only the global
    sequence numbers are taken from PostgreSQL in blocks instead of one `nextval` per event, and
    visits are flushed in bulk, so 100,000+ events take tens of seconds rather than many minutes.
    """
    from sqlalchemy import func, select, text

    from service import create_app
    from service.admin.accounts import create_provider, create_user
    from service.cli.db import upgrade_database
    from service.database import db
    from service.domain.checks import check_closure
    from service.domain.events import VISIT_RECORDED
    from service.episodes.commands import open_episode
    from service.episodes.writer import EpisodeWriter
    from service.events import store
    from service.models import Event, User
    from service.visits.recording import content_hash, visit_data

    app = create_app({"DATABASE_URL": sa_url, "REDIS_URL": None, "ENV": "development",
                      "ARGON2_TIME_COST": 1, "ARGON2_MEMORY_COST": 1024})
    chunk = 200
    block: list[int] = []
    original_allocate = store.allocate_sequences

    def next_sequence_from_block(session: Any) -> int:
        if not block:
            with session.no_autoflush:
                block.extend(session.execute(text(
                    "SELECT nextval('event_sequence') FROM generate_series(1, 5000) ORDER BY 1")).scalars())
        return block.pop(0)

    store.allocate_sequences = lambda session, count: [next_sequence_from_block(session) for _ in range(count)]
    try:
        with app.app_context():
            upgrade_database()
            with db.transaction() as session:
                provider = create_provider(session, "Rebuild Reablement", "external")
                manager_id = create_user(session, "rebuild-manager", PASSWORD, "manager", provider.id).id
                worker_id = create_user(session, "rebuild-worker", PASSWORD, "worker", provider.id).id
                provider_id = provider.id
            today = date.today()
            deadline = time.time() + 900
            for first in range(0, episodes, chunk):
                if time.time() > deadline:
                    raise RuntimeError("generating the rebuild data set took over 15 minutes")
                with db.transaction() as session:
                    manager = session.get(User, manager_id)
                    worker = session.get(User, worker_id)
                    assert manager is not None and worker is not None
                    for index in range(first, min(first + chunk, episodes)):
                        started = today - timedelta(days=visits + 20 + index % 30)
                        head = open_episode(session, manager, {
                            "person_ref": f"RB-{index:06d}", "age_at_referral": 65 + index % 30,
                            "provider_id": provider_id,
                            "referral_source": "hospital_discharge" if index % 3 else "community",
                            "referred_on": started - timedelta(days=3), "started_on": started,
                            "hospital_discharge_on": (started - timedelta(days=1)) if index % 3 else None,
                            "start_need_hours_per_week": float(5 + index % 15), "worker_ids": [worker.id]})
                        writer = EpisodeWriter(session, head, manager)
                        goal_ids = []
                        for number, domain in enumerate(("mobility", "personal_care")):
                            goal_ids.append(str(uuid.uuid4()))  # as commands.set_goal builds GoalSet
                            writer.append("GoalSet", {"goal_id": goal_ids[-1], "domain": domain,
                                                      "description": f"Goal {domain}", "baseline_level": 1,
                                                      "target_level": 3 + number, "target_on": None})
                        with session.no_autoflush:
                            for day in range(visits):
                                occurred = datetime.combine(started + timedelta(days=day), datetime.min.time(),
                                                            UTC) + timedelta(hours=9 + index % 8)
                                visit = {
                                    "id": uuid.uuid4(), "episode_id": head.id, "occurred_at": occurred,
                                    "duration_minutes": 30 + index % 30, "carers": 1 + (day % 7 == 0),
                                    "goal_progress": [{"goal_id": uuid.UUID(goal_id), "level": min(5, 1 + day // 6),
                                                       "note": None} for goal_id in goal_ids],
                                    "wellbeing": 1 + (index + day) % 5,
                                    "concerns": ["fall"] if (index + day) % 40 == 0 else [],
                                    "note": "Progressing well." if day % 5 == 0 else None,
                                    "ready_for_discharge": day == visits - 1 or None}
                                store.append(session, head, store.NewEvent(VISIT_RECORDED, visit_data(visit, worker.id),
                                                                           occurred),
                                             actor_id=worker.id, idempotency_key=str(visit["id"]),
                                             content_hash=content_hash(visit, worker.id))
                            if index % 2 == 0:  # as commands.close_episode builds EpisodeClosed
                                closure = {"ended_on": started + timedelta(days=visits + 1),
                                           "end_need_hours_per_week": float(index % 4),
                                           "outcome": "ongoing_low_level_support" if index % 4 else
                                           "no_services_no_identified_needs"}
                                check_closure(started, closure)
                                writer.append("EpisodeClosed", {**closure, "ended_on": closure["ended_on"].isoformat()})
                if first // chunk % 5 == 0:
                    log(f"  rebuild data: {min(first + chunk, episodes)}/{episodes} episodes")
            with db.transaction() as session:
                return int(session.execute(select(func.count()).select_from(Event)).scalar_one())
    finally:
        store.allocate_sequences = original_allocate  # type: ignore[assignment]
        db.dispose()


def vacuum_analyze(libpq_url: str) -> None:
    """VACUUM (ANALYZE) a freshly generated database, as autovacuum would have a log written over months.

    The first read of rows just written in bulk sets their hint bits, a write of every page: the first
    rebuild after generating the data ran at 19,300 events/s against 27,400-34,300 for the next ones
    (2026-12-02, same data, 3 runs), which measured the generator, not the rebuild.
    """
    with psycopg.connect(libpq_url, autocommit=True) as conn:
        conn.execute("VACUUM (ANALYZE)")


# ------------------------------------------------------------ measurements


def sign_in(base: str, username: str) -> dict[str, str]:
    """Bearer headers for `username`."""
    response = requests.post(f"{base}/api/v1/auth/token", json={"username": username, "password": PASSWORD},
                             timeout=30)
    response.raise_for_status()
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def wait_for_drain(base: str, seconds: float) -> dict[str, Any]:
    """Wait (bounded) until /health reports no projection lag; returns how long and the last body."""
    began = time.time()
    body: dict[str, Any] = {}
    for _ in range(int(seconds * 5) + 1):
        try:
            body = requests.get(f"{base}/api/v1/health", timeout=5).json()
        except (requests.RequestException, ValueError):
            body = {}
        if body.get("projection_lag") == 0:
            break
        if time.time() - began > seconds:
            break
        time.sleep(0.2)
    return {"seconds": round(time.time() - began, 2), "health": body}


class StatePoller:
    """Polls episode_states every ~20 ms and remembers when each projected_version was first seen."""

    def __init__(self, libpq_url: str, interval: float = 0.02, max_seconds: float = 300.0) -> None:
        self.url = libpq_url
        self.interval = interval
        self.max_seconds = max_seconds
        self.seen: dict[str, list[tuple[float, int]]] = {}  # episode -> [(time first seen, version)]
        self.polls = 0
        self.poll_ms: list[float] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> StatePoller:
        self._thread.start()
        return self

    def __exit__(self, *_: Any) -> None:
        self._stop.set()
        self._thread.join(timeout=10)

    def _run(self) -> None:
        began = time.time()
        with psycopg.connect(self.url, autocommit=True) as conn:
            for _ in range(int(self.max_seconds / self.interval) + 1):
                if self._stop.is_set() or time.time() - began > self.max_seconds:
                    return
                start = time.perf_counter()
                rows = conn.execute("SELECT episode_id, projected_version FROM episode_states").fetchall()
                # Visible rows were committed before the query's snapshot; taking the time after it
                # returns makes "covered" an upper bound (lag is over- rather than under-stated).
                now = time.time()
                self.poll_ms.append((time.perf_counter() - start) * 1000)
                self.polls += 1
                for episode_id, version in rows:
                    history = self.seen.setdefault(str(episode_id), [])
                    if not history or version > history[-1][1]:
                        history.append((now, version))
                self._stop.wait(max(0.0, self.interval - (time.perf_counter() - start)))

    def covered_at(self, episode_id: str, version: int) -> float | None:
        """When the episode's derived state was first seen at `version` or later."""
        for seen_at, projected in self.seen.get(episode_id, []):
            if projected >= version:
                return seen_at
        return None


def event_versions(libpq_url: str, event_ids: list[str]) -> dict[str, int]:
    """Stream version of each event id."""
    with psycopg.connect(libpq_url) as conn:
        rows = conn.execute("SELECT id::text, version FROM events WHERE id = ANY(%s::uuid[])",
                            (event_ids,)).fetchall()
    return {event_id: version for event_id, version in rows}


def measure_paced(base: str, headers: dict[str, str], episodes: Episodes, libpq_url: str, rate: float,
                  seconds: float) -> dict[str, Any]:
    """Open-loop visits at `rate`/s: latency percentiles, and projection lag from the same visits."""
    with StatePoller(libpq_url, max_seconds=seconds + 120) as poller:
        samples, span = paced(f"{base}/api/v1/visits", headers, episodes, rate=rate, seconds=seconds)
        created = [sample for sample in samples if sample.status == 201 and sample.body]
        versions = event_versions(libpq_url, [sample.body["event_id"] for sample in created])  # type: ignore[index]
        deadline = time.time() + 60
        for _ in range(600):  # let the worker finish the tail (bounded)
            if all(poller.covered_at(s.episode_id, versions[s.body["event_id"]]) for s in created):  # type: ignore[index]
                break
            if time.time() > deadline:
                break
            time.sleep(0.1)
    latencies = [sample.latency_ms for sample in samples]
    lags: list[float] = []
    uncovered = 0
    for sample in created:
        covered = poller.covered_at(sample.episode_id, versions[sample.body["event_id"]])  # type: ignore[index]
        if covered is None:
            uncovered += 1
        else:
            lags.append(max(0.0, covered - sample.acked))
    statuses: dict[str, int] = {}
    for sample in samples:
        statuses[str(sample.status)] = statuses.get(str(sample.status), 0) + 1
    within = sum(lag <= 1.0 for lag in lags)
    return {
        "latency": {"offered_rate": rate, "achieved_rate": round(len(samples) / span, 1), "requests": len(samples),
                    "statuses": statuses, "p50_ms": _r(percentile(latencies, 50)),
                    "p95_ms": _r(percentile(latencies, 95)), "p99_ms": _r(percentile(latencies, 99)),
                    "max_ms": _r(max(latencies) if latencies else None)},
        "lag": {"visits": len(created), "uncovered_after_60s": uncovered,
                "p50_s": _r(percentile(lags, 50), 3), "p95_s": _r(percentile(lags, 95), 3),
                "p99_s": _r(percentile(lags, 99), 3), "max_s": _r(max(lags) if lags else None, 3),
                "within_1s_pct": round(100 * within / len(created), 1) if created else None,
                "polls": poller.polls, "poll_p50_ms": _r(percentile(poller.poll_ms, 50))},
    }


def _r(value: float | None, digits: int = 2) -> float | None:
    return None if value is None else round(value, digits)


def measure_batches(base: str, headers: dict[str, str], episodes: Episodes, size: int, runs: int) -> dict[str, Any]:
    """POST /visits/batch with `size` visits, `runs` times (the worker drained in between)."""
    import random

    rng = random.Random(99)
    timings: list[float] = []
    statuses: dict[str, int] = {}
    with requests.Session() as session:
        session.headers.update(headers)
        for run in range(runs):
            visits = [visit_body([episodes[index % len(episodes)]], rng) for index in range(size)]
            began = time.perf_counter()
            response = session.post(f"{base}/api/v1/visits/batch", json={"visits": visits}, timeout=60)
            timings.append(time.perf_counter() - began)
            if response.status_code != 200:
                raise RuntimeError(f"batch answered {response.status_code}: {response.text[:500]}")
            for result in response.json()["results"]:
                statuses[str(result["status"])] = statuses.get(str(result["status"]), 0) + 1
            log(f"  batch {run + 1}/{runs}: {timings[-1]:.3f}s")
            wait_for_drain(base, 30)
    return {"size": size, "runs": [round(t, 3) for t in timings], "median_s": round(statistics.median(timings), 3),
            "statuses": statuses}


def run_rebuild(children: Children, env: dict[str, str]) -> dict[str, Any]:
    """`flask --app wsgi projections rebuild` as a subprocess; events/s parsed from its own output."""
    began = time.time()
    proc = children.start("rebuild", [str(VENV_BIN / "flask"), "--app", "wsgi", "projections", "rebuild"], env)
    try:
        code = proc.wait(timeout=600)
    finally:
        children.stop("rebuild")
    output = (children.log_dir / "rebuild.log").read_text(errors="replace")
    match = re.search(r"rebuilt (\d+) episodes from (\d+) events in ([\d.]+)s \(([\d,]+) events/s\)", output)
    if code != 0 or not match:
        raise RuntimeError(f"rebuild failed ({code}): {output[-1000:]}")
    return {"episodes": int(match[1]), "events": int(match[2]), "seconds": float(match[3]),
            "events_per_s": int(match[4].replace(",", "")), "wall_s": round(time.time() - began, 2),
            "output": match[0]}


# ------------------------------------------------------------ report


def measure_report(sa_url: str, episodes: int, requests_per_role: int, runs: int) -> list[dict[str, Any]]:
    """GET /api/v1/reports/effectiveness over `episodes` closed episodes, through the Flask test client.

    Seeds once with bench/report_bench.py's data (3 providers, VACUUM ANALYZE), then times
    `requests_per_role` requests as a manager (one provider) and as a commissioner (all), `runs` times.
    """
    import report_bench

    from service import create_app
    from service.database import db

    app = create_app({**report_bench.SETTINGS, "DATABASE_URL": sa_url, "REDIS_URL": None})
    try:
        began = time.time()
        manager, commissioner = report_bench.seed(app, episodes)
        log(f"  seeded {episodes:,} closed episodes in {time.time() - began:.1f}s")
        client = app.test_client()
        results = []
        for _ in range(runs):
            result: dict[str, Any] = {"episodes": episodes}
            for role, username in (("manager", manager), ("commissioner", commissioner)):
                timings = report_bench.time_requests(client, username, requests_per_role)
                result[role] = {"requests": len(timings), "p50_ms": _r(percentile(timings, 50)),
                                "p95_ms": _r(percentile(timings, 95)), "max_ms": _r(max(timings))}
            result["p95_ms"] = max(result["manager"]["p95_ms"], result["commissioner"]["p95_ms"])
            log(f"  report p95: manager {result['manager']['p95_ms']} ms, "
                f"commissioner {result['commissioner']['p95_ms']} ms")
            results.append(result)
        return results
    finally:
        db.dispose()


def machine_facts() -> dict[str, Any]:
    """nproc, Python, PostgreSQL and Redis versions, gunicorn settings."""
    with psycopg.connect(PG_ADMIN_URL) as conn:
        pg_version = conn.execute("SHOW server_version").fetchone()[0]  # type: ignore[index]
        sync_commit = conn.execute("SHOW synchronous_commit").fetchone()[0]  # type: ignore[index]
    client = redis.Redis(host="127.0.0.1", port=6379, db=REDIS_DB, socket_timeout=5)
    try:
        redis_version = client.info("server").get("redis_version")
    finally:
        client.close()
    conf: dict[str, Any] = {}
    exec(compile((ROOT / "docker" / "gunicorn.conf.py").read_text(), "gunicorn.conf.py", "exec"), conf)
    return {"nproc": len(os.sched_getaffinity(0)), "cpu_count": os.cpu_count(), "python": platform.python_version(),
            "postgresql": pg_version, "synchronous_commit": sync_commit, "redis": redis_version,
            "platform": platform.platform(),
            "gunicorn": {key: conf[key] for key in ("workers", "worker_class", "threads", "timeout", "keepalive")}}


# ------------------------------------------------------------ summary across runs


def per_visit(usage: dict[str, Any], *parts: str) -> float:
    """CPU ms per visit of some parts of a phase (process groups and 'postgres <app>' backends)."""
    per = usage["cpu_ms_per_request"]
    return round(sum(per.get(part, 0.0) for part in parts), 2)


def run_rows(run: dict[str, Any]) -> dict[str, float | None]:
    """The issue's table rows measured by one run."""
    paced_cpu = run["cpu"]["service paced + drain"]
    return {
        "floor_req_per_s": run["throughput"]["floor"]["req_per_s"],
        "service_req_per_s": run["throughput"]["service"]["req_per_s"],
        "throughput_ratio": run["throughput"]["ratio"],
        "paced_p99_ms": run["paced"]["latency"]["p99_ms"],
        "request_cpu_ms": per_visit(paced_cpu, "service", "postgres service"),
        "refresh_cpu_ms": per_visit(paced_cpu, "worker", "postgres worker"),
        "rebuild_events_per_s": run["rebuild"]["events_per_s"] if run.get("rebuild") else None,
        "lag_p95_s": run["paced"]["lag"]["p95_s"],
        "batch_s": run["batch"]["median_s"],
        "report_p95_ms": run["report"]["p95_ms"] if run.get("report") else None,
    }


# (key, label, target text, is the target met by this value, how to show a value)
ROWS: list[tuple[str, str, str, Any, Any]] = [
    ("floor_req_per_s", "floor: bare Flask + gunicorn, one INSERT + COMMIT", "", None, "{:.0f} req/s"),
    ("service_req_per_s", "service: `POST /api/v1/visits`, refresh worker running", "", None, "{:.0f} req/s"),
    ("throughput_ratio", "`POST /visits` throughput ÷ floor, same run", "≥ 0.5",
     lambda v: v >= TARGETS["throughput_ratio"], "{:.2f}"),
    ("paced_p99_ms", "p99 of `POST /visits` at a paced 100 req/s", "< 50 ms",
     lambda v: v < TARGETS["paced_p99_ms"], "{:.1f} ms"),
    ("request_cpu_ms", "server CPU per visit, request path only (app + its PostgreSQL)", "≤ 3 ms",
     lambda v: v <= TARGETS["request_cpu_ms"], "{:.2f} ms"),
    ("refresh_cpu_ms", "refresh CPU per visit at 100 visits/s (worker + its PostgreSQL)", "≤ 1 ms",
     lambda v: v <= TARGETS["refresh_cpu_ms"], "{:.2f} ms"),
    ("rebuild_events_per_s", "`flask projections rebuild`", "≥ 25,000 events/s",
     lambda v: v >= TARGETS["rebuild_events_per_s"], "{:,.0f} events/s"),
    ("lag_p95_s", "projection lag at 100 visits/s, one worker", "p95 < 0.5 s",
     lambda v: v < TARGETS["lag_p95_s"], "p95 {:.3f} s"),
    ("batch_s", "batch of 500 visits", "< 0.25 s", lambda v: v < TARGETS["batch_s"], "{:.3f} s"),
    ("report_p95_ms", "effectiveness report over {report_episodes:,} closed episodes", "p95 < 50 ms",
     lambda v: v < TARGETS["report_p95_ms"], "p95 {:.1f} ms"),
]


def summarise(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """Median of each row over the runs, every run's value, and the verdict."""
    summary: dict[str, Any] = {}
    for key, _, _, met, _ in ROWS:
        values = [value for run in runs if (value := run_rows(run)[key]) is not None]
        median = statistics.median(values) if values else None
        summary[key] = {"median": median, "runs": values,
                        "met": None if met is None or median is None else bool(met(median))}
    return summary


def verdict(ok: bool | None) -> str:
    """met / MISSED."""
    return "" if ok is None else ("met" if ok else "MISSED")


def markdown_table(results: dict[str, Any]) -> str:
    """The README's table: one row per target, the median of the runs, every run, the verdict."""
    summary, runs = results["summary"], len(results["runs"])
    facts = results["machine"]
    lines = [f"Median of {runs} run(s) of `.venv/bin/python bench/run.py{' --quick' if results['quick'] else ''}"
             f"{f' --runs {runs}' if runs > 1 else ''}`, {results['started_at'][:10]}, nproc={facts['nproc']}, "
             f"PostgreSQL {facts['postgresql']}, Redis {facts['redis']}, gunicorn {facts['gunicorn']['workers']} x "
             f"{facts['gunicorn']['threads']} threads; the box was {facts['box_busy_pct_before_run']} % busy "
             "before the run.",
             "",
             "| measurement | result (median) | runs | target | verdict |",
             "|---|---|---|---|---|"]
    for key, label, target, _, shape in ROWS:
        item = summary[key]
        value = "–" if item["median"] is None else shape.format(item["median"])
        each = ", ".join(shape.format(v).replace(" events/s", "").replace(" req/s", "").replace(" ms", "")
                         .replace(" s", "").replace("p95 ", "") for v in item["runs"])
        label = label.format(report_episodes=results["plan"]["report_episodes"])
        lines.append(f"| {label} | {value} | {each} | {target} | {verdict(item['met'])} |")
    return "\n".join(lines) + "\n"


def report(results: dict[str, Any]) -> str:
    """The console report: the issue's table, then CPU per visit by process for every phase of every run."""
    lines = [markdown_table(results), "CPU ms per visit, this run's processes only "
             "('others' = CPU of other people's processes during the phase, % of the box)"]
    header = (f"{'run':<4}{'phase':<30} {'visits':>7} {'app':>7} {'app pg':>7} {'worker':>7} {'wrk pg':>7} "
              f"{'client':>7} {'box busy':>9} {'others':>7}")
    lines.append(header)
    for number, run in enumerate(results["runs"], 1):
        for phase, usage in run["cpu"].items():
            per = usage["cpu_ms_per_request"]
            side = "floor" if phase.startswith("floor") else "service"
            app, app_pg = per.get(side, 0.0), per.get(f"postgres {side}", 0.0)
            lines.append(f"{number:<4}{phase:<30} {usage['requests']:>7} {app:>7.2f} {app_pg:>7.2f} "
                         f"{per.get('worker', 0.0):>7.2f} {per.get('postgres worker', 0.0):>7.2f} "
                         f"{per.get('client', 0.0):>7.2f} {usage['box_busy_pct']:>8} % "
                         f"{usage['others_pct_of_box']:>6} %")
        lat = run["paced"]["latency"]
        lag = run["paced"]["lag"]
        lines.append(f"    paced: {lat['requests']} requests at {lat['achieved_rate']}/s, p50 {lat['p50_ms']} ms, "
                     f"p95 {lat['p95_ms']} ms, p99 {lat['p99_ms']} ms; lag p50 {lag['p50_s']} s, p95 {lag['p95_s']} s, "
                     f"max {lag['max_s']} s, uncovered {lag['uncovered_after_60s']}")
        drain = run["throughput"].get("service_drain") or {}
        lines.append(f"    closed loop: floor p99 {run['throughput']['floor']['p99_ms']} ms, service p99 "
                     f"{run['throughput']['service']['p99_ms']} ms; worker caught up {drain.get('seconds')} s after")
        if run.get("rebuild"):
            lines.append(f"    rebuild: {run['rebuild']['output']} (box {run['rebuild'].get('box_busy_pct')} % busy)")
        if run.get("report"):
            rep = run["report"]
            lines.append(f"    report: manager p95 {rep['manager']['p95_ms']} ms, commissioner p95 "
                         f"{rep['commissioner']['p95_ms']} ms")
    return "\n".join(lines)


README_START, README_END = "<!-- bench/run.py table: start -->", "<!-- bench/run.py table: end -->"


def update_readme(table: str) -> None:
    """Replace the README's benchmark table (between the two markers) with `table`."""
    readme = ROOT / "README.md"
    text = readme.read_text()
    start, end = text.index(README_START) + len(README_START), text.index(README_END)
    readme.write_text(text[:start] + "\n" + table + text[end:])


# ------------------------------------------------------------ main


def app_env(env: dict[str, str], application_name: str) -> dict[str, str]:
    """`env` with DATABASE_URL tagged by application_name, so its PostgreSQL backends' CPU is counted apart."""
    return {**env, "DATABASE_URL": f"{env['DATABASE_URL']}?application_name=bench-{application_name}"}


def one_run(children: Children, plan: dict[str, Any], name: str, libpq_url: str, bases: dict[str, str],
            headers: dict[str, str], episodes: Episodes, client_kwargs: dict[str, Any]) -> dict[str, Any]:
    """Paced visits (latency, lag, CPU), floor and service closed loops back to back, batches."""
    run: dict[str, Any] = {"cpu": {}}
    cpu = run["cpu"]
    service_base = bases["service"]
    meter = CpuMeter(children, ["service", "worker", "floor"], name)

    log(f"service: {plan['paced_rate']:.0f} visits/s open loop for {plan['paced_seconds']:.0f}s, polling lag")
    rows, before = count_rows(libpq_url, VISIT_ROWS), meter.snapshot()
    run["paced"] = measure_paced(service_base, headers, episodes, libpq_url, plan["paced_rate"],
                                 plan["paced_seconds"])
    wait_for_drain(service_base, 60)
    cpu["service paced + drain"] = meter.usage(before, meter.snapshot(), count_rows(libpq_url, VISIT_ROWS) - rows)

    log("floor: closed loop")
    rows, before = count_rows(libpq_url, FLOOR_ROWS), meter.snapshot()
    floor = closed_loop(f"{bases['floor']}/visit", {}, episodes, **client_kwargs)
    cpu["floor closed loop"] = meter.usage(before, meter.snapshot(), count_rows(libpq_url, FLOOR_ROWS) - rows)

    log("service: closed loop")
    rows, before = count_rows(libpq_url, VISIT_ROWS), meter.snapshot()
    service = closed_loop(f"{service_base}/api/v1/visits", headers, episodes, **client_kwargs)
    drain = wait_for_drain(service_base, 120)
    cpu["service closed loop + drain"] = meter.usage(before, meter.snapshot(),
                                                     count_rows(libpq_url, VISIT_ROWS) - rows)
    run["throughput"] = {"floor": floor.summary(), "service": service.summary(),
                         "ratio": round(service.rate / floor.rate, 3) if floor.rate else 0.0, "service_drain": drain}
    log(f"  floor {floor.rate:.0f} req/s, service {service.rate:.0f} req/s, ratio {run['throughput']['ratio']}")

    log(f"service: {plan['batch_runs']} batches of {plan['batch_size']}")
    rows, before = count_rows(libpq_url, VISIT_ROWS), meter.snapshot()
    run["batch"] = measure_batches(service_base, headers, episodes, plan["batch_size"], plan["batch_runs"])
    cpu["service batches + drain"] = meter.usage(before, meter.snapshot(), count_rows(libpq_url, VISIT_ROWS) - rows)
    return run


def main() -> int:
    """Run every phase `--runs` times, print the table of medians, write bench/results/latest.{json,md}."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="shorten every phase (smoke run)")
    parser.add_argument("--runs", type=int, default=1, help="repeat every measurement; the table shows medians")
    parser.add_argument("--update-readme", action="store_true", help="write the table of medians into README.md")
    parser.add_argument("--skip", choices=("rebuild", "report"), action="append", default=[],
                        help="leave out a slow phase (the table then shows it as not measured)")
    parser.add_argument("--client-processes", type=int, default=2, help="closed-loop client processes")
    parser.add_argument("--client-threads", type=int, default=4, help="threads per closed-loop client process")
    args = parser.parse_args()
    plan = QUICK if args.quick else FULL
    runs = max(1, min(args.runs, 9))

    RESULTS.mkdir(parents=True, exist_ok=True)
    log_dir = RESULTS / "logs"
    log_dir.mkdir(exist_ok=True)
    name = f"reablement_bench_{os.getpid()}"
    rebuild_name, report_name = f"{name}_rebuild", f"{name}_report"
    libpq_url, sa_url = f"{PG_BASE}/{name}", f"{SA_BASE}/{name}"
    children = Children(log_dir)
    results: dict[str, Any] = {"started_at": datetime.now(UTC).isoformat(timespec="seconds"),
                               "quick": args.quick, "plan": plan, "machine": machine_facts(),
                               "client": {"processes": args.client_processes, "threads": args.client_threads},
                               "targets": TARGETS, "runs": []}
    client_kwargs = {"processes": args.client_processes, "threads": args.client_threads,
                     "warmup": plan["warmup"], "seconds": plan["throughput_seconds"]}
    created: list[str] = []
    busy_before = box_cpu()
    time.sleep(2)
    busy_after = box_cpu()
    results["machine"]["box_busy_pct_before_run"] = round(
        100 * (busy_after[0] - busy_before[0]) / max(1e-9, busy_after[1] - busy_before[1]), 1)
    began = time.time()
    try:
        flush_bench_redis()
        create_database(name)
        created.append(name)
        with psycopg.connect(libpq_url, autocommit=True) as conn:
            conn.execute(CREATE_TABLE)
        log(f"setting up {runs + 1} sets of {plan['episodes']} episodes x {plan['goals']} goals in {name}")
        episode_sets, worker_username = setup_service_data(sa_url, runs + 1, plan["episodes"], plan["goals"])
        episodes = episode_sets[0]  # the warm-up's
        env = base_env(sa_url)

        # The floor, the service and its refresh worker all run for the whole measurement.
        bases: dict[str, str] = {}
        bases["floor"], _ = gunicorn(children, "floor", "bench.floor_app:app",
                                     {**env, "FLOOR_DATABASE_URL": f"{libpq_url}?application_name=bench-floor"})
        bases["service"], _ = gunicorn(children, "service", "wsgi:app", app_env(env, "service"))
        children.start("worker", [str(VENV_BIN / "flask"), "--app", "wsgi", "worker"], app_env(env, "worker"))
        wait_until_up(f"{bases['floor']}/health", children.procs["floor"])
        wait_until_up(f"{bases['service']}/api/v1/health", children.procs["service"])
        headers = sign_in(bases["service"], worker_username)
        log("warming up both servers (imports, pools, prepared statements); not measured")
        closed_loop(f"{bases['floor']}/visit", {}, episodes, **{**client_kwargs, "warmup": 0.0, "seconds": 2.0})
        closed_loop(f"{bases['service']}/api/v1/visits", headers, episodes,
                    **{**client_kwargs, "warmup": 0.0, "seconds": 2.0})
        wait_for_drain(bases["service"], 60)
        for number in range(runs):
            log(f"run {number + 1}/{runs}")
            results["runs"].append(one_run(children, plan, name, libpq_url, bases, headers, episode_sets[number + 1],
                                           client_kwargs))
        for process in ("worker", "service", "floor"):
            children.stop(process)

        if "rebuild" not in args.skip:
            create_database(rebuild_name)
            created.append(rebuild_name)
            log(f"generating {plan['rebuild_episodes']} episodes x ~{plan['rebuild_visits'] + 5} events")
            started = time.time()
            events = generate_rebuild_data(f"{SA_BASE}/{rebuild_name}", plan["rebuild_episodes"],
                                           plan["rebuild_visits"])
            vacuum_analyze(f"{PG_BASE}/{rebuild_name}")
            log(f"  {events:,} events in {time.time() - started:.1f}s")
            for run in results["runs"]:
                log("running projections rebuild")
                busy_before = box_cpu()
                run["rebuild"] = run_rebuild(children, base_env(f"{SA_BASE}/{rebuild_name}"))
                busy_after = box_cpu()
                run["rebuild"]["box_busy_pct"] = round(
                    100 * (busy_after[0] - busy_before[0]) / max(1e-9, busy_after[1] - busy_before[1]), 1)
                log(f"  {run['rebuild']['output']}")

        if "report" not in args.skip:
            create_database(report_name)
            created.append(report_name)
            log(f"effectiveness report over {plan['report_episodes']:,} closed episodes")
            reports = measure_report(f"{SA_BASE}/{report_name}", plan["report_episodes"], plan["report_requests"],
                                     runs)
            for run, measured in zip(results["runs"], reports, strict=True):
                run["report"] = measured
    finally:
        children.stop_all()
        for database in created:
            try:
                drop_database(database)
            except psycopg.Error as error:
                log(f"could not drop {database}: {error}")
        try:
            flush_bench_redis()
        except redis.RedisError as error:
            log(f"could not flush Redis db {REDIS_DB}: {error}")

    results["finished_at"] = datetime.now(UTC).isoformat(timespec="seconds")
    results["duration_s"] = round(time.time() - began, 1)
    results["summary"] = summarise(results["runs"])
    table = markdown_table(results)
    (RESULTS / "latest.json").write_text(json.dumps(results, indent=2, default=str) + "\n")
    (RESULTS / "latest.md").write_text(table)
    if args.update_readme:
        update_readme(table)
    print(report(results))
    print(f"\ntook {results['duration_s']:.0f} s; written {RESULTS / 'latest.json'} and {RESULTS / 'latest.md'}"
          + (" and the README table" if args.update_readme else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
