"""The few exception types users see, each turned into a one-line message at the CLI/UI edge."""

from __future__ import annotations


class InterviewerError(Exception):
    """Base for errors a user can act on; the message is shown as-is, without a traceback."""


class BankError(InterviewerError):
    """The question bank or a rubric file is missing or invalid."""


class QuestionNotFound(BankError):
    """No question with the requested id."""


class ConfigError(InterviewerError):
    """A configuration value is missing or invalid."""


class JudgeError(InterviewerError):
    """A judge could not produce a valid grade (network, quota, malformed output)."""


class SessionNotFound(InterviewerError):
    """No interview session with the requested id."""


class AnswerError(InterviewerError):
    """A candidate's answer cannot be accepted as given (empty, too long, unreadable)."""


class StorageError(InterviewerError):
    """The database cannot be read or written (missing, read-only, disk full)."""


class AudioError(InterviewerError):
    """An audio answer cannot be used: empty, too large or long, not audio, truncated, or silent."""
