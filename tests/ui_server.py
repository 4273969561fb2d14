"""``placesim ui`` started as a user starts it, on a free port, for browser tests and the
UI benchmark."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def ui_server(scenario: Path, timeout: float = 300.0) -> Iterator[str]:
    """The page's address once the server says it is ready; stopped on exit."""
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "placesim.cli", "ui", str(scenario),
                                "--port", str(port)], stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
    try:
        end = time.monotonic() + timeout
        for line in process.stdout:
            if "open http://" in line:
                break
            if time.monotonic() > end:
                raise TimeoutError("placesim ui did not start")
        else:
            raise RuntimeError(f"placesim ui ended with code {process.wait()}")
        yield f"http://127.0.0.1:{port}/"
    finally:
        process.terminate()
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            process.kill()
