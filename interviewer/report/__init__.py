"""Session reports: one versioned record (``SessionReport``) rendered as PDF, HTML, Markdown or JSON."""

from interviewer.report.build import build_report
from interviewer.report.record import REPORT_SCHEMA_VERSION, SessionReport

__all__ = ["REPORT_SCHEMA_VERSION", "SessionReport", "build_report"]
