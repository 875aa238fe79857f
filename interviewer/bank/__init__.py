"""The question bank: questions and rubrics as validated YAML."""

from interviewer.bank.bank import Bank, coverage, load_bank
from interviewer.bank.models import (
    ROLE_TRACKS,
    Criterion,
    FollowUp,
    KeyPoint,
    Kind,
    Level,
    Misconception,
    Question,
    Rubric,
    Severity,
    Track,
)
from interviewer.bank.source_files import BankProblem, ProblemLevel

__all__ = [
    "ROLE_TRACKS",
    "Bank",
    "BankProblem",
    "Criterion",
    "FollowUp",
    "KeyPoint",
    "Kind",
    "Level",
    "Misconception",
    "ProblemLevel",
    "Question",
    "Rubric",
    "Severity",
    "Track",
    "coverage",
    "load_bank",
]
