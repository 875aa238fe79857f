"""The figures of one evaluation run: agreement overall, per question, per answer kind, and over samples."""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict

from pydantic import BaseModel

from interviewer.evaluation.metrics import (
    mean_absolute_error,
    pairwise_order,
    pearson,
    quadratic_weighted_kappa,
    round_half_up,
    share,
    spearman,
)
from interviewer.evaluation.run import Outcome

#: A score spread of this many points (human scale) over K samples counts as inconsistent.
INCONSISTENT_SPREAD = 1.0


class QuestionFigures(BaseModel):
    question: str
    answers: int
    spearman: float | None
    pairwise: float | None
    mae: float | None


class KindFigures(BaseModel):
    kind: str
    answers: int
    mean_human: float
    mean_judge: float


class Consistency(BaseModel):
    samples: int
    mean_spread: float | None
    max_spread: float | None
    #: Share of answers whose scores over the samples differ by INCONSISTENT_SPREAD or more.
    inconsistent: float | None


class EvalSummary(BaseModel):
    judge: str
    data: str
    answers: int
    graded: int
    failed_samples: int
    #: The human scale when every record shares one; QWK and exact agreement need it.
    scale: tuple[float, float] | None
    pearson: float | None
    spearman: float | None
    qwk: float | None
    mae: float | None
    exact: float | None
    within_one: float | None
    #: Pooled over all same-question pairs that humans scored differently.
    pairwise: float | None
    pairs: int
    mean_question_spearman: float | None
    consistency: Consistency
    per_kind: list[KindFigures]
    per_question: list[QuestionFigures]
    flags: dict[str, int]


def summarise(outcomes: list[Outcome], judge: str, data: str, samples: int) -> EvalSummary:
    graded = [o for o in outcomes if o.graded]
    human = [o.record.score for o in graded]
    judged = [o.predicted for o in graded]
    scales = {(o.record.score_min, o.record.score_max) for o in graded}
    scale = next(iter(scales)) if len(scales) == 1 else None
    integer_scale = scale is not None and all(float(v).is_integer() for v in (*scale, *human))
    low, high = (int(scale[0]), int(scale[1])) if integer_scale and scale else (0, 0)
    rounded = [min(max(round_half_up(p), low), high) for p in judged] if integer_scale else []
    pooled_pairs = _pooled_pairs(graded)
    questions = _per_question(graded)
    spreads = [o.spread for o in graded] if samples > 1 else []
    return EvalSummary(
        judge=judge,
        data=data,
        answers=len(outcomes),
        graded=len(graded),
        failed_samples=sum(len(o.errors) for o in outcomes),
        scale=scale,
        pearson=pearson(judged, human),
        spearman=spearman(judged, human),
        qwk=quadratic_weighted_kappa(rounded, [int(h) for h in human], low, high) if integer_scale else None,
        mae=mean_absolute_error(judged, human) if scale else None,
        exact=share([r == h for r, h in zip(rounded, human, strict=True)]) if integer_scale else None,
        within_one=share([abs(r - h) <= 1 for r, h in zip(rounded, human, strict=True)]) if integer_scale else None,
        pairwise=pooled_pairs[0] if pooled_pairs else None,
        pairs=pooled_pairs[1] if pooled_pairs else 0,
        mean_question_spearman=_mean([q.spearman for q in questions]),
        consistency=Consistency(
            samples=samples,
            mean_spread=statistics.fmean(spreads) if spreads else None,
            max_spread=max(spreads) if spreads else None,
            inconsistent=share([s >= INCONSISTENT_SPREAD for s in spreads]),
        ),
        per_kind=_per_kind(graded),
        per_question=questions,
        flags=dict(Counter(f for o in graded for f in o.flags).most_common()),
    )


def _groups(outcomes: list[Outcome]) -> dict[str, list[Outcome]]:
    groups: dict[str, list[Outcome]] = defaultdict(list)
    for o in outcomes:
        groups[o.record.group].append(o)
    return groups


def _pooled_pairs(outcomes: list[Outcome]) -> tuple[float, int] | None:
    agree, pairs = 0.0, 0
    for members in _groups(outcomes).values():
        found = pairwise_order([o.predicted for o in members], [o.record.score for o in members])
        if found:
            agree, pairs = agree + found[0] * found[1], pairs + found[1]
    return (agree / pairs, pairs) if pairs else None


def _per_question(outcomes: list[Outcome]) -> list[QuestionFigures]:
    out = []
    for question, members in sorted(_groups(outcomes).items()):
        judged, human = [o.predicted for o in members], [o.record.score for o in members]
        order = pairwise_order(judged, human)
        out.append(
            QuestionFigures(
                question=question[:80],
                answers=len(members),
                spearman=spearman(judged, human),
                pairwise=order[0] if order else None,
                mae=mean_absolute_error(judged, human),
            )
        )
    return out


def _per_kind(outcomes: list[Outcome]) -> list[KindFigures]:
    by_kind: dict[str, list[Outcome]] = defaultdict(list)
    for o in outcomes:
        if o.record.kind:
            by_kind[o.record.kind.value].append(o)
    return [
        KindFigures(
            kind=kind,
            answers=len(members),
            mean_human=statistics.fmean(o.record.score for o in members),
            mean_judge=statistics.fmean(o.predicted for o in members),
        )
        for kind, members in by_kind.items()
    ]


def _mean(values: list[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return statistics.fmean(present) if present else None
