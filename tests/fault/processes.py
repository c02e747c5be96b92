"""Private servers and the service's own processes, started and stopped by the fault tests.

Every server here is ours: a PostgreSQL cluster initialised in a temporary directory and a
redis-server, each on a spare loopback port. The machine's shared servers are never touched.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any, Self

import psycopg
import requests

from tests.integration.workers.redis_server import free_port

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = ROOT / ".venv" / "bin"
SECRET_KEY = "fault-test-secret-key-" + "k" * 24
API_APPLICATION = "fault-api"
WORKER_APPLICATION = "fault-rq-worker"


def missing_binaries() -> list[str]:
    """The executables these tests need that are not on PATH."""
    needed = ["initdb", "pg_ctl", "redis-server"] + (["runuser"] if os.geteuid() == 0 else [])
    return [name for name in needed if shutil.which(name) is None]


def wait_until(predicate: Callable[[], bool], seconds: float, what: str, interval: float = 0.05) -> None:
    """Poll `predicate` until it holds; fail after `seconds` (a bounded number of polls)."""
    deadline = time.monotonic() + seconds
    for _ in range(int(seconds / interval) + 1):
        if predicate():
            return
        if time.monotonic() > deadline:
            break
        time.sleep(interval)
    raise AssertionError(f"timed out after {seconds}s waiting for {what}")


class Started:
    """A context manager that starts on entry (stopping again if starting fails) and stops on exit."""

    def start(self) -> None:
        """Start the thing."""
        raise NotImplementedError

    def stop(self) -> None:
        """Stop the thing."""
        raise NotImplementedError

    def __enter__(self) -> Self:
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *_: object) -> None:
        self.stop()


class PrivatePostgres:
    """A throw-away PostgreSQL cluster of our own (initdb in a temp directory, our port, our socket dir)."""

    def __init__(self) -> None:
        self.port = free_port()
        self.directory = Path(tempfile.mkdtemp(prefix="fault-pg-"))
        self.data = self.directory / "data"
        self.log = self.directory / "postgres.log"
        self._as_postgres = os.geteuid() == 0
        if self._as_postgres:
            # initdb refuses to run as root: the cluster belongs to the postgres OS user.
            account = pwd.getpwnam("postgres")
            os.chown(self.directory, account.pw_uid, account.pw_gid)

    def _run(self, *command: str, timeout: float) -> None:
        argv = ["runuser", "-u", "postgres", "--", *command] if self._as_postgres else list(command)
        result = subprocess.run(argv, cwd=self.directory, capture_output=True, text=True, timeout=timeout,
                                check=False)
        if result.returncode != 0:
            raise RuntimeError(f"{command[0]} failed ({result.returncode}): {result.stdout}{result.stderr}"
                               f"\n{self.log_tail()}")

    def initialise(self) -> None:
        """initdb with a superuser named root and trust authentication."""
        self._run("initdb", "-D", str(self.data), "-U", "root", "--auth=trust", "--no-sync", "-E", "UTF8",
                  timeout=120)

    def start(self) -> None:
        """Start the cluster and wait until it accepts connections."""
        options = f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1"
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", options, "-w", "-t", "60", "start",
                  timeout=70)

    def stop(self, mode: str = "fast") -> None:
        """Stop the cluster (fast: roll back open transactions, disconnect everyone)."""
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "-t", "60", "stop", timeout=70)

    def running(self) -> bool:
        """Whether the postmaster of this cluster is up."""
        return (self.data / "postmaster.pid").exists()

    def destroy(self) -> None:
        """Stop the cluster if it runs and remove its directory."""
        try:
            if self.running():
                self.stop("immediate")
        finally:
            shutil.rmtree(self.directory, ignore_errors=True)

    def url(self, database: str, driver: str = "postgresql+psycopg", application: str | None = None) -> str:
        """A URL for `database` on this cluster (SQLAlchemy form by default)."""
        query = f"?application_name={application}" if application else ""
        return f"{driver}://root@127.0.0.1:{self.port}/{database}{query}"

    def connect(self, database: str = "postgres", autocommit: bool = True) -> psycopg.Connection[Any]:
        """A direct psycopg connection (the caller closes it)."""
        return psycopg.connect(self.url(database, driver="postgresql"), autocommit=autocommit, connect_timeout=10)

    def log_tail(self, lines: int = 30) -> str:
        """The end of the server log, for failure messages."""
        if not self.log.exists():
            return ""
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])


class ServiceProcess(Started):
    """One of the service's processes (gunicorn master or `flask worker`), logging to a file."""

    def __init__(self, name: str, argv: list[str], env: dict[str, str], directory: Path) -> None:
        self.name = name
        self.argv = argv
        self.env = env
        self.log_path = directory / f"{name}.log"
        self.process: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None

    @property
    def pid(self) -> int:
        """The process id (it must be running)."""
        assert self.process is not None, f"{self.name} is not started"
        return self.process.pid

    def start(self) -> None:
        """Start the process in its own session, so teardown can end it and any children it forked."""
        self._log = self.log_path.open("ab")
        self.process = subprocess.Popen(self.argv, cwd=ROOT, env=self.env, stdout=self._log,
                                        stderr=subprocess.STDOUT, start_new_session=True)

    def alive(self) -> bool:
        """Whether the process is still running."""
        return self.process is not None and self.process.poll() is None

    def restart_if_exited(self) -> bool:
        """Start the process again if it has exited, as the deployment's restart policy does; True if it had."""
        if self.alive():
            return False
        self.stop()
        self.start()
        return True

    def kill(self) -> None:
        """SIGKILL the process alone (a crash: no cleanup, children are orphaned)."""
        assert self.process is not None
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self, grace: float = 10.0) -> None:
        """SIGTERM, then SIGKILL whatever is left in the process group; always reaps and closes the log."""
        process, self.process = self.process, None
        try:
            if process is not None:
                if process.poll() is None:
                    process.terminate()
                    try:
                        process.wait(timeout=grace)
                    except subprocess.TimeoutExpired:
                        process.kill()
                        process.wait(timeout=10)
                # Children that outlived their parent (an RQ scheduler, a gunicorn worker after a crash).
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
        finally:
            if self._log is not None:
                self._log.close()
                self._log = None

    def log_tail(self, lines: int = 40) -> str:
        """The end of this process's log, for failure messages."""
        if not self.log_path.exists():
            return ""
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])


