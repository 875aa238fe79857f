"""Grading stored answers again: after a fallback, or with a better judge.

Answers are never touched; only grades are replaced, and the session's scores recomputed from them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from statistics import mean

from interviewer.bank import Bank
from interviewer.judge.base import Exchange, GradingRequest, Judge
from interviewer.storage import SessionStore, Turn


@dataclass(frozen=True)
class Regraded:
    turn_index: int
    question_id: str
    before: int
    after: int | None  # None: the judge failed again, the old grade was kept
    judge: str


def grading_request(bank: Bank, turns: list[Turn], turn_index: int) -> GradingRequest:
    """The request that graded ``turn_index``: its question's answers up to and including that turn."""
    target = next(t for t in turns if t.index == turn_index)
    question = bank.question(target.question_id)
    rubric = bank.rubric_for(question)
    exchanges = [
        Exchange(t.prompt, t.answer_text or "")
        for t in turns
        if t.question_id == target.question_id and t.index <= turn_index and t.answer_text is not None
    ]
    return GradingRequest(question=question, rubric=rubric, criteria=bank.criteria_for(rubric), exchanges=exchanges)


def regrade_session(
    store: SessionStore, bank: Bank, judge: Judge, session_id: str, everything: bool = False
) -> list[Regraded]:
    """Re-grade a session's fallback grades (or all of them with ``everything``) with ``judge``."""
    record = store.get_session(session_id)
    turns = store.turns(record.id)
    results: list[Regraded] = []
    for turn_index, old in sorted(store.grades(record.id).items()):
        if not everything and old.judge.fallback_from is None:
            continue
        new = judge.grade(grading_request(bank, turns, turn_index))
        if new.judge.fallback_from is not None:
            results.append(Regraded(turn_index, old.question_id, old.overall, None, new.judge.fallback_from))
            continue
        store.replace_grade(record.id, turn_index, new)
        results.append(Regraded(turn_index, old.question_id, old.overall, new.overall, new.judge.provider))
    if results and record.summary_json:
        _refresh_summary(store, record.id, record.summary_json)
    return results


def _refresh_summary(store: SessionStore, session_id: str, summary_json: str) -> None:
    summary = json.loads(summary_json)
    grades = store.grades(session_id)
    for result in summary.get("results", []):
        last = max(result["turns"])
        if last in grades:
            result["overall"] = grades[last].overall
    scores = [r["overall"] for r in summary.get("results", [])]
    summary["overall"] = round(mean(scores)) if scores else None
    store.update_session(session_id, overall=summary["overall"], summary_json=json.dumps(summary))
