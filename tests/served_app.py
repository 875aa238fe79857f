"""`interviewer serve` started the way a host starts it, for tests that talk HTTP to the real app.

The server runs as a subprocess on 127.0.0.1 with its own data folder, no config file and its own
TMPDIR, so the folders it serves from (Gradio's upload cache, the app's work folder) sit where the
test can look at them and plant files in them.
"""

from __future__ import annotations

import http.client
import os
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from tests.conftest import REPO, free_port, stop_process

#: Generous: the first start on a loaded 2-core machine imports torch, Gradio and the models' code.
START_TIMEOUT_S = 180


@dataclass
class ServedApp:
    url: str
    root: Path
    data_dir: Path
    #: The server's TMPDIR: Gradio's upload cache (``gradio/``) and the app's work folder live here.
    tmp_dir: Path
    log_path: Path
    process: subprocess.Popen[bytes]

    @property
    def upload_dir(self) -> Path:
        """Gradio's cache: uploads and every file the page shows are kept here."""
        return self.tmp_dir / "gradio"

    @property
    def work_dir(self) -> Path:
        """The app's own scratch folder (reports and spoken questions are written here first)."""
        found = sorted(self.tmp_dir.glob("mock-interviewer-ui-*"))
        assert len(found) == 1, f"expected one work folder under {self.tmp_dir}, found {found}"
        return found[0]

    def log_text(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def signed_in(self, user: str, password: str) -> httpx.Client:
        """An HTTP client holding the session cookie of ``user``."""
        client = httpx.Client(base_url=self.url, timeout=60)
        response = client.post("/login", data={"username": user, "password": password})
        assert response.status_code == 200, f"login as {user} failed: {response.status_code} {response.text}"
        return client

    def gradio_client(self, user: str, password: str) -> Any:
        """A gradio_client Client signed in as ``user``; file outputs stay URLs (not downloaded)."""
        from gradio_client import Client

        return Client(self.url, auth=(user, password), verbose=False, download_files=False)


def raw_get(base_url: str, target: str, cookies: httpx.Cookies | None = None) -> tuple[int, bytes]:
    """GET ``target`` sent exactly as written: HTTP libraries would normalise ``..`` and escapes away."""
    parts = urllib.parse.urlsplit(base_url)
    connection = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=60)
    try:
        connection.putrequest("GET", target, skip_accept_encoding=True)
        if cookies:
            connection.putheader("Cookie", "; ".join(f"{name}={value}" for name, value in cookies.items()))
        connection.endheaders()
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


@contextmanager
def serve_app(root: Path, users: list[tuple[str, str]], env: dict[str, str] | None = None) -> Iterator[ServedApp]:
    """`python -m interviewer serve --auth ...` under ``root`` until the block ends."""
    data_dir, tmp_dir = root / "data", root / "tmp"
    data_dir.mkdir(parents=True)
    tmp_dir.mkdir()
    port = free_port()
    full_env = {
        **os.environ,
        "INTERVIEWER_DATA_DIR": str(data_dir),
        "INTERVIEWER_CONFIG": str(root / "no-config.toml"),
        "TMPDIR": str(tmp_dir),
        "GRADIO_ANALYTICS_ENABLED": "False",
        # The log is read while the server runs.
        "PYTHONUNBUFFERED": "1",
        **(env or {}),
    }
    for name in ("INTERVIEWER_DB_URL", "INTERVIEWER_CHECKPOINT_URL", "GRADIO_TEMP_DIR"):
        full_env.pop(name, None)
    auth = [arg for user, password in users for arg in ("--auth", f"{user}:{password}")]
    log_path = root / "serve.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "interviewer", "serve", "--host", "127.0.0.1", "--port", str(port), *auth],
            cwd=REPO,
            env=full_env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    served = ServedApp(f"http://127.0.0.1:{port}", root, data_dir, tmp_dir, log_path, process)
    try:
        _wait_until_up(served)
        yield served
    finally:
        stop_process(process)


def _wait_until_up(served: ServedApp) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while True:
        if served.process.poll() is not None:
            raise RuntimeError(f"interviewer serve exited with {served.process.returncode}:\n{served.log_text()}")
        try:
            if httpx.get(served.url + "/", timeout=5).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"interviewer serve did not answer within {START_TIMEOUT_S} s:\n{served.log_text()}")
        time.sleep(0.5)
