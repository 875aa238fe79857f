"""Grading every record of an evaluation set with one judge, K times each."""

from __future__ import annotations

import statistics
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import zip_longest

from interviewer.bank import Bank
from interviewer.errors import InterviewerError, JudgeError
from interviewer.evaluation.data import GradedAnswer
from interviewer.evaluation.reference_rubric import rubric_from_reference
from interviewer.judge.base import Exchange, GradingRequest, Judge


@dataclass
class Outcome:
    """What a judge gave one record: a 0-100 score per successful sample, and its failures."""

    record: GradedAnswer
    overall: list[int] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    flags: set[str] = field(default_factory=set)

    @property
    def graded(self) -> bool:
        return bool(self.overall)

    @property
    def mean_overall(self) -> float:
        return statistics.fmean(self.overall)

    @property
    def predicted(self) -> float:
        """The mean judge score on the record's human scale."""
        return self.record.scaled(self.mean_overall)

    @property
    def spread(self) -> float:
        """Max minus min over the samples, on the human scale (0 for one sample)."""
        scaled = [self.record.scaled(o) for o in self.overall]
        return max(scaled) - min(scaled)


def request_for(record: GradedAnswer, bank: Bank) -> GradingRequest:
    """A bank question and its rubric; a named rubric for a question given by text; else a rubric
    derived from the reference answer."""
    if record.question_id:
        question = bank.question(record.question_id)
        rubric = bank.rubrics.get(record.rubric or question.rubric)
        if rubric is None:
            raise InterviewerError(f"{record.id}: unknown rubric '{record.rubric}'")
        if record.question:  # the data's own wording wins: it is what the candidate answered
            question = question.model_copy(update={"prompt": record.question})
    elif record.rubric:
        if record.rubric not in bank.rubrics:
            raise InterviewerError(f"{record.id}: unknown rubric '{record.rubric}'")
        question, _, _ = rubric_from_reference(record.question or "", record.reference or record.rubric, bank)
        rubric = bank.rubrics[record.rubric]
        question = question.model_copy(update={"rubric": rubric.id})
    else:
        question, rubric, criteria = rubric_from_reference(record.question or "", record.reference or "", bank)
        return GradingRequest(question, rubric, criteria, [Exchange(question.prompt, record.answer)])
    return GradingRequest(question, rubric, bank.criteria_for(rubric), [Exchange(question.prompt, record.answer)])


def evaluate(
    records: list[GradedAnswer],
    judge: Judge,
    bank: Bank,
    samples: int = 1,
    progress: Callable[[int, int], None] | None = None,
) -> list[Outcome]:
    """Grade each record ``samples`` times. A failed grade is kept as an error, not hidden."""
    requests = [request_for(r, bank) for r in records]  # bad ids fail before any slow grading
    outcomes = [Outcome(r) for r in records]
    total, done = len(records) * samples, 0
    # A sampling judge gets a different seed per sample, so K samples are K draws, not one repeated.
    base_seed: int | None = getattr(judge, "seed", None)
    for sample in range(samples):
        if base_seed is not None:
            judge.seed = base_seed + sample  # type: ignore[attr-defined]
        for outcome, request in zip(outcomes, requests, strict=True):
            try:
                grade = judge.grade(request)
            except JudgeError as exc:
                outcome.errors.append(str(exc))
            else:
                outcome.overall.append(grade.overall)
                outcome.flags.update(grade.flags)
            done += 1
            if progress:
                progress(done, total)
    if base_seed is not None:
        judge.seed = base_seed  # type: ignore[attr-defined]
    return outcomes


def slice_questions(records: list[GradedAnswer], bank: Bank, count: int) -> list[str]:
    """``count`` questions taken in turn from each track, so a quick slice still covers them all."""
    by_track: dict[str, list[str]] = {}
    for group in dict.fromkeys(r.group for r in records):
        question = bank.questions.get(group)
        by_track.setdefault(question.tracks[0].value if question else "", []).append(group)
    interleaved = [g for round_ in zip_longest(*by_track.values()) for g in round_ if g is not None]
    return interleaved[:count]
