"""Session reports rendered from real stored sessions (real RubricJudge), checked as a reader would.

PDFs are read back with poppler (``pdftotext``, ``pdftoppm``, ``pdffonts``), as CI installs it.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import jsonschema
import pytest

from interviewer.bank import Level, Track
from interviewer.errors import SessionNotFound
from interviewer.judge.grade import Coverage
from interviewer.report import REPORT_SCHEMA_VERSION, SessionReport, build_report
from interviewer.report.pdf_fonts import has_cjk_font
from interviewer.report.render import ReportFormat, render_report
from interviewer.report.schema import SCHEMA_PATH, schema_text
from tests.test_report_support import (
    CANDIDATE,
    CJK,
    CYRILLIC,
    EMOJI_IN_FONT,
    EMOJI_OUT_OF_FONT,
    FORMULA,
    SCRIPT,
    open_service,
    take_session,
)


def poppler(tool: str, *args: str) -> str:
    assert shutil.which(tool), f"{tool} not found: install poppler-utils (.ci/run does)"
    return subprocess.run([tool, *args], check=True, capture_output=True, text=True, timeout=120).stdout


def squash(text: str) -> str:
    """Text without whitespace: PDF line breaks fall anywhere, CJK runs included."""
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def sessions(tmp_path_factory, shipped_bank):
    """An earlier text session, then a voice session, by one candidate; and an unfinished session."""
    from interviewer.judge.rubric_judge import RubricJudge

    data_dir = tmp_path_factory.mktemp("report-data")
    service = open_service(data_dir, shipped_bank, RubricJudge())
    text_id = take_session(service, shipped_bank, questions=2)
    voice_id = take_session(service, shipped_bank, questions=4, voice=True)
    unfinished_id = take_session(service, shipped_bank, Track.AGENTS, Level.SENIOR, 3, candidate=None, stop_after=1)
    return {"store": service.store, "text": text_id, "voice": voice_id, "unfinished": unfinished_id}


@pytest.fixture(scope="module")
def voice_report(sessions, shipped_bank) -> SessionReport:
    return build_report(sessions["store"], shipped_bank, sessions["voice"])


@pytest.fixture(scope="module")
def text_report(sessions, shipped_bank) -> SessionReport:
    return build_report(sessions["store"], shipped_bank, sessions["text"])


@pytest.fixture(scope="module")
def voice_pdf(voice_report, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("pdf") / "voice.pdf"
    path.write_bytes(render_report(voice_report, ReportFormat.PDF))
    return path


@pytest.fixture(scope="module")
def voice_pdf_text(voice_pdf) -> str:
    return poppler("pdftotext", "-enc", "UTF-8", str(voice_pdf), "-")


def test_every_format_renders_from_the_stored_session(voice_report, tmp_path):
    for fmt in ReportFormat:
        data = render_report(voice_report, fmt)
        assert len(data) > 1000, fmt
        (tmp_path / f"report.{fmt.value}").write_bytes(data)
    assert (tmp_path / "report.pdf").read_bytes().startswith(b"%PDF-")
    assert (tmp_path / "report.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert (tmp_path / "report.md").read_text(encoding="utf-8").startswith("# Mock interview report")


def test_pdf_text_holds_every_question_and_score(voice_report, voice_pdf_text):
    text = squash(voice_pdf_text)
    assert voice_report.questions and all(q.graded for q in voice_report.questions)
    for q in voice_report.questions:
        assert squash(q.prompt) in text, q.question_id
        assert squash(f"Question {q.number} of {len(voice_report.questions)}") in text
        assert squash(f"{q.score} / 100") in text, q.question_id
    assert voice_report.summary.overall is not None
    assert squash(f"{voice_report.summary.overall} overall score / 100") in text
    assert "Graded by the offline rubric judge" in voice_pdf_text and "automated estimates" in voice_pdf_text


def test_every_pdf_page_renders(voice_pdf, tmp_path):
    pages = int(re.search(r"Pages:\s+(\d+)", poppler("pdfinfo", str(voice_pdf))).group(1))
    assert pages > 1
    poppler("pdftoppm", "-r", "30", "-png", str(voice_pdf), str(tmp_path / "page"))
    images = sorted(tmp_path.glob("page-*.png"))
    assert len(images) == pages and all(p.stat().st_size > 1000 for p in images)
    assert f"Page {pages} of {pages}" in poppler("pdftotext", "-f", str(pages), "-l", str(pages), str(voice_pdf), "-")


def test_non_ascii_survives_every_format(voice_report, voice_pdf, voice_pdf_text):
    text = squash(voice_pdf_text)
    for piece in (CYRILLIC, FORMULA, EMOJI_IN_FONT, CANDIDATE):
        assert squash(piece) in text, piece
    # No embedded font draws it: the PDF names it instead of printing an empty box.
    assert "[rocket]" in voice_pdf_text
    fonts = poppler("pdffonts", str(voice_pdf))
    assert "DejaVuSans" in fonts and "Helvetica" not in fonts
    if has_cjk_font():
        assert squash(CJK) in text and "WenQuanYi" in fonts
    for fmt in (ReportFormat.HTML, ReportFormat.MARKDOWN, ReportFormat.JSON):
        rendered = render_report(voice_report, fmt).decode("utf-8")
        if fmt is ReportFormat.JSON:
            rendered = json.dumps(json.loads(rendered), ensure_ascii=False)
        for piece in (CYRILLIC, FORMULA, CJK, EMOJI_IN_FONT, EMOJI_OUT_OF_FONT, CANDIDATE):
            assert piece in rendered, (fmt, piece)


def test_evidence_highlights_are_the_answers_own_words(voice_report):
    statuses = set()
    for q in voice_report.questions:
        evidence = {e for kp in q.key_points for e in kp.evidence} | {m.evidence for m in q.misconceptions}
        for turn in q.turns:
            for h in turn.highlights:
                span = turn.answer[h.start : h.end]
                assert span.strip() and any(span in e for e in evidence), (q.question_id, span)
                statuses.add(h.status)
    assert {"covered", "misconception"} <= statuses


def test_html_highlights_by_status_and_lists_missed_points(voice_report):
    html = render_report(voice_report, ReportFormat.HTML).decode("utf-8")
    assert '<mark class="covered">' in html and '<mark class="misconception">' in html
    missed = [kp for q in voice_report.questions for kp in q.key_points if kp.status is Coverage.MISSED]
    assert missed and html.count('class="missed-ink">✘') >= len(missed)
    assert "<script" not in html.lower() and "<svg" in html


def test_candidate_text_is_escaped(voice_report):
    assert SCRIPT in json.dumps([t.answer for q in voice_report.questions for t in q.turns])
    html = render_report(voice_report, ReportFormat.HTML).decode("utf-8")
    assert SCRIPT not in html and "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html
    markdown = render_report(voice_report, ReportFormat.MARKDOWN).decode("utf-8")
    assert "<script>" not in markdown and r"\<script\>" in markdown


def test_delivery_shown_for_spoken_answers_only(voice_report, text_report, voice_pdf_text, tmp_path):
    assert voice_report.delivery is not None and text_report.delivery is None
    assert voice_report.delivery.answers == sum(1 for q in voice_report.questions for t in q.turns)
    assert "Delivery" in voice_pdf_text and "Words per minute" in voice_pdf_text
    pdf = tmp_path / "text.pdf"
    pdf.write_bytes(render_report(text_report, ReportFormat.PDF))
    text_pdf = poppler("pdftotext", str(pdf), "-")
    assert "Delivery" not in text_pdf and "Words per minute" not in text_pdf
    for fmt in (ReportFormat.HTML, ReportFormat.MARKDOWN):
        assert "Delivery" in render_report(voice_report, fmt).decode("utf-8")
        assert "Delivery" not in render_report(text_report, fmt).decode("utf-8")


def test_json_validates_against_the_published_schema(voice_report, text_report):
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    for report in (voice_report, text_report):
        payload = json.loads(render_report(report, ReportFormat.JSON))
        jsonschema.validate(payload, schema)
        assert payload["schema_version"] == REPORT_SCHEMA_VERSION
        assert SessionReport.model_validate(payload) == report


def test_published_schema_is_current():
    assert SCHEMA_PATH.read_text(encoding="utf-8") == schema_text(), (
        "docs/report.schema.json is stale: run `.venv/bin/python -m interviewer.report.schema`"
    )


def test_progress_compares_the_candidates_sessions_on_the_track(voice_report, text_report, shipped_bank):
    assert [p.is_this_session for p in voice_report.progress.sessions] == [False, True]
    assert [p.session_id for p in text_report.progress.sessions] == [text_report.session.id]
    study = voice_report.progress.study_list
    assert study and all(item.missed + item.partial >= 1 for item in study)
    for item in study:
        rubric = shipped_bank.rubric_for(shipped_bank.question(item.question_id))
        assert rubric.key_point(item.key_point_id).statement == item.statement
    assert [i.missed + 0.5 * i.partial for i in study] == sorted(
        (i.missed + 0.5 * i.partial for i in study), reverse=True
    )


def test_next_actions_point_to_bank_questions(voice_report, shipped_bank):
    actions = voice_report.summary.next_actions
    assert 1 <= len(actions) <= 3
    for action in actions:
        assert shipped_bank.question(action.question_id).topic == action.topic
    assert actions[0].kind == "misconception"  # the voice session states one (see answer_for)


def test_an_unfinished_session_is_reported_in_progress(sessions, shipped_bank, tmp_path):
    report = build_report(sessions["store"], shipped_bank, sessions["unfinished"])
    assert report.session.status == "in-progress" and report.session.answers == 1
    assert report.summary.readiness.verdict in {"too-early", "not-yet"}
    pdf = tmp_path / "unfinished.pdf"
    pdf.write_bytes(render_report(report, ReportFormat.PDF))
    assert "In progress." in poppler("pdftotext", str(pdf), "-")
    assert "In progress." in render_report(report, ReportFormat.HTML).decode("utf-8")


def test_an_unknown_session_id_raises_session_not_found(sessions, shipped_bank):
    with pytest.raises(SessionNotFound, match="no interview session 'no-such-session'"):
        build_report(sessions["store"], shipped_bank, "no-such-session")


def test_a_session_id_prefix_is_enough(sessions, shipped_bank):
    report = build_report(sessions["store"], shipped_bank, sessions["text"][:6])
    assert report.session.id == sessions["text"]
