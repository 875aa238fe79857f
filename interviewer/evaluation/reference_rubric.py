"""A rubric derived from a reference answer, for grading data that has no rubric.

Generic short-answer grading sets give a question, a reference answer and scores. Each sentence of
the reference becomes a key point, its rarest content words the terms that signal it; the criteria
are the bank's shared correctness criterion alone, since such questions ask for facts, not designs.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter

from interviewer.bank import Bank
from interviewer.bank.models import Criterion, FollowUp, KeyPoint, Kind, Level, Question, Rubric, Source, Track
from interviewer.evaluation.data import EvalDataError
from interviewer.judge.sentences import FUNCTION_WORDS, split_sentences

_WORD = re.compile(r"[A-Za-z][A-Za-z0-9-]*")
# Words that say nothing about a point: the judge's function words and a few generic verbs and nouns.
_COMMON = FUNCTION_WORDS | frozenset(
    "into over under between about only one two used uses use using same different way ways make makes "  # noqa: SIM905
    "called thing things example".split()
)
CRITERION_ID = "correctness"
#: Used when a user's bank has no shared correctness criterion.
_FALLBACK_CRITERION = Criterion(
    id=CRITERION_ID,
    name="Correctness",
    weight=1.0,
    levels={
        0: "Nothing of the reference answer.",
        1: "A fragment of it, or mostly wrong.",
        2: "The main idea with gaps.",
        3: "Correct, with minor gaps.",
        4: "Everything the reference says, correctly.",
    },
)
TERMS_PER_POINT = 3


def _content_words(text: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(text) if w.lower() not in _COMMON and len(w) > 2]


def derive_key_points(reference: str) -> list[KeyPoint]:
    """One key point per reference sentence with 2+ content words (shorter ones join the next)."""
    sentences = [s.text for s in split_sentences(reference)]
    merged: list[str] = []
    carry = ""
    for s in sentences:
        text = f"{carry} {s}".strip()
        if len(set(_content_words(text))) >= 2:
            merged.append(text)
            carry = ""
        else:
            carry = text
    if carry:
        merged = [*merged[:-1], f"{merged[-1]} {carry}"] if merged else [carry]
    # Words found in many of the reference's sentences say little about any one of them.
    spread = Counter(w for s in merged for w in set(_content_words(s)))
    points = []
    for i, statement in enumerate(merged, start=1):
        words = list(dict.fromkeys(_content_words(statement)))
        terms = sorted(words, key=lambda w: (spread[w], -len(w)))[:TERMS_PER_POINT]
        while len(terms) < 2:  # a key point needs two terms; a one-word sentence repeats its word
            terms.append(terms[0] if terms else statement.split()[0])
        points.append(KeyPoint(id=f"point-{i}", statement=statement, weight=1.0, terms=terms))
    return points


def rubric_from_reference(question: str, reference: str, bank: Bank) -> tuple[Question, Rubric, list[Criterion]]:
    """A question, rubric and criteria to grade answers against ``reference`` like any bank question."""
    digest = hashlib.sha1(f"{question}\n{reference}".encode()).hexdigest()[:10]
    key_points = derive_key_points(reference)
    if not key_points:
        raise EvalDataError(f"the reference answer for '{question[:60]}' has no content words to grade against")
    # Constructed, not validated: the bank's authoring rules (3+ key points, misconceptions) do not
    # apply to a one- or two-sentence reference answer.
    rubric = Rubric.model_construct(
        id=f"reference-{digest}",
        title=question[:80],
        shared=False,
        extends=[],
        criteria=[],
        key_points=key_points,
        misconceptions=[],
        model_answer=[reference],
        weak_answer=None,
    )
    criteria = [c for r in bank.rubrics.values() if r.shared for c in r.criteria if c.id == CRITERION_ID][:1]
    criteria = criteria or [_FALLBACK_CRITERION]
    follow_ups = [FollowUp(key_point=kp.id, prompt="Can you say more?") for kp in (key_points * 2)[:2]]
    q = Question(
        id=f"reference-{digest}",
        tracks=[Track.CORE],
        topic="short-answer",
        competency="Short answer",
        level=Level.MID,
        kind=Kind.CONCEPT,
        prompt=question,
        rubric=rubric.id,
        follow_ups=follow_ups,
        time_budget_s=120,
        source=Source(file="evaluation data", section="reference answer"),
    )
    return q, rubric, criteria
