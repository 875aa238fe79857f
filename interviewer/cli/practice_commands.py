"""Text practice in the terminal: ``practice``, ``resume``, ``sessions``, ``show``."""

from __future__ import annotations

import json
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table

from interviewer.app import build_service, build_store
from interviewer.bank import Level, Track
from interviewer.cli.speech_commands import SpokenAnswers, audio_path
from interviewer.errors import InterviewerError, SessionNotFound, StorageError
from interviewer.graph import PendingPrompt
from interviewer.judge.grade import Coverage, Grade
from interviewer.service import InterviewService, Step
from interviewer.settings import Settings, load_settings

_out = Console(highlight=False)

#: In an answers file, a line holding only this separates one answer from the next.
ANSWER_SEPARATOR = "---"
#: Exit code when scripted answers run out before the interview ends (it stays resumable).
EXIT_OUT_OF_ANSWERS = 3

ConfigOption = Annotated[Path | None, typer.Option("--config", help="TOML config file.")]
JudgeOption = Annotated[
    str | None, typer.Option("--judge", help="rubric (offline default), llamacpp, openai or anthropic.")
]
JudgeModelOption = Annotated[str | None, typer.Option("--judge-model", help="Model name for the judge.")]
JudgeBaseUrlOption = Annotated[
    str | None, typer.Option("--judge-base-url", help="An OpenAI-compatible server for the openai judge.")
]
JudgeModelPathOption = Annotated[
    Path | None, typer.Option("--judge-model-path", help="GGUF file for the llamacpp judge.")
]
AnswersOption = Annotated[
    str | None,
    typer.Option(
        "--answers", help=f"Read answers from a file ('-' for stdin), separated by lines of '{ANSWER_SEPARATOR}'."
    ),
]


def _settings(config: Path | None, **flags: object) -> Settings:
    return load_settings({k: v for k, v in flags.items() if v is not None}, config_file=config)


def _judge_flags(
    judge: str | None, model: str | None, base_url: str | None, model_path: Path | None
) -> dict[str, object]:
    """The --judge* options as settings keys."""
    return {
        "judge_provider": judge,
        "judge_model": model,
        "judge_base_url": base_url,
        "judge_model_path": str(model_path) if model_path else None,
    }


def practice(
    track: Annotated[Track, typer.Option("--track", "-t", help="Role track.")] = Track.LLM_APP,
    level: Annotated[Level, typer.Option("--level", "-l", help="Starting level; adapts to your answers.")] = Level.MID,
    questions: Annotated[int, typer.Option("--questions", "-n", min=1, max=30, help="Main questions.")] = 5,
    minutes: Annotated[float | None, typer.Option("--minutes", help="Session time budget.")] = None,
    answers: AnswersOption = None,
    judge: JudgeOption = None,
    judge_model: JudgeModelOption = None,
    judge_base_url: JudgeBaseUrlOption = None,
    judge_model_path: JudgeModelPathOption = None,
    max_follow_ups: Annotated[int | None, typer.Option("--max-follow-ups", help="Per question (default 2).")] = None,
    bank: Annotated[Path | None, typer.Option("--bank", help="Your own bank folder.")] = None,
    speak: Annotated[bool, typer.Option("--speak", help="Read questions aloud (Piper, offline).")] = False,
    config: ConfigOption = None,
) -> None:
    """Take a text interview in the terminal. Ctrl-C pauses it; `interviewer resume ID` continues."""
    settings = _settings(
        config,
        **_judge_flags(judge, judge_model, judge_base_url, judge_model_path),
        max_follow_ups=max_follow_ups,
        bank=bank,
    )
    scripted = _scripted_answers(answers) if answers else None
    with _out.status("Loading the interviewer..."):
        service = build_service(settings)
    _out.print(
        f"[bold]Mock interview[/] · track [cyan]{track.value}[/] · level {level.value} · {questions} questions · "
        f"graded by [magenta]{_judge_label(service)}[/]"
    )
    session_id = uuid.uuid4().hex[:12]
    try:
        with _out.status("Planning the interview..."):
            step = service.start(track, level, questions, minutes=minutes, session_id=session_id)
    except StorageError:
        _explain_unstarted(service, session_id)
        raise
    _out.print(f"Session [bold]{step.session_id}[/]\n")
    _drive(service, step, scripted, SpokenAnswers(settings, service.bank, _out, speak=speak))


