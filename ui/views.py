"""The text and HTML the interview screen shows, built from the database and the pending prompt.

The conversation is rebuilt from stored turns on every step rather than kept in the browser,
so a resumed session shows exactly what was asked and answered.
"""

from __future__ import annotations

import html
import time
from datetime import UTC, datetime
from typing import Any

from interviewer.cli.practice_commands import gap_label
from interviewer.graph import PendingPrompt
from interviewer.judge.grade import Coverage, Grade
from interviewer.service import SKIPPED_ANSWER, InterviewService

Message = dict[str, Any]


def started_epoch(created_at: datetime) -> float:
    """A stored timestamp as Unix time (SQLite returns them without their UTC zone)."""
    return (created_at if created_at.tzinfo else created_at.replace(tzinfo=UTC)).timestamp()


def progress_html(prompt: PendingPrompt | None, started_at: float, budget_s: int | None) -> str:
    """'Question k of n', a bar, and a clock the page's script keeps ticking."""
    if prompt is None:
        return ""
    number, total = prompt["number"], prompt["total"]
    done = number - 1
    kind = "Follow-up" if prompt["kind"] != "main" else "Question"
    budget = f' data-budget="{budget_s}"' if budget_s else ""
    width = round(100 * done / max(total, 1))
    return (
        # data-turn: which turn is on screen, so scripts and tests can tell when it changes.
        f'<div class="iv-progress" data-turn="{prompt["turn"]}">'
        f'<div class="iv-progress-text"><b>Question {number} of {total}</b>'
        f'<span class="iv-kind iv-kind-{prompt["kind"]}">{kind}</span>'
        f'<span class="iv-clock" data-start="{int(started_at * 1000)}"{budget}>{clock_text(started_at, budget_s)}</span>'
        "</div>"
        f'<div class="iv-bar"><div class="iv-bar-fill" style="width:{width}%"></div></div>'
        "</div>"
    )


def clock_text(started_at: float, budget_s: int | None, now: float | None = None) -> str:
    """What the clock shows (the page's script then keeps it ticking in the same words)."""
    elapsed = max(0, int((now if now is not None else time.time()) - started_at))

    def fmt(seconds: int) -> str:
        hours, rest = divmod(seconds, 3600)
        return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60}:{rest % 60:02d}"

    return f"{fmt(elapsed)} of {fmt(budget_s)}" if budget_s else f"{fmt(elapsed)} elapsed"


def question_markdown(prompt: PendingPrompt | None) -> str:
    """The current question, with what a follow-up probes named without giving it away."""
    if prompt is None:
        return ""
    if prompt["kind"] == "main":
        head = f"### Question {prompt['number']}"
    else:
        head = f"### Follow-up · probing: {gap_label(prompt)}"
    return f"{head}\n\n{prompt['prompt']}"


def conversation(service: InterviewService, session_id: str) -> list[Message]:
    """Every question asked so far and each answer, with a one-line note of how it was graded."""
    store = service.store
    grades = store.grades(session_id)
    messages: list[Message] = []
    number = 0
    for turn in store.turns(session_id):
        if turn.kind == "main":
            number += 1
            title = f"**Question {number}**"
        else:
            title = "**Follow-up**"
        messages.append({"role": "assistant", "content": f"{title}\n\n{turn.prompt}"})
        if turn.answer_text is None:
            continue
        text = "_(skipped)_" if turn.answer_text == SKIPPED_ANSWER else turn.answer_text
        messages.append({"role": "user", "content": text + ("\n\n_(spoken)_" if turn.audio_ref else "")})
        if turn.index in grades:
            messages.append(grade_note(grades[turn.index], service))
    return messages


def grade_note(grade: Grade, service: InterviewService) -> Message:
    """A collapsed note under an answer: the score, and the key points already covered.

    Missed points are only counted, never named: a follow-up may be about to probe one, and
    naming it would hand the candidate the answer.
    """
    covered = [k for k in grade.key_points if k.status is Coverage.COVERED]
    statements = _statements(service, grade.question_id)
    lines = [f"Covered {len(covered)} of {len(grade.key_points)} key points."]
    lines += [f"- ✔ {_first_sentence(statements.get(k.key_point_id, k.key_point_id))}" for k in covered]
    if grade.misconceptions:
        lines.append(f"- ⚠ {len(grade.misconceptions)} claim(s) to revisit (see the report)")
    if "injection-attempt" in grade.flags:
        lines.append("- ⚠ instructions to the grader in the answer were ignored")
    return {
        "role": "assistant",
        "content": "\n".join(lines),
        "metadata": {"title": f"Scored {grade.overall}/100 · judge {grade.judge.provider}", "status": "done"},
    }


def finished_markdown(summary: dict[str, Any] | None, session_id: str) -> str:
    """The line shown when the interview is over."""
    summary = summary or {}
    overall = summary.get("overall")
    score = (
        f"**{overall}/100** over {summary.get('questions', 0)} question(s)"
        if overall is not None
        else "no graded answers"
    )
    early = " (ended early)" if summary.get("ended_early") else ""
    return (
        f"### Interview complete{early}\n\nOverall {score}. Session `{session_id}`: the full report, "
        "with PDF, Markdown and JSON downloads, is in the **Report** tab."
    )


def setup_intro(judge_label: str, voice_label: str | None) -> str:
    """The setup screen's explanation, naming the judge and the speech engine."""
    speech = (
        f"Spoken answers are transcribed by **{html.escape(voice_label)}**."
        if voice_label
        else ("Spoken answers are not available on this server; answers are typed.")
    )
    return (
        "Pick a track, a level and a length. The interviewer asks one question at a time and "
        "follows up on what your answer missed. "
        f"Answers are graded by **{html.escape(judge_label)}**. {speech}"
    )


def _statements(service: InterviewService, question_id: str) -> dict[str, str]:
    try:
        rubric = service.bank.rubric_for(service.bank.question(question_id))
    except Exception:  # a question no longer in the bank: fall back to ids
        return {}
    return {k.id: k.statement for k in rubric.key_points}


def _first_sentence(text: str, limit: int = 110) -> str:
    first = text.split(". ")[0].rstrip(".")
    return first if len(first) <= limit else first[: limit - 1].rsplit(" ", 1)[0] + "…"
