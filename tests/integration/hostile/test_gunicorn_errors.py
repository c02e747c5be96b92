"""Item 10 under real gunicorn: what gunicorn refuses itself comes back in the service's JSON error body."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from tests.fault.processes import Api, service_env


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path) -> Iterator[Api]:
    """The service under gunicorn with docker/gunicorn.conf.py, on an embedded database."""
    directory = tmp_path_factory.mktemp("gunicorn")
    database = directory / "db.sqlite3"
    database.write_bytes(sqlite_template.read_bytes())
    with Api(service_env(f"sqlite:///{database}", None), directory, workers=1) as api:
        yield api


def raw_request(api: Api, request: bytes) -> tuple[str, dict[str, str], bytes]:
    """Send raw bytes and read the whole answer (gunicorn closes after its refusals)."""
    with socket.create_connection(("127.0.0.1", api.port), timeout=10) as connection:
        connection.sendall(request)
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    status, *lines = head.decode("latin-1").split("\r\n")
    headers = {name.lower(): value.strip() for name, _, value in (line.partition(":") for line in lines)}
    return status, headers, body


def assert_json_error(status_line: str, headers: dict[str, str], body: bytes, code: int) -> None:
    assert status_line.startswith(f"HTTP/1.1 {code} "), status_line
    assert headers["content-type"] == "application/json"
    parsed = json.loads(body)
    assert set(parsed) == {"code", "status", "reason", "message", "errors"} and parsed["code"] == code


def test_a_url_too_long_is_a_json_414(served: Api) -> None:
    response = requests.get(f"{served.base}/api/v1/episodes?q={'x' * 9000}", timeout=10)
    assert response.status_code == 414
    assert response.headers["Content-Type"] == "application/json"
    assert set(response.json()) == {"code", "status", "reason", "message", "errors"}


def test_headers_too_large_are_a_json_431(served: Api) -> None:
    status, headers, body = raw_request(
        served, b"GET /api/v1/health HTTP/1.1\r\nHost: x\r\nX-Big: " + b"y" * 10000 + b"\r\n\r\n")
    assert_json_error(status, headers, body, 431)


def test_malformed_http_is_a_json_400(served: Api) -> None:
    status, headers, body = raw_request(served, b"GET /api/v1/health HTTP/9.9\r\nHost: x\r\n\r\n")
    assert_json_error(status, headers, body, 400)


def test_the_app_still_answers(served: Api) -> None:
    assert requests.get(f"{served.base}/api/v1/health", timeout=10).status_code in (200, 503)