def resume(
    session_id: Annotated[str, typer.Argument(help="Session id (or a unique prefix), from `interviewer sessions`.")],
    answers: AnswersOption = None,
    judge: JudgeOption = None,
    judge_model: JudgeModelOption = None,
    judge_base_url: JudgeBaseUrlOption = None,
    judge_model_path: JudgeModelPathOption = None,
    config: ConfigOption = None,
) -> None:
    """Continue an unfinished interview where it stopped."""
    settings = _settings(
        config,
        **_judge_flags(judge, judge_model, judge_base_url, judge_model_path),
    )
    scripted = _scripted_answers(answers) if answers else None
    with _out.status("Loading the interviewer..."):
        service = build_service(settings)
        record = service.store.get_session(session_id)
        step = service.current(record.id)
    done = sum(1 for t in service.store.turns(record.id) if t.answer_text is not None)
    _out.print(f"Resuming session [bold]{record.id}[/] ({done} answers saved) · graded by {_judge_label(service)}\n")
    _drive(service, step, scripted, SpokenAnswers(settings, service.bank, _out))


def sessions(
    limit: Annotated[int, typer.Option("--limit", help="How many, newest first.")] = 20,
    config: ConfigOption = None,
) -> None:
    """List interview sessions."""
    store = build_store(_settings(config))
    table = Table("id", "started (UTC)", "track", "level", "status", "answers", "score", "judge")
    for record in store.list_sessions(limit):
        answered = sum(1 for t in store.turns(record.id) if t.answer_text is not None)
        table.add_row(
            record.id,
            record.created_at.strftime("%Y-%m-%d %H:%M"),
            record.track,
            record.level,
            record.status,
            str(answered),
            "" if record.overall is None else str(record.overall),
            record.judge_provider,
        )
    _out.print(table)


def show(
    session_id: Annotated[str, typer.Argument(help="Session id or unique prefix.")],
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
    config: ConfigOption = None,
) -> None:
    """Show a session: every question, answer and grade."""
    store = build_store(_settings(config))
    record = store.get_session(session_id)
    turns = store.turns(record.id)
    grades = store.grades(record.id)
    if as_json:
        payload = {
            "session": json.loads(record.model_dump_json()),
            "turns": [json.loads(t.model_dump_json()) for t in turns],
            "grades": {str(k): g.model_dump(mode="json") for k, g in grades.items()},
        }
        sys.stdout.write(json.dumps(payload, indent=2) + "\n")
        return
    score = "" if record.overall is None else f" · overall [bold]{record.overall}[/]/100"
    _out.print(
        f"[bold]Session {record.id}[/] · {record.track} · {record.level} · {record.status}{score} · judge {record.judge_provider}"
    )
    for turn in turns:
        label = "Question" if turn.kind == "main" else f"Follow-up (probing {turn.gap_kind}: {turn.gap_id})"
        _out.print(Panel(turn.prompt, title=f"{label} · {turn.question_id}", title_align="left"))
        _out.print(turn.answer_text if turn.answer_text is not None else "[dim](not answered yet)[/]")
        if turn.index in grades:
            _print_grade(grades[turn.index])
        _out.print()


