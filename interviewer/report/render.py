"""Rendering a report record in the format asked for, and writing it where it was asked."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path

from interviewer.errors import InterviewerError
from interviewer.report.record import SessionReport


class ReportFormat(StrEnum):
    PDF = "pdf"
    MARKDOWN = "md"
    HTML = "html"
    JSON = "json"


class ReportError(InterviewerError):
    """A report cannot be written where it was asked (unwritable path, PDF to a terminal)."""


def render_report(report: SessionReport, fmt: ReportFormat) -> bytes:
    """The report in ``fmt`` as bytes (UTF-8 for the text formats).

    Renderers are imported on demand: the PDF and chart libraries take a moment to load, and the
    JSON export needs neither.
    """
    if fmt is ReportFormat.JSON:
        return (report.model_dump_json(indent=2) + "\n").encode("utf-8")
    if fmt is ReportFormat.MARKDOWN:
        from interviewer.report.markdown import render_markdown

        return render_markdown(report).encode("utf-8")
    if fmt is ReportFormat.HTML:
        from interviewer.report.html import render_html

        return render_html(report).encode("utf-8")
    from interviewer.report.pdf import render_pdf

    return render_pdf(report)


def default_path(session_id: str, fmt: ReportFormat) -> Path:
    """``report-<id>.<ext>`` in the current folder."""
    return Path(f"report-{session_id}.{fmt.value}")


def write_report(data: bytes, fmt: ReportFormat, destination: str | None, session_id: str) -> Path | None:
    """Write the rendered report to ``destination`` ('-' for stdout); returns the path, None for stdout."""
    if destination == "-":
        if fmt is ReportFormat.PDF and sys.stdout.isatty():
            raise ReportError("refusing to write a PDF to the terminal: redirect it, or give -o FILE")
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return None
    path = Path(destination) if destination else default_path(session_id, fmt)
    try:
        if path.is_dir():
            path = path / default_path(session_id, fmt)
        path.write_bytes(data)
    except OSError as exc:
        raise ReportError(f"cannot write the report to {path}: {exc.strerror or exc}") from None
    return path
