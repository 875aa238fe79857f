from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
DATA = Path(__file__).resolve().parent / "data"
#: The seed documents sit beside the repository (shared/seeds) in every checkout and in CI.
SEEDS = REPO.parent / "shared" / "seeds"


@pytest.fixture(scope="session")
def shipped_bank():
    from interviewer.bank import load_bank

    return load_bank()


def run_cli(
    data_dir: Path,
    *args: str,
    stdin: str | None = None,
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
    columns: int = 160,
) -> subprocess.CompletedProcess[str]:
    """`interviewer ARGS` as a user runs it: a real subprocess on its own data folder, no config file."""
    full_env = {
        **os.environ,
        "INTERVIEWER_DATA_DIR": str(data_dir),
        "INTERVIEWER_CONFIG": str(data_dir / "no-config.toml"),
        "COLUMNS": str(columns),
        **(env or {}),
    }
    return subprocess.run(
        [sys.executable, "-m", "interviewer", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=full_env,
        cwd=cwd,
        timeout=600,
    )


def free_port() -> int:
    """A loopback port nothing listens on, for a server a test starts."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def stop_process(process: subprocess.Popen[bytes], timeout: float = 30) -> None:
    """Terminate a server a test started; kill it if it does not exit within ``timeout``."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=timeout)
