"""The report of a session on screen (HTML) and as downloads (PDF, Markdown, JSON).

Everything comes from ``interviewer.report``: the record is built from the database and the
bank, and every format is rendered from that one record, so what the page shows and what the
files hold agree.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from pathlib import Path

from interviewer.report import build_report
from interviewer.report.render import ReportFormat
from interviewer.report.render import render_report as render_format
from interviewer.service import InterviewService

#: The formats offered for download.
DOWNLOADS = (ReportFormat.PDF, ReportFormat.MARKDOWN, ReportFormat.JSON)


@dataclass(frozen=True)
class ReportFiles:
    """A rendered report: the HTML shown in the page and the download files."""

    session_id: str
    html: str
    pdf: Path
    markdown: Path
    json: Path


def render_report(service: InterviewService, session_id: str, out_dir: Path) -> ReportFiles:
    """Build the report of ``session_id`` and write its downloads under ``out_dir``."""
    report = build_report(service.store, service.bank, session_id)
    folder = out_dir / "reports" / report.session.id
    folder.mkdir(parents=True, exist_ok=True)
    files: dict[ReportFormat, Path] = {}
    for fmt in DOWNLOADS:
        path = folder / f"interview-{report.session.id}.{fmt.value}"
        tmp = path.with_name(path.name + ".part")
        tmp.write_bytes(render_format(report, fmt))
        tmp.replace(path)  # a download never sees a half-written file
        files[fmt] = path
    page = render_format(report, ReportFormat.HTML).decode("utf-8")
    return ReportFiles(
        session_id=report.session.id,
        html=embed_html(page),
        pdf=files[ReportFormat.PDF],
        markdown=files[ReportFormat.MARKDOWN],
        json=files[ReportFormat.JSON],
    )


def embed_html(document: str) -> str:
    """A full HTML document shown inside the page: in an iframe, so that its styles stay its
    own, and sandboxed (the report has no scripts, and none may run)."""
    return (
        '<iframe class="iv-report-frame" title="Interview report" sandbox="allow-same-origin" '
        f'srcdoc="{html.escape(document, quote=True)}"></iframe>'
    )
