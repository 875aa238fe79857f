"""``interviewer eval judge``: how well a judge agrees with careful human grading."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import Progress

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
from interviewer.evaluation.run import evaluate
from interviewer.evaluation.summary import summarise
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
        int | None, typer.Option("--questions", min=1, help="Only the first N questions (a quick slice).")
    ] = None,
    json_out: Annotated[Path | None, typer.Option("--json", help="Also write the figures as JSON here.")] = None,
    markdown_out: Annotated[Path | None, typer.Option("--markdown", help="Also write them as Markdown here.")] = None,
    judge_model: JudgeModelOption = None,
    judge_base_url: JudgeBaseUrlOption = None,
    judge_model_path: JudgeModelPathOption = None,
    config: ConfigOption = None,
) -> None:
    """Grade every answer in --data with one judge and compare its scores with the human ones."""
    from interviewer.judge.config import JudgeConfig
    from interviewer.judge.factory import make_judge

    path = data or shipped_set()
    records = load_graded(path)
    if questions is not None:
        keep = list(dict.fromkeys(r.group for r in records))[:questions]
        records = [r for r in records if r.group in keep]
    settings = _settings(config, **_judge_flags(judge, judge_model, judge_base_url, judge_model_path))
    values = dict(settings.judge) | ({"temperature": temperature} if temperature is not None else {})
    judge_config = JudgeConfig.from_mapping(values)
    if samples > 1 and judge_config.provider == "rubric":
        _out.print("note: the rubric judge is deterministic; every sample gives the same score")
    if samples > 1 and judge_config.provider != "rubric" and not judge_config.temperature:
        raise ConfigError("--samples above 1 needs --temperature above 0: greedy decoding repeats itself")
    grader = make_judge(judge_config)
    label = f"{judge_config.provider}" + (f" ({grader.model})" if getattr(grader, "model", None) else "")
    bank = build_bank(settings)
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


def _shown(path: Path) -> str:
    """The data path as the docs show it: relative to the shipped bank when it is the shipped set."""
    try:
        return str(Path("question_bank") / path.resolve().relative_to(shipped_data_dir("question_bank").resolve()))
    except ValueError:
        return str(path)
