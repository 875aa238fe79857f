"""``interviewer serve``: the browser app."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from interviewer.cli.practice_commands import (
    ConfigOption,
    JudgeBaseUrlOption,
    JudgeModelOption,
    JudgeModelPathOption,
    JudgeOption,
)
from interviewer.errors import ConfigError
from interviewer.settings import load_settings

_out = Console(highlight=False)


def serve(
    host: Annotated[
        str, typer.Option("--host", help="Address to listen on; 0.0.0.0 to accept other machines.")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="Port to listen on.")] = 7860,
    auth: Annotated[
        list[str] | None,
        typer.Option(
            "--auth",
            metavar="USER:PASSWORD",
            help="user:password that may sign in (repeat for several users). Each user sees only their own sessions.",
        ),
    ] = None,
    concurrency: Annotated[
        int, typer.Option("--concurrency", min=1, max=64, help="Gradings and transcriptions run at once.")
    ] = 2,
    judge: JudgeOption = None,
    judge_model: JudgeModelOption = None,
    judge_base_url: JudgeBaseUrlOption = None,
    judge_model_path: JudgeModelPathOption = None,
    bank: Annotated[Path | None, typer.Option("--bank", help="Your own bank folder.")] = None,
    config: ConfigOption = None,
) -> None:
    """Serve the browser app: interviews by voice or text, reports, history."""
    flags = {
        "judge_provider": judge,
        "judge_model": judge_model,
        "judge_base_url": judge_base_url,
        "judge_model_path": str(judge_model_path) if judge_model_path else None,
        "bank": bank,
    }
    settings = load_settings({k: v for k, v in flags.items() if v is not None}, config_file=config)
    users = [parse_auth(value) for value in auth or []]
    with _out.status("Loading the interviewer..."):
        from ui.server import serve as serve_app

    where = f"http://{'localhost' if host in ('127.0.0.1', 'localhost') else host}:{port}"
    _out.print(f"[bold]Mock interviewer[/] on [cyan]{where}[/] · Ctrl-C stops it")
    if host not in ("127.0.0.1", "localhost", "::1") and not users:
        _out.print("[yellow]Listening beyond this machine without --auth: anyone who can reach it may use it.[/]")
    serve_app(settings, host=host, port=port, auth=users or None, concurrency=concurrency)


def parse_auth(value: str) -> tuple[str, str]:
    """``user:password`` as a pair; ConfigError for anything else."""
    user, sep, password = value.partition(":")
    if not sep or not user.strip() or not password:
        raise ConfigError("--auth takes user:password (for example --auth alice:s3cret)")
    return user.strip(), password
