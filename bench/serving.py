"""caremarket served by uvicorn with several worker processes, for the benchmarks and the tests.

    with uvicorn_workers(database_url, workers=4) as base:   # "http://127.0.0.1:PORT"
        ...

Each worker builds the app itself from CAREMARKET_* settings
(``caremarket.web.app:create_app_from_environment``), as a production server would. The
server listens on a free loopback port; it is ready once every worker has said "Application
startup complete" and /api/health answers 200. On leaving, it is stopped (SIGTERM, then
SIGKILL after 30 s).
"""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

FACTORY = "caremarket.web.app:create_app_from_environment"
READY = "Application startup complete"


class ServerFailed(RuntimeError):
    """The server stopped, or was not ready in time; the message ends with its log."""


@contextmanager
def uvicorn_workers(
    database_url: str, *, workers: int, start_seconds: float = 60, log: Path | None = None
) -> Iterator[str]:
    """uvicorn on the app with `workers` processes; yields its base URL."""
    port = free_port()
    env = os.environ | {
        "CAREMARKET_DATABASE_URL": database_url,
        "CAREMARKET_SECRET_KEY": secrets.token_urlsafe(48),
    }
    command = [sys.executable, "-m", "uvicorn", "--factory", FACTORY]
    command += ["--workers", str(workers), "--host", "127.0.0.1", "--port", str(port)]
    command += ["--no-access-log", "--log-level", "info"]
    with tempfile.TemporaryDirectory() as folder:
        log_path = log or Path(folder) / "uvicorn.log"
        with log_path.open("wb") as output:
            process = subprocess.Popen(command, env=env, stdout=output, stderr=subprocess.STDOUT)
        base = f"http://127.0.0.1:{port}"
        try:
            _wait_until_ready(process, base, workers, log_path, start_seconds)
            yield base
        finally:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def free_port() -> int:
    with socket.socket() as probe_socket:
        probe_socket.bind(("127.0.0.1", 0))
        return probe_socket.getsockname()[1]


def probe(url: str, header: str = "") -> int:
    """The status a GET of `url` answers (0: no answer); `header` is "Name: value"."""
    request = urllib.request.Request(url)
    if header:
        name, value = header.split(": ", 1)
        request.add_header(name, value)
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return 0


def _wait_until_ready(
    process: subprocess.Popen, base: str, workers: int, log_path: Path, seconds: float
) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise ServerFailed(
                f"the server stopped (exit {process.returncode}):\n{_tail(log_path)}"
            )
        started = log_path.read_text(errors="replace").count(READY)
        if started >= workers and probe(base + "/api/health") == 200:
            return
        time.sleep(0.1)
    raise ServerFailed(f"{workers} workers were not all ready in {seconds:g} s:\n{_tail(log_path)}")


def _tail(log_path: Path, lines: int = 40) -> str:
    return "\n".join(log_path.read_text(errors="replace").splitlines()[-lines:])
