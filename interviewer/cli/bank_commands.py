"""``interviewer bank ...``: validate, list and show questions."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich import box
from rich.console import Console
from rich.markdown import Markdown
from rich.table import Table

from interviewer.bank import Bank, Kind, Level, Track, coverage, load_bank

bank_app = typer.Typer(help="Inspect and validate question banks.", no_args_is_help=True)
_out = Console()

BankOption = Annotated[
    Path | None,
    typer.Option("--bank", help="A folder with your own questions and rubrics (default: the shipped bank)."),
]


@bank_app.command("validate")
def validate(
    path: Annotated[Path | None, typer.Argument(help="Bank folder to check (default: the shipped bank).")] = None,
) -> None:
    """Check every file of a bank and print its coverage; exit 1 on any error."""
    bank = load_bank(path)
    for problem in bank.problems:
        style = "red" if problem.level.value == "error" else "yellow"
        _out.print(f"[{style}]{problem.level.value}[/]: {problem}", highlight=False, soft_wrap=True)
    _out.print(coverage_table(bank))
    _out.print(summary_line(bank), highlight=False)
    if bank.errors:
        raise typer.Exit(1)


@bank_app.command("list")
def list_questions(
    track: Annotated[Track | None, typer.Option("--track", "-t", help="Only this track.")] = None,
    level: Annotated[Level | None, typer.Option("--level", "-l")] = None,
    kind: Annotated[Kind | None, typer.Option("--kind", "-k")] = None,
    bank_path: BankOption = None,
) -> None:
    """List questions, one per line."""
    bank = load_bank(bank_path).raise_for_errors()
    table = Table("id", "tracks", "level", "kind", "topic", "question", show_lines=False)
    shown = 0
    for q in sorted(bank.questions.values(), key=lambda q: (q.tracks[0].value, q.level.rank, q.id)):
        if (track and track not in q.tracks) or (level and q.level is not level) or (kind and q.kind is not kind):
            continue
        prompt = q.prompt if len(q.prompt) <= 70 else q.prompt[:67] + "..."
        table.add_row(q.id, ",".join(t.value for t in q.tracks), q.level.value, q.kind.value, q.topic, prompt)
        shown += 1
    _out.print(table)
    _out.print(f"{shown} question(s)")


@bank_app.command("show")
def show(
    question_id: Annotated[str, typer.Argument(help="The question id, as `bank list` prints it.")],
    bank_path: BankOption = None,
) -> None:
    """Show one question with its rubric."""
    bank = load_bank(bank_path).raise_for_errors()
    _out.print(Markdown(question_markdown(bank, question_id)))


def question_markdown(bank: Bank, question_id: str) -> str:
    """A question and its whole rubric as Markdown."""
    q = bank.question(question_id)
    rubric = bank.rubric_for(q)
    lines = [
        f"# {q.id}",
        f"**{', '.join(t.value for t in q.tracks)}** · {q.level.value} · {q.kind.value} · "
        f"topic `{q.topic}` · {q.time_budget_s}s · {q.competency}",
        "",
        q.prompt,
    ]
    if q.context:
        lines += ["", f"> {q.context}"]
    lines += ["", "## Follow-ups"]
    lines += [f"- *({f.key_point})* {f.prompt}" for f in q.follow_ups]
    lines += ["", f"## Rubric `{rubric.id}`: {rubric.title}", "", "### Key points"]
    lines += [
        f"- **{k.id}** (weight {k.weight:g}): {k.statement}  \n  terms: {', '.join(k.terms)}" for k in rubric.key_points
    ]
    if rubric.misconceptions:
        lines += ["", "### Misconceptions"]
        lines += [
            f"- **{m.severity.value}** — {m.claim}  \n  *Correction:* {m.correction}" for m in rubric.misconceptions
        ]
    lines += ["", "### Criteria"]
    for c in bank.criteria_for(rubric):
        lines.append(f"- **{c.name}** (weight {c.weight:g})")
        lines += [f"  - {level}: {text}" for level, text in sorted(c.levels.items())]
    lines += ["", "### Model answer outline"] + [f"- {point}" for point in rubric.model_answer]
    lines += ["", "### A weak answer", rubric.weak_answer or ""]
    lines += ["", f"*Source: {q.source.file}, section “{q.source.section}”*"]
    return "\n".join(lines)


def coverage_table(bank: Bank) -> Table:
    """Questions per track x level (rows) x kind (columns)."""
    counts = coverage(bank)
    kinds = list(Kind)
    # No vertical rules: the table must fit an 80-column terminal without truncating names.
    table = Table(
        title="Coverage: questions per track, level and kind", box=box.SIMPLE_HEAD, padding=(0, 1, 0, 0), pad_edge=False
    )
    table.add_column("track", no_wrap=True)
    table.add_column("level", no_wrap=True)
    for kind in kinds:
        table.add_column(kind.value, justify="right")
    table.add_column("total", justify="right", style="bold")
    table.add_column("pitfalls", justify="right")
    table.caption = "pitfalls: misconceptions the track's rubrics watch for"
    tracks = [t for t in Track if any(key[0] is t for key in counts)]
    for track in tracks:
        track_questions = bank.for_track(track)
        misconceptions = sum(len(r.misconceptions) for q in track_questions if (r := bank.rubrics.get(q.rubric)))
        for i, level in enumerate(Level):
            row = [counts[(track, level, kind)] for kind in kinds]
            table.add_row(track.value if i == 0 else "", level.value, *map(str, row), str(sum(row)), "")
        totals = [sum(counts[(track, level, kind)] for level in Level) for kind in kinds]
        table.add_row(
            "", "[bold]all[/]", *map(str, totals), str(len(track_questions)), str(misconceptions), end_section=True
        )
    return table


def summary_line(bank: Bank) -> str:
    question_rubrics = [r for r in bank.rubrics.values() if not r.shared]
    status = "OK" if not bank.errors else f"{len(bank.errors)} error(s)"
    return (
        f"{len(bank.questions)} questions, {len(question_rubrics)} rubrics "
        f"({len(bank.rubrics) - len(question_rubrics)} shared), "
        f"{len(bank.errors)} errors, {len(bank.warnings)} warnings: {status}"
    )
