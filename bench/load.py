"""Load generators for bench/run.py: a closed-loop client (max throughput) and an open-loop paced one.

Both use `requests.Session` keep-alive connections, one per client thread. Every loop is
bounded by a request count as well as by time.
"""

from __future__ import annotations

import multiprocessing
import queue
import random
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import requests

# Safety bounds: no loop here runs past these whatever the arguments say.
MAX_REQUESTS_PER_THREAD = 200_000
MAX_PHASE_SECONDS = 120.0

Episodes = list[tuple[str, list[str]]]  # (episode id, goal ids)


def visit_body(episodes: Episodes, rng: random.Random, occurred_at: datetime | None = None) -> dict[str, Any]:
    """A valid visit to a random episode, assessing each of its goals (the phone's payload)."""
    episode_id, goal_ids = rng.choice(episodes)
    occurred = occurred_at or datetime.now(UTC) - timedelta(hours=1)
    return {
        "id": str(uuid.uuid4()),
        "episode_id": episode_id,
        "occurred_at": occurred.isoformat(),
        "duration_minutes": rng.randint(20, 60),
        "carers": 1,
        "goal_progress": [{"goal_id": goal_id, "level": rng.randint(1, 5)} for goal_id in goal_ids],
        "wellbeing": rng.randint(2, 5),
        "concerns": [],
        "note": "Bench visit: walked to the kitchen with a frame, made tea.",
    }


def percentile(values: list[float], pct: float) -> float | None:
    """Nearest-rank percentile of `values` (None when empty)."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(pct / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


# ---------------------------------------------------------------- closed loop


def _closed_loop_thread(url: str, headers: dict[str, str], episodes: Episodes, seed: int,
                        window: tuple[float, float], out: dict[str, Any]) -> None:
    """Send back-to-back requests until the window ends; keep latencies of requests started inside it."""
    start, end = window
    rng = random.Random(seed)
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    errors = 0
    with requests.Session() as session:
        session.headers.update(headers)
        for _ in range(MAX_REQUESTS_PER_THREAD):
            now = time.time()
            if now >= end:
                break
            body = visit_body(episodes, rng)
            began = time.perf_counter()
            try:
                response = session.post(url, json=body, timeout=30)
                status = response.status_code
            except requests.RequestException:
                status = -1
            elapsed_ms = (time.perf_counter() - began) * 1000
            finished = time.time()
            if now >= start and finished <= end:
                latencies.append(elapsed_ms)
                statuses[status] = statuses.get(status, 0) + 1
                if not 200 <= status < 300:
                    errors += 1
    out.update(latencies=latencies, statuses=statuses, errors=errors)


def _closed_loop_process(url: str, headers: dict[str, str], episodes: Episodes, threads: int, seed: int,
                         window: tuple[float, float], results: Any) -> None:
    """One client process: `threads` closed-loop threads; puts its merged results on `results`."""
    outs: list[dict[str, Any]] = [{} for _ in range(threads)]
    workers = [threading.Thread(target=_closed_loop_thread,
                                args=(url, headers, episodes, seed * 1000 + index, window, outs[index]),
                                daemon=True) for index in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=MAX_PHASE_SECONDS)
    merged: dict[str, Any] = {"latencies": [], "statuses": {}, "errors": 0}
    for out in outs:
        merged["latencies"].extend(out.get("latencies", []))
        merged["errors"] += out.get("errors", 0)
        for status, count in out.get("statuses", {}).items():
            merged["statuses"][status] = merged["statuses"].get(status, 0) + count
    results.put(merged)


@dataclass
class ClosedLoopResult:
    """Throughput and latency of one closed-loop run."""

    requests: int
    seconds: float
    errors: int
    statuses: dict[int, int]
    latencies_ms: list[float] = field(repr=False)

    @property
    def rate(self) -> float:
        """Successful requests per second over the measured window."""
        return (self.requests - self.errors) / self.seconds

    def summary(self) -> dict[str, Any]:
        """The figures bench/run.py reports."""
        return {"req_per_s": round(self.rate, 1), "requests": self.requests, "errors": self.errors,
                "statuses": {str(key): value for key, value in sorted(self.statuses.items())},
                "p50_ms": _round(percentile(self.latencies_ms, 50)),
                "p99_ms": _round(percentile(self.latencies_ms, 99)),
                "seconds": self.seconds}


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def closed_loop(url: str, headers: dict[str, str], episodes: Episodes, *, processes: int, threads: int,
                warmup: float, seconds: float) -> ClosedLoopResult:
    """`processes` x `threads` clients posting back to back for warmup + seconds; measure the last `seconds`.

    Several client processes, so the client's own GIL does not cap the rate it can offer.
    """
    seconds = min(seconds, MAX_PHASE_SECONDS)
    context = multiprocessing.get_context("spawn")
    results = context.Queue()
    start = time.time() + 1.5 + warmup  # time for the processes to spawn, then the warm-up
    window = (start, start + seconds)
    procs = [context.Process(target=_closed_loop_process,
                             args=(url, headers, episodes, threads, index + 1, window, results), daemon=True)
             for index in range(processes)]
    for proc in procs:
        proc.start()
    merged: dict[str, Any] = {"latencies": [], "statuses": {}, "errors": 0}
    try:
        for _ in procs:
            part = results.get(timeout=window[1] - time.time() + 60)
            merged["latencies"].extend(part["latencies"])
            merged["errors"] += part["errors"]
            for status, count in part["statuses"].items():
                merged["statuses"][status] = merged["statuses"].get(status, 0) + count
    finally:
        for proc in procs:
            proc.join(timeout=10)
            if proc.is_alive():
                proc.terminate()
                proc.join(timeout=5)
    return ClosedLoopResult(requests=len(merged["latencies"]), seconds=seconds, errors=merged["errors"],
                            statuses=merged["statuses"], latencies_ms=merged["latencies"])


# ------------------------------------------------------------------ open loop


@dataclass
class PacedSample:
    """One paced request: when it was due, how long it took from then, and the service's answer."""

    due: float            # wall-clock time the request was scheduled to start
    latency_ms: float     # completion - due (so queueing in the client counts: no coordinated omission)
    acked: float          # wall-clock time the response was complete
    status: int
    episode_id: str
    body: dict[str, Any] | None


