"""The ``interviewer`` command: a thin layer over the library."""

from __future__ import annotations

import sys

import typer
from rich.console import Console

from interviewer.cli import practice_commands, report_commands, serve_commands, speech_commands
from interviewer.cli.bank_commands import bank_app
from interviewer.cli.eval_commands import eval_app
from interviewer.errors import InterviewerError

app = typer.Typer(
    name="interviewer",
    help="Mock interviews for AI/ML engineering roles, graded against rubrics, fully offline.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.add_typer(bank_app, name="bank")
app.add_typer(eval_app, name="eval")
app.command("practice")(practice_commands.practice)
app.command("resume")(practice_commands.resume)
app.command("sessions")(practice_commands.sessions)
app.command("show")(practice_commands.show)
app.command("transcribe")(speech_commands.transcribe)
app.command("report")(report_commands.report)
app.command("regrade")(practice_commands.regrade)
app.command("serve")(serve_commands.serve)

_err = Console(stderr=True)


def main() -> None:
    """Entry point: user-facing errors become one line on stderr and exit code 2."""
    try:
        # Outside standalone mode click returns the exit code of `raise typer.Exit(n)`.
        code = app(standalone_mode=False)
    except InterviewerError as exc:
        _err.print(f"[bold red]error:[/] {exc}", highlight=False)
        sys.exit(2)
    except (typer.Abort, KeyboardInterrupt):
        _err.print("aborted")
        sys.exit(130)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except Exception as exc:  # click usage errors arrive here in non-standalone mode
        import click

        if isinstance(exc, click.ClickException):
            exc.show()
            sys.exit(exc.exit_code)
        raise
    sys.exit(code if isinstance(code, int) else 0)
