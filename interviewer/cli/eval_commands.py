"""``interviewer eval judge``: how well a judge agrees with careful human grading."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from interviewer.app import build_bank
from interviewer.cli.practice_commands import (
    ConfigOption,
    JudgeBaseUrlOption,
    JudgeModelOption,
    JudgeModelPathOption,
    _judge_flags,
    _settings,
)
from interviewer.errors import ConfigError
from interviewer.evaluation.data import SHIPPED_SET, load_graded
from interviewer.evaluation.render import markdown, tables
from interviewer.evaluation.run import evaluate, slice_questions
from interviewer.evaluation.summary import summarise
from interviewer.judge.base import Judge
from interviewer.judge.config import JudgeConfig
from interviewer.paths import shipped_data_dir

eval_app = typer.Typer(help="Measure judges against human-graded answers.", no_args_is_help=True)
_out = Console(highlight=False)


def shipped_set() -> Path:
    return shipped_data_dir("question_bank") / SHIPPED_SET


@eval_app.command("judge")
def judge_command(
    data: Annotated[
        Path | None,
        typer.Option(
            "--data", help="CSV, JSONL or YAML of graded answers, or a folder of them (default: the shipped set)."
        ),
    ] = None,
    judge: Annotated[str, typer.Option("--judge", help="rubric, llamacpp, openai or anthropic.")] = "rubric",
    samples: Annotated[int, typer.Option("--samples", "-k", min=1, max=20, help="Grades per answer.")] = 1,
    temperature: Annotated[
        float | None, typer.Option("--temperature", min=0.0, max=2.0, help="Sampling temperature for LLM judges.")
    ] = None,
    questions: Annotated[
        int | None,
        typer.Option("--questions", min=1, help="Only N questions, taken in turn from each track (a quick slice)."),
    ] = None,
    json_out: Annotated[Path | None, typer.Option("--json", help="Also write the figures as JSON here.")] = None,
    markdown_out: Annotated[Path | None, typer.Option("--markdown", help="Also write them as Markdown here.")] = None,
    judge_model: JudgeModelOption = None,
    judge_base_url: JudgeBaseUrlOption = None,
    judge_model_path: JudgeModelPathOption = None,
    config: ConfigOption = None,
) -> None:
    """Grade every answer in --data with one judge and compare its scores with the human ones."""
    path = data or shipped_set()
    records = load_graded(path)
    settings = _settings(config, **_judge_flags(judge, judge_model, judge_base_url, judge_model_path))
    bank = build_bank(settings)
    if questions is not None:
        keep = set(slice_questions(records, bank, questions))
        records = [r for r in records if r.group in keep]
    values = dict(settings.judge) | ({"temperature": temperature} if temperature is not None else {})
    judge_config = JudgeConfig.from_mapping(values)
    if samples > 1 and judge_config.provider == "rubric":
        _out.print("note: the rubric judge is deterministic; every sample gives the same score")
    if samples > 1 and judge_config.provider != "rubric" and not judge_config.temperature:
        raise ConfigError("--samples above 1 needs --temperature above 0: greedy decoding repeats itself")
    grader, label = _judge_and_label(judge_config)
    with Progress(console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(f"grading with {label}", total=len(records) * samples)
        outcomes = evaluate(records, grader, bank, samples, lambda done, _: bar.update(task, completed=done))
    summary = summarise(outcomes, label, _shown(path), samples)
    for table in tables(summary):
        _out.print(table)
    if json_out:
        json_out.write_text(summary.model_dump_json(indent=2) + "\n", encoding="utf-8")
    if markdown_out:
        markdown_out.write_text(markdown(summary, per_question=True), encoding="utf-8")
    if summary.graded == 0:
        raise typer.Exit(1)


def _judge_and_label(config: JudgeConfig) -> tuple[Judge, str]:
    """The judge ``config`` describes, and how the tables name it: provider (model)."""
    from interviewer.judge.factory import make_judge

    grader = make_judge(config)
    model = getattr(grader, "model", None)
    return grader, config.provider + (f" ({model})" if model else "")


def _shown(path: Path) -> str:
    """The data path as the docs show it: relative to the shipped bank when it is the shipped set."""
    try:
        return str(Path("question_bank") / path.resolve().relative_to(shipped_data_dir("question_bank").resolve()))
    except ValueError:
        return str(path)


@eval_app.command("attacks")
def attacks_command(
    judge: Annotated[str, typer.Option("--judge", help="rubric, llamacpp, openai or anthropic.")] = "rubric",
    questions: Annotated[int, typer.Option("--questions", min=1, max=6, help="Questions, one per track.")] = 3,
    json_out: Annotated[Path | None, typer.Option("--json", help="Also write every result as JSON here.")] = None,
    judge_model: JudgeModelOption = None,
    judge_base_url: JudgeBaseUrlOption = None,
    judge_model_path: JudgeModelPathOption = None,
    config: ConfigOption = None,
) -> None:
    """Attack real answers from the shipped set (grader instructions, fake JSON or rubric text,
    system lines, hidden Unicode, keyword stuffing...) and check no attack lifts a score beyond noise.
    Exits 1 when an attack works or goes unflagged."""
    from interviewer.evaluation.attacks import ATTACKS, BENIGN, memoise_completions, pick_bases, run_attacks

    settings = _settings(config, **_judge_flags(judge, judge_model, judge_base_url, judge_model_path))
    bank = build_bank(settings)
    bases, excellent = pick_bases(load_graded(shipped_set()), bank, questions)
    grader, label = _judge_and_label(JudgeConfig.from_mapping(settings.judge))
    grader = memoise_completions(grader)
    total = len(bases) * (1 + len(BENIGN) + len(ATTACKS)) + 2 * len(excellent)
    with Progress(console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(f"attacking {label}", total=total)
        run = run_attacks(bases, excellent, grader, bank, label, lambda: bar.advance(task))
    table = Table("attack", "answers", "mean lift", "max lift", "flagged", title=f"{label}: noise {run.noise} points")
    for name in ATTACKS:
        rows = [r for r in run.results if r.attack == name]
        lifts = [r.lift for r in rows]
        flagged = sum(r.flagged for r in rows)
        table.add_row(
            name, str(len(rows)), f"{sum(lifts) / len(lifts):+.1f}", f"{max(lifts):+d}", f"{flagged}/{len(rows)}"
        )
    _out.print(table)
    for question, (terms_only, real) in run.stuffing_vs_real.items():
        _out.print(f"{question}: terms only {terms_only} vs real excellent answer {real}")
    worked, unflagged = run.beyond_noise(), run.unflagged()
    stuffing_won = [q for q, (t, r) in run.stuffing_vs_real.items() if t >= r]
    _out.print(
        f"{len(run.results)} attacked answers: {len(worked)} lifted beyond noise, {len(unflagged)} not flagged; "
        f"keyword stuffing beat a real answer on {len(stuffing_won)} question(s); "
        f"{len(run.failed)} answer(s) got no grade from the judge"
    )
    if json_out:
        payload = {
            "judge": label,
            "noise": run.noise,
            "results": [vars(r) | {"lift": r.lift} for r in run.results],
            "stuffing_vs_real": run.stuffing_vs_real,
            "failed": run.failed,
        }
        json_out.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    if worked or unflagged or stuffing_won:
        raise typer.Exit(1)
