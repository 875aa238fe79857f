"""Rules the shipped graded answer set keeps, so that its figures mean something.

Answers are written as candidates speak, not lifted from the rubric: an answer that copies the
rubric's own sentences would flatter any judge that compares texts.
"""

from __future__ import annotations

import re
from collections import defaultdict

from interviewer.bank import Bank
from interviewer.evaluation.data import AnswerKind, GradedAnswer

#: A run of this many words shared with the rubric counts as copied.
COPIED_RUN = 8
_WORD = re.compile(r"[a-z0-9]+")


def _runs(text: str, n: int = COPIED_RUN) -> set[tuple[str, ...]]:
    words = _WORD.findall(text.lower())
    return {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}


def rubric_text(bank: Bank, question_id: str) -> str:
    """Every sentence of a question's rubric that a judge compares answers with."""
    rubric = bank.rubric_for(bank.question(question_id))
    parts = [kp.statement for kp in rubric.key_points] + list(rubric.model_answer)
    parts += [m.claim for m in rubric.misconceptions] + [m.correction for m in rubric.misconceptions]
    return "\n".join(parts + [rubric.weak_answer or ""])


def problems(records: list[GradedAnswer], bank: Bank) -> list[str]:
    """Each broken rule as one line naming the answer."""
    found: list[str] = []
    by_question: dict[str, list[GradedAnswer]] = defaultdict(list)
    for r in records:
        if not r.question_id or r.question_id not in bank.questions:
            found.append(f"{r.id}: question_id {r.question_id!r} is not in the bank")
            continue
        by_question[r.question_id].append(r)
        if r.kind is None or not r.reason:
            found.append(f"{r.id}: needs a kind and a one-line reason")
        if r.kind is not AnswerKind.OFF_TOPIC and len(r.answer.split()) < 15:
            found.append(f"{r.id}: only {len(r.answer.split())} words")
        copied = _runs(r.answer) & _runs(rubric_text(bank, r.question_id))
        if copied:
            found.append(f"{r.id}: copies the rubric: '{' '.join(sorted(copied)[0])}'")
    for question_id, answers in by_question.items():
        missing = set(AnswerKind) - {a.kind for a in answers}
        if missing:
            found.append(f"{question_id}: no {', '.join(sorted(missing))} answer")
    return found