def regrade(
    session_id: Annotated[str, typer.Argument(help="Session id or unique prefix.")],
    everything: Annotated[bool, typer.Option("--all", help="Re-grade every answer, not only fallback grades.")] = False,
    judge: JudgeOption = None,
    judge_model: JudgeModelOption = None,
    judge_base_url: JudgeBaseUrlOption = None,
    judge_model_path: JudgeModelPathOption = None,
    config: ConfigOption = None,
) -> None:
    """Grade stored answers again with the configured judge (after a fallback, or with a better judge)."""
    from interviewer.app import build_bank, build_judge
    from interviewer.regrade import regrade_session

    settings = _settings(
        config,
        **_judge_flags(judge, judge_model, judge_base_url, judge_model_path),
    )
    store = build_store(settings)
    with _out.status("Re-grading..."):
        results = regrade_session(store, build_bank(settings), build_judge(settings), session_id, everything)
    if not results:
        _out.print("Nothing to re-grade: no grade in this session came from a fallback (use --all to re-grade all).")
        return
    for r in results:
        after = "judge failed again; kept" if r.after is None else f"{r.after} ({r.judge})"
        _out.print(f"turn {r.turn_index} · {r.question_id}: {r.before} -> {after}")


# -- the loop ---------------------------------------------------------------------------------------


def _drive(
    service: InterviewService, step: Step, scripted: Iterator[str] | None, spoken: SpokenAnswers | None = None
) -> None:
    try:
        while not step.finished:
            prompt = step.prompt
            assert prompt is not None
            _print_prompt(prompt)
            if spoken is not None and spoken.speak:
                spoken.say(prompt["prompt"], f"{step.session_id}-{prompt['turn']}")
            text = next(scripted, None) if scripted is not None else _read_answer()
            if text is None:
                _out.print(
                    f"[yellow]No more answers in the answers file.[/] Session {step.session_id} is saved; "
                    f"continue with `interviewer resume {step.session_id}`."
                )
                raise typer.Exit(EXIT_OUT_OF_ANSWERS)
            if scripted is not None:
                _out.print(f"[dim]> {escape(text)}[/]")
            try:
                spoken_fields: dict[str, Any] = {}
                if spoken is not None and (path := audio_path(text)) is not None:
                    # "@answer.wav": transcribed, shown with its flags and confirmed before grading.
                    track = Track(service.store.get_session(step.session_id).track)
                    heard = spoken.take(path, track, prompt["question_id"], interactive=scripted is None)
                    text = heard.text
                    spoken_fields = {
                        "audio_ref": heard.audio_ref,
                        "transcript_raw": heard.raw,
                        "delivery": heard.delivery,
                    }
                with _out.status(f"Grading with {service.judge.provider}..."):
                    step = service.answer(step.session_id, text, **spoken_fields)
            except StorageError:
                # Typing on cannot help while the disk is full or read-only: stop, keep the answer.
                _explain_unsaved(service, step.session_id, prompt, text)
                raise
            except InterviewerError as exc:
                if scripted is not None:
                    raise
                _out.print(f"[red]{exc}[/]")
                continue
            if step.last_grade is not None:
                _print_grade(step.last_grade, _statements(service, step.last_grade.question_id))
    except KeyboardInterrupt:
        _out.print(
            f"\n[yellow]Interview paused.[/] Every submitted answer is saved. "
            f"Continue with `interviewer resume {step.session_id}`."
        )
        raise typer.Exit(130) from None
    _print_summary(service, step)


def _explain_unstarted(service: InterviewService, session_id: str) -> None:
    """After a storage fault in `practice`: whether a session row was left to resume."""
    try:
        service.store.get_session(session_id)
    except (SessionNotFound, StorageError):
        return  # nothing was created: `practice` again starts afresh
    _out.print(f"Session {session_id} was created; continue it with `interviewer resume {session_id}` once fixed.")


def _explain_unsaved(service: InterviewService, session_id: str, prompt: PendingPrompt, text: str) -> None:
    """After a storage fault on an answer: say whether it was saved, and show it back if not."""
    try:
        turn = service.store.turn(session_id, prompt["turn"])
        saved = turn is not None and turn.answer_text is not None
    except StorageError:
        saved = False
    resume = f"`interviewer resume {session_id}`"
    if saved:
        _out.print(f"[yellow]Your answer was saved.[/] Once the problem is fixed, {resume} grades it and goes on.")
        return
    _out.print(
        f"[yellow]Your answer was NOT saved.[/] Once the problem is fixed, {resume} asks this question again; "
        "your answer was:"
    )
    _out.print(text, markup=False)


