"""The database tables: sessions, turns (every question asked and its answer), grades."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel


def utcnow() -> datetime:
    return datetime.now(UTC)


class InterviewSession(SQLModel, table=True):
    __tablename__ = "interview_session"

    id: str = Field(primary_key=True, max_length=40)
    created_at: datetime = Field(default_factory=utcnow, index=True)
    updated_at: datetime = Field(default_factory=utcnow)
    track: str = Field(max_length=40)
    level: str = Field(max_length=20)
    n_questions: int
    mode: str = Field(default="text", max_length=20)
    #: Who took the interview, where the app hosts several candidates; None on a personal machine.
    candidate: str | None = Field(default=None, max_length=200, index=True)
    judge_provider: str = Field(max_length=40)
    judge_model: str = Field(default="", max_length=200)
    #: active -> completed; an interrupted session stays active and can be resumed.
    status: str = Field(default="active", max_length=20, index=True)
    overall: int | None = None
    #: The planned question ids, JSON: kept here too so `show` works without the checkpoint.
    plan_json: str = Field(default="[]", sa_column=Column(Text, nullable=False))
    summary_json: str | None = Field(default=None, sa_column=Column(Text, nullable=True))


class Turn(SQLModel, table=True):
    """One thing the interviewer asked and, once given, the candidate's answer."""

    __tablename__ = "turn"
    __table_args__ = (UniqueConstraint("session_id", "index"),)

    id: int | None = Field(default=None, primary_key=True)
    session_id: str = Field(foreign_key="interview_session.id", index=True, max_length=40)
    index: int
    question_id: str = Field(max_length=80)
    #: "main" for the bank question, "follow-up" for a probe of a gap.
    kind: str = Field(max_length=20)
    prompt: str = Field(sa_column=Column(Text, nullable=False))
    #: For a follow-up: the rubric gap it probes ("key_point" or "misconception") and its id.
    gap_kind: str | None = Field(default=None, max_length=20)
    gap_id: str | None = Field(default=None, max_length=80)
    #: The answer that was graded: typed text, or the transcript as the candidate confirmed it.
    answer_text: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    #: For a spoken answer: the transcript exactly as the speech engine produced it.
    transcript_raw: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    audio_ref: str | None = Field(default=None, max_length=500)
    #: For a spoken answer: interviewer.delivery.DeliveryMetrics as JSON.
    delivery_json: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    asked_at: datetime = Field(default_factory=utcnow)
    answered_at: datetime | None = None
    answer_seconds: float | None = None


class GradeRecord(SQLModel, table=True):
    """The grade of a question after a given turn (main answer plus follow-ups so far)."""

    __tablename__ = "grade"
    __table_args__ = (UniqueConstraint("session_id", "turn_index"),)

    id: int | None = Field(default=None, primary_key=True)
    session_id: str = Field(foreign_key="interview_session.id", index=True, max_length=40)
    turn_index: int
    question_id: str = Field(max_length=80)
    overall: int
    judge_provider: str = Field(max_length=40)
    grade_json: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime = Field(default_factory=utcnow)
