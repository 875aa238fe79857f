"""The validated result of grading one answer, whatever judge produced it."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from interviewer.bank.models import Criterion, KeyPoint

#: Bumped whenever the meaning of a Grade's fields changes; stored with every grade.
GRADE_SCHEMA_VERSION = 1


class Coverage(StrEnum):
    COVERED = "covered"
    PARTIAL = "partial"
    MISSED = "missed"


_COVERAGE_CREDIT = {Coverage.COVERED: 1.0, Coverage.PARTIAL: 0.5, Coverage.MISSED: 0.0}


class _Record(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class CriterionScore(_Record):
    criterion_id: str
    level: int = Field(ge=0, le=4)
    justification: str


class KeyPointResult(_Record):
    key_point_id: str
    status: Coverage
    #: The candidate's own words that show the point, verified to occur in the answer.
    evidence: list[str] = Field(default_factory=list)


class MisconceptionFound(_Record):
    misconception_id: str
    #: The candidate's words that state the wrong claim, verified to occur in the answer.
    evidence: str
    correction: str


class Strength(_Record):
    point: str
    evidence: str


class JudgeInfo(_Record):
    provider: str
    model: str
    prompt_version: str
    latency_ms: int = 0
    input_tokens: int | None = None
    output_tokens: int | None = None
    #: Set when this grade came from the offline judge because the configured judge failed.
    fallback_from: str | None = None


class Grade(_Record):
    schema_version: int = GRADE_SCHEMA_VERSION
    question_id: str
    criteria: list[CriterionScore]
    key_points: list[KeyPointResult]
    misconceptions: list[MisconceptionFound] = Field(default_factory=list)
    strengths: list[Strength] = Field(default_factory=list)
    improvements: list[str] = Field(default_factory=list)
    model_answer: list[str] = Field(default_factory=list)
    overall: int = Field(ge=0, le=100)
    confidence: float = Field(ge=0.0, le=1.0)
    judge: JudgeInfo
    #: Machine-readable notes: "injection-attempt", "evidence-dropped", "fallback", ...
    flags: list[str] = Field(default_factory=list)

    def missed_key_points(self) -> list[str]:
        return [k.key_point_id for k in self.key_points if k.status is Coverage.MISSED]


def overall_score(
    criteria_scores: list[CriterionScore],
    criteria: list[Criterion],
    key_point_results: list[KeyPointResult],
    key_points: list[KeyPoint],
    misconceptions_found: int = 0,
) -> int:
    """The 0-100 score, computed in code from the parts so that no judge can simply assert it.

    Half comes from the weighted criterion levels, half from weighted key-point coverage;
    each misconception found costs 10 points.
    """
    weights = {c.id: c.weight for c in criteria}
    crit_total = sum(weights.get(s.criterion_id, 0.0) for s in criteria_scores)
    crit = (
        sum(weights.get(s.criterion_id, 0.0) * s.level / 4 for s in criteria_scores) / crit_total if crit_total else 0.0
    )
    kp_weights = {k.id: k.weight for k in key_points}
    kp_total = sum(kp_weights.values())
    kp = (
        sum(kp_weights.get(r.key_point_id, 0.0) * _COVERAGE_CREDIT[r.status] for r in key_point_results) / kp_total
        if kp_total
        else 0.0
    )
    score = 100 * (0.5 * crit + 0.5 * kp) - 10 * misconceptions_found
    return max(0, min(100, round(score)))
