"""Keeping an interview going when the configured judge fails.

An LLM judge that times out, is rate-limited or returns garbage past its retries must not stop
the interview or lose the answer: the offline rubric judge grades instead, the grade says so
(``judge.fallback_from`` and the "fallback" flag), and ``interviewer regrade`` can grade it again
with the configured judge later.
"""

from __future__ import annotations

import logging

from interviewer.errors import JudgeError
from interviewer.judge.base import GradingRequest, Judge
from interviewer.judge.grade import Grade

log = logging.getLogger(__name__)

FALLBACK_FLAG = "fallback"


class FallbackJudge:
    """Grades with ``primary``; on JudgeError, with ``fallback``, marked as such."""

    def __init__(self, primary: Judge, fallback: Judge) -> None:
        self.primary = primary
        self.fallback = fallback
        self.provider = primary.provider
        self.model = str(getattr(primary, "model", "") or "")

    def grade(self, request: GradingRequest) -> Grade:
        try:
            return self.primary.grade(request)
        except JudgeError as exc:
            # JudgeError messages are already redacted by the providers: no key reaches the log.
            log.warning("%s judge failed (%s); grading with the %s judge", self.provider, exc, self.fallback.provider)
            grade = self.fallback.grade(request)
            return grade.model_copy(
                update={
                    "judge": grade.judge.model_copy(update={"fallback_from": self.provider}),
                    "flags": [*grade.flags, FALLBACK_FLAG],
                }
            )
