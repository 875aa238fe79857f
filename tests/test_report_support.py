"""Real interview sessions for the report tests and the report benchmark (no tests here).

Sessions are taken through the real InterviewService with the real offline RubricJudge. Answers
are built from the rubrics so that a report has every kind of content: complete answers, partial
ones with a stated misconception, weak ones that draw follow-ups, non-ASCII text (Cyrillic, CJK,
emoji, a formula) and, for a voice session, measured delivery.
"""

from __future__ import annotations

from pathlib import Path

from interviewer.bank import Bank, Level, Track
from interviewer.delivery import DeliveryMetrics
from interviewer.judge.base import Judge
from interviewer.service import InterviewService, open_checkpointer
from interviewer.storage import SessionStore, sqlite_url

#: A candidate name outside Latin-1, as a multi-user app could store it.
CANDIDATE = "Zoë Łukasiewicz-Núñez 王芳"
CYRILLIC = "Например, логистическая функция даёт вероятность."
FORMULA = "σ(x) = 1/(1+e^−x)"
CJK = "注意力机制很重要，アテンション，한국어도 됩니다"
EMOJI_IN_FONT = "😀"
EMOJI_OUT_OF_FONT = "🚀"
SCRIPT = "<script>alert('x')</script>"
NON_ASCII = f"{CYRILLIC} {FORMULA}. {CJK}. {EMOJI_IN_FONT} {EMOJI_OUT_OF_FONT}"
WEAK = "Honestly I have not worked with this much, so I would have to look it up."


def open_service(data_dir: Path, bank: Bank, judge: Judge, max_follow_ups: int = 1) -> InterviewService:
    """A service over the same files the CLI uses for ``INTERVIEWER_DATA_DIR=data_dir``."""
    data_dir.mkdir(parents=True, exist_ok=True)
    store = SessionStore(sqlite_url(data_dir / "interviewer.db"))
    return InterviewService(bank, judge, store, open_checkpointer(str(data_dir / "checkpoints.db")), max_follow_ups)


def answer_for(bank: Bank, prompt: dict) -> str:
    """Strong, partial (with a misconception) or weak by question number; follow-ups fill the gap."""
    rubric = bank.rubric_for(bank.question(prompt["question_id"]))
    statements = [k.statement for k in rubric.key_points]
    if prompt["kind"] != "main":
        probed = rubric.key_point(prompt["gap_id"] or "")
        return (probed.statement if probed else statements[0]) + f" {CYRILLIC}"
    number = prompt["number"]
    if number % 3 == 1:
        return " ".join(statements)
    if number % 3 == 2:
        half = " ".join(statements[: max(1, len(statements) // 2)])
        wrong = ""
        if rubric.misconceptions:
            # The signal phrase alone, then claim and signal together: the judge flags one of them.
            m = rubric.misconceptions[0]
            wrong = f" I think {m.signals[0]}. {m.claim.rstrip('.')}, so {m.signals[0]}."
        return f"{half}{wrong} {NON_ASCII}"
    return f"{WEAK} {SCRIPT} {NON_ASCII}"


def delivery_for(text: str, turn: int) -> DeliveryMetrics:
    """Plausible measured figures, varied by turn (the speech engine is tested elsewhere)."""
    words = max(1, len(text.split()))
    talk = round(words / (2.1 + 0.2 * (turn % 4)), 1)
    fillers = turn % 5
    return DeliveryMetrics(
        words=words,
        talk_time_s=talk,
        words_per_minute=round(words / talk * 60, 1),
        fillers=fillers,
        fillers_per_100_words=round(fillers / words * 100, 1),
        filler_counts={"um": fillers - fillers // 2, "you know": fillers // 2} if fillers else {},
        long_pauses=turn % 3,
        longest_pause_s=2.0 + 0.5 * (turn % 3),
        time_to_first_word_s=0.6 + 0.3 * (turn % 4),
        duration_s=talk + 2.0,
    )


def take_session(
    service: InterviewService,
    bank: Bank,
    track: Track = Track.LLM_APP,
    level: Level = Level.MID,
    questions: int = 4,
    voice: bool = False,
    candidate: str | None = CANDIDATE,
    stop_after: int | None = None,
) -> str:
    """Run a session to its end (or for ``stop_after`` answers); returns its id."""
    step = service.start(track, level, questions, mode="voice" if voice else "text", candidate=candidate)
    answered = 0
    while not step.finished and (stop_after is None or answered < stop_after):
        assert step.prompt is not None
        text = answer_for(bank, step.prompt)
        delivery = delivery_for(text, step.prompt["turn"]) if voice else None
        step = service.answer(step.session_id, text, delivery=delivery)
        answered += 1
    return step.session_id