def children(pid: int) -> set[int]:
    """Ids of the live processes whose parent is `pid` (read from /proc)."""
    found: set[int] = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # Fields after the parenthesised command: state, ppid, ...
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[1]) == pid and fields[0] != "Z":
            found.add(int(entry.name))
    return found


def service_env(database_url: str, redis_url: str | None, **extra: str) -> dict[str, str]:
    """The environment of a production-mode service process."""
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("TEST_", "DATABASE_", "REDIS_", "PYTEST"))}
    env.update({"DATABASE_URL": database_url, "ENV": "production", "SECRET_KEY": SECRET_KEY,
                "METRICS_TOKEN": "fault-tests-metrics-token", "ARGON2_TIME_COST": "1", "ARGON2_MEMORY_COST": "64",
                "LOG_LEVEL": "WARNING", "RATE_LIMIT_PER_CLIENT": "100000/minute",
                "RATE_LIMIT_PER_IP": "100000/minute",
                "PYTHONUNBUFFERED": "1"})
    if redis_url:
        env["REDIS_URL"] = redis_url
    env.update(extra)
    return env


class Api(Started):
    """The service under gunicorn, on its own loopback port."""

    def __init__(self, env: dict[str, str], directory: Path, workers: int = 2) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        env = {**env, "HOST": "127.0.0.1", "PORT": str(self.port), "WEB_CONCURRENCY": str(workers),
               "GUNICORN_GRACEFUL_TIMEOUT": "2", "GUNICORN_PROC_NAME": "fault-api"}
        self.process = ServiceProcess("gunicorn", [str(VENV_BIN / "gunicorn"), "-c", "docker/gunicorn.conf.py",
                                                   "wsgi:app"], env, directory)
        self.workers = workers

    def start(self) -> None:
        """Start gunicorn and wait until every worker is up and the API answers."""
        self.process.start()

        def answering() -> bool:
            assert self.process.alive(), f"gunicorn exited:\n{self.process.log_tail()}"
            try:
                requests.get(f"{self.base}/api/v1/health", timeout=2)
            except requests.RequestException:
                return False
            return len(self.worker_pids()) == self.workers

        wait_until(answering, 40, "gunicorn to answer")

    def worker_pids(self) -> set[int]:
        """The gunicorn worker processes (children of the master)."""
        return children(self.process.pid)

    def stop(self) -> None:
        """Stop gunicorn."""
        self.process.stop()


def rq_worker(env: dict[str, str], directory: Path, name: str = "rq-worker") -> ServiceProcess:
    """`flask --app wsgi worker` (an RQ SimpleWorker running jobs in its own process)."""
    return ServiceProcess(name, [str(VENV_BIN / "flask"), "--app", "wsgi", "worker"], env, directory)
