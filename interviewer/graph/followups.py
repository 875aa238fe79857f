"""Choosing the follow-up: the most important gap the answer left, and how to probe it."""

from __future__ import annotations

from dataclasses import dataclass

from interviewer.bank import Question, Rubric, Severity
from interviewer.judge.grade import Coverage, Grade

_SEVERITY_RANK = {Severity.CRITICAL: 0, Severity.MAJOR: 1, Severity.MINOR: 2}


@dataclass(frozen=True)
class Gap:
    """A rubric gap a follow-up probes: a missed key point or a misconception the candidate stated."""

    kind: str  # "key_point" | "misconception"
    id: str
    prompt: str
    #: What the gap is about, in the rubric's words, shown in reports ("probing: ...").
    about: str


def choose_gap(question: Question, rubric: Rubric, grade: Grade, probed: set[str]) -> Gap | None:
    """The gap worth a follow-up, or None when the answer left none (or all were probed already).

    A stated misconception comes first (the worse, the sooner), then missed key points by
    weight, then partly covered ones with weight >= 2. Only key points the bank has a
    follow-up for are probed, so the question never gives the answer away.
    """
    for found in sorted(grade.misconceptions, key=lambda m: _severity_rank(rubric, m.misconception_id)):
        if found.misconception_id in probed:
            continue
        misconception = next((m for m in rubric.misconceptions if m.id == found.misconception_id), None)
        if misconception is None or misconception.severity is Severity.MINOR:
            continue
        prompt = (
            f"Let me come back to something you said: “{found.evidence}”. "
            "How sure are you of that? Walk me through why it holds, or where it might not."
        )
        return Gap("misconception", misconception.id, prompt, misconception.claim)

    prompts = {f.key_point: f.prompt for f in question.follow_ups}
    status = {r.key_point_id: r.status for r in grade.key_points}
    ranked = sorted(rubric.key_points, key=lambda k: (-k.weight, rubric.key_points.index(k)))
    for wanted, min_weight in ((Coverage.MISSED, 0.0), (Coverage.PARTIAL, 2.0)):
        for key_point in ranked:
            if key_point.id in probed or key_point.id not in prompts or key_point.weight < min_weight:
                continue
            if status.get(key_point.id, Coverage.MISSED) is wanted:
                return Gap("key_point", key_point.id, prompts[key_point.id], key_point.statement)
    return None


def _severity_rank(rubric: Rubric, misconception_id: str) -> int:
    found = next((m for m in rubric.misconceptions if m.id == misconception_id), None)
    return _SEVERITY_RANK[found.severity] if found else len(_SEVERITY_RANK)
