"""What every judge receives and must return."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

from interviewer.bank.models import Criterion, Question, Rubric
from interviewer.judge.grade import Grade


@dataclass(frozen=True)
class Exchange:
    """One question asked (the main one or a follow-up) and the candidate's answer to it."""

    asked: str
    answer: str


@dataclass(frozen=True)
class GradingRequest:
    """Everything a judge needs to grade a question's answers.

    ``exchanges`` holds the main question and any follow-ups so far, in order:
    a point the candidate made in answer to a follow-up counts for the question.
    """

    question: Question
    rubric: Rubric
    criteria: list[Criterion]
    exchanges: list[Exchange] = field(default_factory=list)

    @property
    def answer_text(self) -> str:
        """All the candidate's words for this question, the text every quote is checked against."""
        return "\n\n".join(e.answer for e in self.exchanges)


@runtime_checkable
class Judge(Protocol):
    """Grades answers against a rubric. Implementations must be safe to call from several threads."""

    #: Short provider name shown on every screen and report: "rubric", "llamacpp", "openai", "anthropic".
    provider: str

    def grade(self, request: GradingRequest) -> Grade:
        """Grade the request; raise JudgeError when no valid grade can be produced."""
        ...
