"""``interviewer report ID``: a session's feedback report as PDF, HTML, Markdown or JSON."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from interviewer.app import build_bank, build_store
from interviewer.report.render import ReportFormat
from interviewer.settings import load_settings

_err = Console(stderr=True, highlight=False)


def report(
    session_id: Annotated[str, typer.Argument(help="Session id or unique prefix, from `interviewer sessions`.")],
    fmt: Annotated[ReportFormat, typer.Option("--format", "-f", help="pdf, md, html or json.")] = ReportFormat.PDF,
    output: Annotated[
        str | None,
        typer.Option("--output", "-o", help="File or folder to write; '-' for stdout. Default: ./report-ID.EXT"),
    ] = None,
    bank: Annotated[Path | None, typer.Option("--bank", help="The bank the session was taken with.")] = None,
    config: Annotated[Path | None, typer.Option("--config", help="TOML config file.")] = None,
) -> None:
    """Write the feedback report of a session (finished or still in progress)."""
    # The report modules pull in matplotlib and ReportLab: import them only for this command.
    from interviewer.report import build_report
    from interviewer.report.render import render_report, write_report

    settings = load_settings({"bank": bank} if bank else {}, config_file=config)
    store = build_store(settings)
    record = store.get_session(session_id)  # an unknown id fails here, before the bank is loaded
    data = render_report(build_report(store, build_bank(settings), record.id), fmt)
    path = write_report(data, fmt, output, record.id)
    if path is not None:
        _err.print(f"Wrote {path} ({len(data):,} bytes)")
