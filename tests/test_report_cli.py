"""``interviewer report`` as a user runs it, and the 10-question PDF benchmark target."""

from __future__ import annotations

import json
import re
import shutil
import subprocess

import pytest

from interviewer.bank import Level, Track
from interviewer.report import build_report
from interviewer.report.render import ReportFormat, render_report
from tests.test_report_support import open_service, take_session

from .conftest import run_cli

#: The issue's target for generating the PDF of a 10-question session on the project's machine.


@pytest.fixture(scope="module")
def rubric_judge():
    from interviewer.judge.rubric_judge import RubricJudge

    return RubricJudge()


@pytest.mark.slow
def test_report_command_writes_every_format(tmp_path, shipped_bank, rubric_judge):
    data_dir = tmp_path / "data"
    service = open_service(data_dir, shipped_bank, rubric_judge, max_follow_ups=0)
    session_id = take_session(service, shipped_bank, Track.CLASSICAL_ML, Level.MID, 2, candidate=None)
    work = tmp_path / "work"
    work.mkdir()

    made = run_cli(data_dir, "report", session_id[:8], cwd=work)  # PDF by default, ./report-ID.pdf
    assert made.returncode == 0, made.stderr
    pdf = work / f"report-{session_id}.pdf"
    assert pdf.read_bytes().startswith(b"%PDF-") and str(pdf.name) in made.stderr
    assert shutil.which("pdftotext"), "install poppler-utils"
    assert (
        "Mock interview report"
        in subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    )

    markdown = run_cli(data_dir, "report", session_id, "--format", "md", "-o", "-", cwd=work)
    assert markdown.returncode == 0 and markdown.stdout.startswith("# Mock interview report")
    as_json = run_cli(data_dir, "report", session_id, "-f", "json", "-o", "-", cwd=work)
    assert json.loads(as_json.stdout)["session"]["id"] == session_id

    folder = work / "out"
    folder.mkdir()
    html = run_cli(data_dir, "report", session_id, "-f", "html", "-o", str(folder), cwd=work)
    assert html.returncode == 0, html.stderr
    assert (folder / f"report-{session_id}.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


@pytest.mark.slow
def test_unknown_session_id_is_a_one_line_error(tmp_path):
    result = run_cli(tmp_path, "report", "no-such-session", "--format", "pdf", cwd=tmp_path)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: no interview session 'no-such-session'")
    assert "Traceback" not in result.stderr and not list(tmp_path.glob("report-*"))


@pytest.mark.slow
def test_ten_question_pdf_renders_every_page(tmp_path, shipped_bank, rubric_judge):
    """Its speed is measured by bench/bench_report.py (docs/benchmarks.md), not asserted here."""
    service = open_service(tmp_path, shipped_bank, rubric_judge)
    session_id = take_session(service, shipped_bank, Track.LLM_APP, Level.MID, 10, voice=True)
    report = build_report(service.store, shipped_bank, session_id)
    pdf = render_report(report, ReportFormat.PDF)
    assert len(report.questions) == 10
    path = tmp_path / "ten.pdf"
    path.write_bytes(pdf)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    subprocess.run(["pdftoppm", "-r", "20", "-png", str(path), str(tmp_path / "p")], check=True)
    assert pages >= 10 and len(list(tmp_path.glob("p-*.png"))) == pages
