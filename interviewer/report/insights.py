"""The judgements a report makes from the graded questions: readiness, next actions, topic scores.

Each rule is small, deterministic and written down (docs/reports.md), because a candidate should
be able to see why the report says what it says.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
from statistics import mean

from interviewer.bank.models import Level
from interviewer.delivery import DeliveryMetrics
from interviewer.judge.grade import Coverage
from interviewer.report.record import (
    DeliveryRow,
    DeliverySummary,
    JudgeStatement,
    NextAction,
    QuestionReport,
    Readiness,
    TopicScore,
    TurnReport,
    Verdict,
)

#: Readiness thresholds on the mean score of the questions at or above the chosen level.
READY_SCORE = 70
BORDERLINE_SCORE = 50
#: A question scored under this is a clear gap (the interviewer lowers the level below it too).
WEAK_SCORE = 40
#: Fewer graded questions at the chosen level than this cannot show readiness (they can show a gap).
MIN_QUESTIONS_AT_LEVEL = 3
NEXT_ACTIONS = 3
#: Models below this many parameters grade loosely; their scores are flagged as rough estimates.
SMALL_MODEL_PARAMS = 7e9

READINESS_RULE = (
    f"Readiness uses the graded questions at or above the chosen level. Ready: at least "
    f"{MIN_QUESTIONS_AT_LEVEL} such questions, a mean score of {READY_SCORE} or more, none under {WEAK_SCORE}, and "
    f"no critical misconception. Borderline: a mean of {BORDERLINE_SCORE}-{READY_SCORE - 1}, or {READY_SCORE}+ with a "
    f"question under {WEAK_SCORE} or a critical misconception. Not yet: a mean under {BORDERLINE_SCORE}, or an overall score under {BORDERLINE_SCORE}. "
    f"Too early: fewer than {MIN_QUESTIONS_AT_LEVEL} questions at the level and no clear gap."
)

_SEVERITY_RANK = {"critical": 3.0, "major": 2.0, "minor": 1.0}
_PARAMS = re.compile(r"(?<![a-z0-9.])(\d+(?:\.\d+)?)\s*([mb])(?![a-z])", re.IGNORECASE)


def readiness(level: str, questions: list[QuestionReport], overall: int | None) -> Readiness:
    """The verdict for the chosen level; see READINESS_RULE."""
    rank = _rank(level)
    graded = [q for q in questions if q.graded and q.score is not None]
    at_level = [q for q in graded if _rank(q.level) >= rank]
    scores = [q.score for q in at_level if q.score is not None]
    at_mean = round(mean(scores)) if scores else None
    critical = [m for q in at_level for m in q.misconceptions if m.severity == "critical"]
    weak = [s for s in scores if s < WEAK_SCORE]
    count = len(at_level)
    label = f"{level}-level"
    numbers = (
        f"{count} graded question(s) at or above {level} level, mean score {at_mean}"
        if at_mean is not None
        else f"no graded question at or above {level} level"
    )
    if overall is not None:
        numbers += f"; overall {overall}/100 over {len(graded)} question(s)"
    verdict: Verdict
    if (at_mean is not None and at_mean < BORDERLINE_SCORE) or (overall is not None and overall < BORDERLINE_SCORE):
        verdict, headline = "not-yet", f"Not yet ready for {label} interviews on this track"
    elif count < MIN_QUESTIONS_AT_LEVEL or at_mean is None:
        verdict, headline = "too-early", f"Too early to call for {label} interviews"
        numbers += f"; at least {MIN_QUESTIONS_AT_LEVEL} questions at this level are needed"
    elif at_mean >= READY_SCORE and not critical and not weak:
        verdict, headline = "ready", f"Ready for {label} interviews on this track"
    else:
        verdict, headline = "borderline", f"Borderline for {label} interviews"
        if at_mean >= READY_SCORE:
            held = []
            if weak:
                held.append(f"{len(weak)} question(s) under {WEAK_SCORE}")
            if critical:
                held.append("a critical misconception")
            numbers += f"; held back by {' and '.join(held)}"
    return Readiness(
        level=level,
        verdict=verdict,
        headline=headline,
        reason=numbers[0].upper() + numbers[1:] + ".",
        rule=READINESS_RULE,
        score_at_level=at_mean,
        questions_at_level=count,
    )


def _rank(level: str) -> int:
    try:
        return Level(level).rank
    except ValueError:
        return 0


def next_actions(questions: list[QuestionReport], limit: int = NEXT_ACTIONS) -> list[NextAction]:
    """The most useful things to study: stated misconceptions first, then the heaviest missed points.

    A wrong belief is worth correcting before anything is added to it. Key points rank by their
    rubric weight (half for a partial answer); criteria scored 2 of 4 or lower fill any place left.
    Different topics are preferred, so that three actions are not three views of one gap.
    """
    candidates: list[NextAction] = []
    for q in questions:
        if not q.graded:
            continue
        for m in q.misconceptions:
            candidates.append(
                NextAction(
                    kind="misconception",
                    title=f"Correct a misconception ({q.topic})",
                    detail=f"You said: “{_clip(m.evidence).rstrip('.')}”. In fact: {m.correction}",
                    topic=q.topic,
                    question_id=q.question_id,
                    item_id=m.misconception_id,
                    priority=10.0 + _SEVERITY_RANK.get(m.severity, 1.0),
                )
            )
        for kp in q.key_points:
            if kp.status is Coverage.COVERED:
                continue
            share = 1.0 if kp.status is Coverage.MISSED else 0.5
            verb = "Learn" if kp.status is Coverage.MISSED else "Go deeper on"
            candidates.append(
                NextAction(
                    kind="key-point",
                    title=f"{verb} {q.topic}",
                    detail=kp.statement,
                    topic=q.topic,
                    question_id=q.question_id,
                    item_id=kp.key_point_id,
                    priority=round(kp.weight * share, 3),
                )
            )
        for c in q.criteria:
            # Low criterion levels come after every content gap: they matter when little is missed.
            if c.level <= 2:
                candidates.append(
                    NextAction(
                        kind="criterion",
                        title=f"Improve {c.name.lower()} ({q.topic})",
                        detail=f"Level {c.level} of 4: {c.justification}",
                        topic=q.topic,
                        question_id=q.question_id,
                        item_id=c.criterion_id,
                        priority=round(0.1 * (3 - c.level), 3),
                    )
                )
    # Stable sort: ties keep interview order. Content gaps on distinct topics first, then any
    # content gap, and only then criteria, so a style note never displaces a missing fact.
    ranked = sorted(candidates, key=lambda a: -a.priority)
    content = [a for a in ranked if a.kind != "criterion"]
    style = [a for a in ranked if a.kind == "criterion"]
    chosen: list[NextAction] = []
    for pool, distinct in ((content, True), (content, False), (style, True), (style, False)):
        for action in pool:
            if len(chosen) == limit:
                return chosen
            if action in chosen or (distinct and any(c.topic == action.topic for c in chosen)):
                continue
            chosen.append(action)
    return chosen


def no_actions_note(questions_graded: int) -> str:
    """What the next-actions list says when it is empty."""
    if not questions_graded:
        return "No answer has been graded yet."
    return "Nothing stood out: every key point was covered and every criterion scored 3 or more."


def fresh_improvements(question: QuestionReport) -> list[str]:
    """The judge's suggestions that do not repeat a gap the report already lists.

    Judges often phrase each missed key point and misconception as an improvement too; the report
    shows those in their own lists, so only the other suggestions are worth a line.
    """
    listed = [kp.statement for kp in question.key_points if kp.status is not Coverage.COVERED]
    listed += [m.correction for m in question.misconceptions]
    return [i for i in question.improvements if not any(text in i for text in listed)]


def probing_note(turn: TurnReport, labels: dict[str, str], escape: Callable[[str], str] = str) -> str:
    """Why a follow-up was asked, e.g. " · probing key point K3, missing from the answer so far".

    ``labels`` maps key point ids to their labels in the report; ``escape`` makes the gap's own
    words safe for the output format.
    """
    if turn.gap_kind == "key_point" and turn.gap_id in labels:
        return f" · probing key point {labels[turn.gap_id]}, missing from the answer so far"
    if turn.gap_about:
        return f" · probing: {escape(turn.gap_about)}"
    return ""


def _clip(text: str, limit: int = 160) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def topic_scores(questions: list[QuestionReport]) -> list[TopicScore]:
    """Mean score per bank topic, in the order the topics were first asked."""
    by_topic: dict[str, list[int]] = defaultdict(list)
    for q in questions:
        if q.graded and q.score is not None:
            by_topic[q.topic].append(q.score)
    return [TopicScore(topic=t, score=round(mean(s)), questions=len(s)) for t, s in by_topic.items()]


def model_params(model: str) -> float | None:
    """Parameters a model name announces ("SmolLM2-135M" -> 1.35e8, "qwen2.5-7b" -> 7e9), if any."""
    name = model.replace("\\", "/").rsplit("/", 1)[-1]
    found = _PARAMS.findall(name)
    if not found:
        return None
    number, unit = found[-1]
    return float(number) * (1e6 if unit.lower() == "m" else 1e9)


def judge_statement(provider: str, model: str, fallbacks: int) -> JudgeStatement:
    """Who graded, in words a candidate understands, and whether the scores are rough estimates."""
    params = model_params(model)
    small = params is not None and params < SMALL_MODEL_PARAMS
    who = f"{provider} ({model})" if model else provider
    if provider == "rubric":
        estimate = True
        statement = (
            "Graded by the offline rubric judge: sentence embeddings and term matching against the written "
            "rubric, with no language model. The scores are automated estimates: use them to find gaps, "
            "not as a verdict."
        )
    elif small:
        estimate = True
        statement = (
            f"Graded by {who}, a small language model. The scores are automated estimates and can be "
            "wrong; every quote shown was checked against the answer."
        )
    else:
        estimate = False
        statement = (
            f"Graded by {who}, a language model, against the written rubric. This is an automated "
            "assessment, not a human interviewer's; every quote shown was checked against the answer."
        )
    if fallbacks:
        estimate = True
        statement += (
            f" {fallbacks} question(s) were graded by the offline rubric judge because {provider} failed;"
            " those scores are automated estimates."
        )
    return JudgeStatement(
        provider=provider, model=model, automated_estimate=estimate, statement=statement, fallbacks=fallbacks
    )


FLAG_NOTES = {
    "injection-attempt": "The answer contained instructions addressed to the grader; they were ignored.",
    "evidence-dropped": "Some quotes the judge gave were not found in the answer and were dropped.",
    "fallback": "Graded by the offline rubric judge because the configured judge failed.",
    "keyword-list": "The answer reads as a list of terms: explain how each idea works and why it matters.",
    "empty-answer": "The answer had no sentences to grade.",
    "keyword-stuffing": "Part of the answer was a bare list of rubric terms; lists earn no credit, explanations do.",
    "judge-output-incomplete": "The judge left parts of the grade out; they were filled in conservatively.",
}


def flag_notes(flags: list[str]) -> list[str]:
    return [FLAG_NOTES.get(f, f"Flag: {f}") for f in flags]


def delivery_summary(rows: list[DeliveryRow]) -> DeliverySummary | None:
    """Totals over the spoken answers; None when no answer has measured delivery (a text session)."""
    if not rows:
        return None
    metrics: list[DeliveryMetrics] = [r.metrics for r in rows]
    words = sum(m.words for m in metrics)
    talk = sum(m.talk_time_s for m in metrics)
    fillers = sum(m.fillers for m in metrics)
    counts: dict[str, int] = defaultdict(int)
    for m in metrics:
        for word, n in m.filler_counts.items():
            counts[word] += n
    return DeliverySummary(
        answers=len(rows),
        words=words,
        talk_time_s=round(talk, 1),
        words_per_minute=round(words / talk * 60, 1) if talk > 0 else 0.0,
        fillers=fillers,
        fillers_per_100_words=round(fillers / words * 100, 1) if words else 0.0,
        filler_counts=dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))),
        long_pauses=sum(m.long_pauses for m in metrics),
        longest_pause_s=round(max(m.longest_pause_s for m in metrics), 1),
        mean_time_to_first_word_s=round(mean(m.time_to_first_word_s for m in metrics), 1),
        rows=rows,
    )
