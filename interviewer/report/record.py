"""The report record: everything a report shows, as one versioned, validated document.

Every output format (PDF, HTML, Markdown, JSON) renders from a :class:`SessionReport` and from
nothing else, so the JSON export is the complete record and a browser front end can render the
same thing. ``docs/report.schema.json`` is generated from these models (see
``interviewer.report.schema``); bump :data:`REPORT_SCHEMA_VERSION` whenever a field's meaning
changes or a field is removed.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from interviewer.delivery import DeliveryMetrics
from interviewer.judge.grade import Coverage, JudgeInfo, Strength

#: Version of the report record; stored in every JSON export as ``schema_version``.
REPORT_SCHEMA_VERSION = 1

Verdict = Literal["ready", "borderline", "not-yet", "too-early"]
HighlightStatus = Literal["covered", "partial", "misconception"]


class _Record(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class SessionInfo(_Record):
    """Which interview this is and how far it got."""

    id: str
    created_at: datetime
    updated_at: datetime
    track: str
    #: The level the candidate chose; questions adapt up and down from it.
    level: str
    #: The level the interview had reached at its end (None while in progress).
    final_level: str | None = None
    #: "text" or "voice".
    mode: str
    #: "completed", or "in-progress" for a session that can still be resumed.
    status: Literal["completed", "in-progress"]
    candidate: str | None = None
    questions_planned: int
    questions_graded: int
    answers: int


class JudgeStatement(_Record):
    """Who graded the session, and how far to trust it, in plain words."""

    provider: str
    model: str
    #: True for the offline rubric judge and for small local models: scores are rough estimates.
    automated_estimate: bool
    statement: str
    #: Questions graded by the offline judge because the configured judge failed.
    fallbacks: int = 0


class TopicScore(_Record):
    topic: str
    score: int = Field(ge=0, le=100)
    questions: int = Field(ge=1)


class Readiness(_Record):
    """The verdict for the chosen level, with the rule and the numbers behind it."""

    level: str
    verdict: Verdict
    headline: str
    reason: str
    rule: str
    #: Mean score of the graded questions at or above the chosen level (None if there are none).
    score_at_level: int | None = None
    questions_at_level: int = 0


class NextAction(_Record):
    """One of the few most useful things to study next, pointing at the bank."""

    kind: Literal["misconception", "key-point", "criterion"]
    title: str
    detail: str
    topic: str
    question_id: str
    #: The key point's, misconception's or criterion's id in the question's rubric.
    item_id: str
    #: How much this gap weighs: 10 + the severity rank for a misconception, the key point's weight
    #: (halved for a partial answer), or a fraction of one for a low criterion level. Higher first.
    priority: float


class Summary(_Record):
    #: 0-100: the session's overall score (the mean of the graded questions while in progress).
    overall: int | None = None
    topic_scores: list[TopicScore] = Field(default_factory=list)
    readiness: Readiness
    next_actions: list[NextAction] = Field(default_factory=list)


class Highlight(_Record):
    """A span of one answer that the grade cites as evidence.

    ``start`` and ``end`` index the turn's ``answer`` string in Unicode code points (Python
    string indices), end exclusive. Spans may overlap; renderers show the strongest status.
    """

    start: int = Field(ge=0)
    end: int = Field(ge=0)
    status: HighlightStatus
    #: The key point or misconception it is evidence for.
    item_id: str
    #: Short label shared with the key point / misconception lists: "K2", "M1".
    label: str


class TurnReport(_Record):
    """One thing the interviewer asked (the main question or a follow-up) and the answer."""

    index: int
    kind: Literal["main", "follow-up"]
    prompt: str
    #: For a follow-up: the rubric gap that triggered it ("key_point" or "misconception"), its id,
    #: and what it is about in the rubric's words.
    gap_kind: str | None = None
    gap_id: str | None = None
    gap_about: str | None = None
    answer: str | None = None
    #: For a spoken answer: what the speech engine heard before the candidate confirmed it.
    transcript_raw: str | None = None
    highlights: list[Highlight] = Field(default_factory=list)
    answer_seconds: float | None = None
    delivery: DeliveryMetrics | None = None


class CriterionReport(_Record):
    criterion_id: str
    name: str
    level: int = Field(ge=0, le=4)
    #: The rubric's description of this level.
    anchor: str
    justification: str


class KeyPointReport(_Record):
    label: str
    key_point_id: str
    statement: str
    weight: float
    status: Coverage
    evidence: list[str] = Field(default_factory=list)


class MisconceptionReport(_Record):
    label: str
    misconception_id: str
    claim: str
    #: The candidate's words that state the wrong claim.
    evidence: str
    #: The correct fact.
    correction: str
    severity: str


class QuestionReport(_Record):
    """A bank question, every turn spent on it, and its grade (the grade after its last turn)."""

    number: int = Field(ge=1)
    question_id: str
    prompt: str
    context: str | None = None
    topic: str
    competency: str
    level: str
    kind: str
    graded: bool
    score: int | None = Field(default=None, ge=0, le=100)
    confidence: float | None = Field(default=None, ge=0.0, le=1.0)
    judge: JudgeInfo | None = None
    turns: list[TurnReport]
    criteria: list[CriterionReport] = Field(default_factory=list)
    key_points: list[KeyPointReport] = Field(default_factory=list)
    misconceptions: list[MisconceptionReport] = Field(default_factory=list)
    strengths: list[Strength] = Field(default_factory=list)
    improvements: list[str] = Field(default_factory=list)
    model_answer: list[str] = Field(default_factory=list)
    #: The grade's machine-readable flags ("injection-attempt", ...) and what they mean in words.
    flags: list[str] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)


class DeliveryRow(_Record):
    question_number: int
    turn_index: int
    kind: Literal["main", "follow-up"]
    metrics: DeliveryMetrics


class DeliverySummary(_Record):
    """Measured delivery over the spoken answers (absent for a text session)."""

    answers: int = Field(ge=1)
    words: int
    talk_time_s: float
    #: Words over talk time, across all spoken answers.
    words_per_minute: float
    fillers: int
    fillers_per_100_words: float
    filler_counts: dict[str, int] = Field(default_factory=dict)
    long_pauses: int
    longest_pause_s: float
    mean_time_to_first_word_s: float
    rows: list[DeliveryRow]


class ProgressPoint(_Record):
    session_id: str
    created_at: datetime
    overall: int = Field(ge=0, le=100)
    level: str
    status: Literal["completed", "in-progress"]
    is_this_session: bool


class StudyItem(_Record):
    """A key point missed in this track's sessions, most often missed first."""

    key_point_id: str
    statement: str
    topic: str
    question_id: str
    missed: int
    partial: int
    asked: int


class Progress(_Record):
    """This session against the same candidate's earlier sessions on the same track."""

    sessions: list[ProgressPoint] = Field(default_factory=list)
    study_list: list[StudyItem] = Field(default_factory=list)


class SessionReport(_Record):
    """The complete report of one interview session."""

    schema_version: int = REPORT_SCHEMA_VERSION
    generated_at: datetime
    #: The program and version that built the record, e.g. "mock-interviewer 0.1.0".
    generator: str
    session: SessionInfo
    judge: JudgeStatement
    summary: Summary
    questions: list[QuestionReport]
    delivery: DeliverySummary | None = None
    progress: Progress
