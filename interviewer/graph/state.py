"""The interview's state, as LangGraph checkpoints it (plain JSON-able values only)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypedDict

from interviewer.bank import Bank
from interviewer.judge.base import Judge
from interviewer.storage import SessionStore


class PendingPrompt(TypedDict):
    """What the interviewer has asked and is waiting for an answer to."""

    turn: int
    question_id: str
    kind: str  # "main" | "follow-up"
    prompt: str
    gap_kind: str | None
    gap_id: str | None
    gap_about: str | None
    number: int  # 1-based position of the question in the interview
    total: int


class ExchangeState(TypedDict):
    turn: int
    asked: str
    answer: str


class CurrentQuestion(TypedDict):
    question_id: str
    level: str
    started_at: float
    exchanges: list[ExchangeState]
    probed: list[str]
    grade: dict[str, Any] | None


class QuestionResult(TypedDict):
    question_id: str
    level: str
    overall: int
    turns: list[int]


class InterviewState(TypedDict, total=False):
    session_id: str
    track: str
    level: str  # the level the next question is pitched at; adapts as the interview goes
    n_questions: int
    session_budget_s: int | None
    started_at: float
    plan: list[str]
    avoid: list[str]
    next_turn: int
    current: CurrentQuestion | None
    pending: PendingPrompt | None
    results: list[QuestionResult]
    next_action: str
    summary: dict[str, Any] | None


@dataclass(frozen=True)
class InterviewContext:
    """Run-scoped dependencies handed to every node (never checkpointed)."""

    bank: Bank
    judge: Judge
    store: SessionStore
    max_follow_ups: int = 2
