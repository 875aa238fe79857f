"""What every LLM judge shares: prepare, call with retries, parse, ground.

A provider implements one method, :meth:`LLMJudge._complete`, which sends the prepared messages
and returns the raw reply. Retries, backoff, malformed-output handling, timing and token
accounting live here, so the providers agree on them.
"""

from __future__ import annotations

import random
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from interviewer.errors import JudgeError
from interviewer.judge.base import GradingRequest
from interviewer.judge.grade import Grade, JudgeInfo
from interviewer.judge.llm_grade import MalformedOutput, build_grade, empty_answer_output, parse_output
from interviewer.judge.llm_prompt import PROMPT_VERSION, PreparedRequest, prepare_request

#: Never wait longer than this between attempts, whatever a Retry-After header says.
MAX_BACKOFF_S = 30.0


@dataclass(frozen=True)
class Completion:
    """One raw reply: text to parse, or an already-decoded object (a tool call's input)."""

    payload: str | Mapping[str, Any]
    #: The model that answered, when the server says (e.g. a dated snapshot name).
    model: str | None = None
    input_tokens: int | None = None
    output_tokens: int | None = None


class TransientError(Exception):
    """A failure worth retrying (429, 5xx, timeout, connection reset); raised by ``_complete``."""

    def __init__(self, message: str, retry_after_s: float | None = None) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s


def redact(message: str, *secrets: str | None) -> str:
    """``message`` with every secret replaced, for errors that quote a server's reply."""
    for secret in secrets:
        if secret:
            message = message.replace(secret, "***")
    return message


def retry_after_seconds(headers: Mapping[str, str] | None) -> float | None:
    """The delay a Retry-After header asks for (seconds form only), if any."""
    if not headers:
        return None
    value = headers.get("retry-after")
    try:
        return max(0.0, float(value)) if value is not None else None
    except ValueError:
        return None  # an HTTP date: fall back to our own backoff


class LLMJudge:
    """Base for the judges that ask a language model. Subclasses set ``provider`` and ``_complete``."""

    provider = "llm"

    def __init__(
        self,
        *,
        model: str | None,
        max_retries: int = 2,
        backoff_s: float = 0.5,
        base_confidence: float = 0.8,
    ) -> None:
        self.model = model
        self.max_retries = max_retries
        self.backoff_s = backoff_s
        self.base_confidence = base_confidence

    def __repr__(self) -> str:
        # Deliberately short: no client objects, which may hold an API key.
        return f"{type(self).__name__}(provider={self.provider!r}, model={self.model!r})"

    def _complete(self, prepared: PreparedRequest) -> Completion:
        """Send ``prepared.messages``; raise TransientError to be retried, JudgeError to give up."""
        raise NotImplementedError

    def _model_name(self) -> str:
        return self.model or "unknown"

    def grade(self, request: GradingRequest) -> Grade:
        """Grade ``request``; JudgeError when no valid reply came within ``max_retries`` retries."""
        started = time.perf_counter()
        prepared = prepare_request(request)
        if not prepared.has_content:
            # No words to grade (silence, or nothing but injected text): no model call needed.
            info = self._info(started, self._model_name(), None, None)
            return build_grade(empty_answer_output(request), prepared, info, base_confidence=self.base_confidence)

        input_tokens = output_tokens = 0
        counted = False
        last_error = "no attempt made"
        attempts = self.max_retries + 1
        for attempt in range(attempts):
            try:
                completion = self._complete(prepared)
            except TransientError as exc:
                last_error = str(exc)
                if attempt + 1 < attempts:
                    time.sleep(self._delay(attempt, exc.retry_after_s))
                continue
            if completion.input_tokens is not None or completion.output_tokens is not None:
                counted = True
                input_tokens += completion.input_tokens or 0
                output_tokens += completion.output_tokens or 0
            try:
                output = parse_output(completion.payload)
            except MalformedOutput as exc:
                # Retried at once: a sampling slip, not an overloaded server.
                last_error = str(exc)
                continue
            info = self._info(
                started,
                completion.model or self._model_name(),
                input_tokens if counted else None,
                output_tokens if counted else None,
            )
            return build_grade(output, prepared, info, base_confidence=self.base_confidence)
        raise JudgeError(
            f"the {self.provider} judge ({self._model_name()}) gave no valid grade after "
            f"{attempts} attempt(s): {last_error}"
        )

    def _delay(self, attempt: int, retry_after_s: float | None) -> float:
        if retry_after_s is not None:
            return min(MAX_BACKOFF_S, retry_after_s)
        # Exponential backoff with jitter, so that parallel graders do not retry in lockstep.
        return min(MAX_BACKOFF_S, self.backoff_s * 2**attempt) * random.uniform(0.5, 1.0)

    def _info(self, started: float, model: str, input_tokens: int | None, output_tokens: int | None) -> JudgeInfo:
        return JudgeInfo(
            provider=self.provider,
            model=model,
            prompt_version=PROMPT_VERSION,
            latency_ms=round((time.perf_counter() - started) * 1000),
            input_tokens=input_tokens,
            output_tokens=output_tokens,
        )


#: HTTP statuses worth another try: timeout, conflict, rate limit; every 5xx is too.
RETRYABLE_STATUS = frozenset({408, 409, 429})


def sdk_failure(
    exc: Exception,
    provider: str,
    connection_errors: tuple[type[Exception], ...],
    secrets: tuple[str | None, ...] = (),
) -> Exception:
    """Classify an exception from the openai/anthropic SDKs: TransientError or a final JudgeError.

    The server's reply is quoted (it says what was wrong) but redacted of ``secrets`` and cut
    short, since some servers echo request headers back.
    """
    if isinstance(exc, connection_errors):
        return TransientError(f"the {provider} server did not answer ({type(exc).__name__})")
    status = getattr(exc, "status_code", None)
    detail = redact(str(getattr(exc, "message", exc)), *secrets)
    detail = " ".join(detail.split())[:300]
    if isinstance(status, int) and (status in RETRYABLE_STATUS or status >= 500):
        response = getattr(exc, "response", None)
        headers = getattr(response, "headers", None)
        return TransientError(f"HTTP {status}: {detail}", retry_after_seconds(headers))
    return JudgeError(f"the {provider} judge's request failed: {detail}")