def _print_prompt(prompt: PendingPrompt) -> None:
    if prompt["kind"] == "main":
        title = f"Question {prompt['number']} of {prompt['total']}"
    else:
        title = f"Follow-up · question {prompt['number']} of {prompt['total']}"
    # Name the gap briefly; its full statement would hand the candidate the answer.
    subtitle = f"probing: {gap_label(prompt)}" if prompt["kind"] != "main" else None
    _out.print(Panel(prompt["prompt"], title=title, title_align="left", subtitle=subtitle, subtitle_align="left"))


def gap_label(prompt: PendingPrompt) -> str:
    """A short, answer-free name for the gap a follow-up probes."""
    if prompt["gap_kind"] == "misconception":
        return "a claim in your answer"
    return (prompt["gap_id"] or "").replace("-", " ")


def _read_answer() -> str:
    _out.print("[dim]Your answer (finish with an empty line; Ctrl-C pauses the interview):[/]")
    lines: list[str] = []
    while True:
        try:
            line = input()
        except EOFError:
            if any(part.strip() for part in lines):
                break
            # Input has ended for good (Ctrl-D, a closed pipe): asking again would loop forever.
            raise KeyboardInterrupt from None
        if not line.strip() and lines:
            break
        lines.append(line)
    return "\n".join(lines)


def _print_grade(grade: Grade, statements: dict[str, str] | None = None) -> None:
    marks = {
        Coverage.COVERED: "[green]✔ covered[/]",
        Coverage.PARTIAL: "[yellow]◐ partial[/]",
        Coverage.MISSED: "[red]✘ missed[/]",
    }
    lines = [f"Score [bold]{grade.overall}[/]/100 · confidence {grade.confidence:.0%} · judge {grade.judge.provider}"]
    if grade.judge.fallback_from:
        lines[0] += f" (fallback: {grade.judge.fallback_from} failed)"
    for kp in grade.key_points:
        quote = f" — you said “{kp.evidence[0]}”" if kp.evidence else ""
        about = (statements or {}).get(kp.key_point_id, kp.key_point_id)
        lines.append(f"  {marks[kp.status]} {_shorten(about)}{quote}")
    for m in grade.misconceptions:
        lines.append(f"  [red]⚠ misconception[/] “{m.evidence}” → {m.correction}")
    if "injection-attempt" in grade.flags:
        lines.append("  [red]⚠ the answer contained instructions to the grader; they were ignored[/]")
    _out.print("\n".join(lines) + "\n")


def _shorten(text: str, limit: int = 90) -> str:
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


def _statements(service: InterviewService, question_id: str) -> dict[str, str]:
    rubric = service.bank.rubric_for(service.bank.question(question_id))
    return {k.id: k.statement for k in rubric.key_points}


def _print_summary(service: InterviewService, step: Step) -> None:
    summary = step.summary or {}
    _out.print(
        Panel(
            f"Overall [bold]{summary.get('overall')}[/]/100 over {summary.get('questions')} questions · "
            f"ended at level {summary.get('final_level')}",
            title=f"Interview complete · session {step.session_id}",
            title_align="left",
        )
    )
    _out.print(f"Review it with `interviewer show {step.session_id}`.")


def _scripted_answers(source: str) -> Iterator[str]:
    text = sys.stdin.read() if source == "-" else _read_file(Path(source))
    chunks: list[list[str]] = [[]]
    for line in text.splitlines():
        if line.strip() == ANSWER_SEPARATOR:
            chunks.append([])
        else:
            chunks[-1].append(line)
    return iter([a for a in ("\n".join(c).strip() for c in chunks) if a])


def _read_file(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InterviewerError(f"cannot read answers file {path}: {exc}") from None


def _judge_label(service: InterviewService) -> str:
    model = getattr(service.judge, "model", "")
    return f"{service.judge.provider}" + (f" ({model})" if model else "")