def paced(url: str, headers: dict[str, str], episodes: Episodes, *, rate: float, seconds: float,
          senders: int = 16, seed: int = 7) -> tuple[list[PacedSample], float]:
    """Open loop: start requests at a fixed `rate` for `seconds`, whatever the latency; returns samples, span."""
    seconds = min(seconds, MAX_PHASE_SECONDS)
    total = int(rate * seconds)
    rng = random.Random(seed)
    bodies = [visit_body(episodes, rng) for _ in range(total)]
    due_queue: queue.Queue[tuple[float, dict[str, Any]] | None] = queue.Queue()
    samples: list[PacedSample] = []
    lock = threading.Lock()
    deadline = time.time() + seconds + 60

    def sender() -> None:
        with requests.Session() as session:
            session.headers.update(headers)
            for _ in range(total + 1):
                item = due_queue.get(timeout=max(1.0, deadline - time.time()))
                if item is None:
                    return
                due, body = item
                try:
                    response = session.post(url, json=body, timeout=30)
                    status = response.status_code
                    answer = response.json() if status < 300 else None
                except (requests.RequestException, ValueError):
                    status, answer = -1, None
                done = time.time()
                with lock:
                    samples.append(PacedSample(due, (done - due) * 1000, done, status, body["episode_id"], answer))

    threads = [threading.Thread(target=sender, daemon=True) for _ in range(senders)]
    for thread in threads:
        thread.start()
    began = time.time() + 0.2
    try:
        for index, body in enumerate(bodies):
            due = began + index / rate
            pause = due - time.time()
            if pause > 0:
                time.sleep(pause)
            due_queue.put((due, body))
    finally:
        for _ in threads:
            due_queue.put(None)
        for thread in threads:
            thread.join(timeout=max(1.0, deadline - time.time()))
    return samples, time.time() - began
