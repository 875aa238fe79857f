"""The `interviewer bank` commands as a user runs them: a real subprocess, real exit codes."""

from __future__ import annotations

import subprocess
import sys

from .conftest import DATA


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "interviewer", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={"COLUMNS": "200", "PATH": "/usr/bin:/bin"},
    )


def test_validate_shipped_bank_prints_coverage():
    result = run_cli("bank", "validate")
    assert result.returncode == 0, result.stdout + result.stderr
    for track in ("classical-ml", "llm-app", "agents", "ml-infra", "multimodal", "core"):
        assert track in result.stdout
    assert "Coverage" in result.stdout
    assert ", 0 errors" in result.stdout


def test_validate_broken_bank_exits_1_with_messages(tmp_path):
    text = (DATA / "banks" / "acme" / "acme.yaml").read_text().replace("level: mid", "level: expert")
    (tmp_path / "broken.yaml").write_text(text)
    result = run_cli("bank", "validate", str(tmp_path))
    assert result.returncode == 1
    assert "broken.yaml:7:" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_list_filters_by_track_and_show_prints_rubric():
    listed = run_cli("bank", "list", "--track", "agents")
    assert listed.returncode == 0, listed.stderr
    assert "agt-" in listed.stdout and "cml-" not in listed.stdout
    shown = run_cli("bank", "show", "cml-calibration-vs-discrimination")
    assert shown.returncode == 0, shown.stderr
    for fragment in ("Key points", "Misconceptions", "Criteria", "Model answer outline", "000_a79ad2eb6c56ca33.txt"):
        assert fragment in shown.stdout


def test_user_bank_commands():
    listed = run_cli("bank", "list", "--bank", str(DATA / "banks" / "acme"))
    assert "acme-feature-store" in listed.stdout and "1 question" in listed.stdout


def test_unknown_question_is_a_one_line_error():
    result = run_cli("bank", "show", "no-such-question")
    assert result.returncode == 2
    assert result.stderr.strip().startswith("error: no question with id 'no-such-question'")
    assert len(result.stderr.strip().splitlines()) == 1
