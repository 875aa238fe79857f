"""The Anthropic judge: the Messages API, with the grade returned as a forced tool call.

A tool whose ``input_schema`` is the grade schema, together with ``tool_choice`` naming that
tool, makes the model answer with exactly one structured call: no prose to strip, and the
SDK hands back the decoded input.

No sampling parameters are sent: the Messages API this SDK speaks has none (no temperature);
the forced tool call and its schema are what keep replies consistent.
"""

from __future__ import annotations

from typing import Any

import anthropic

from interviewer.judge.llm_prompt import SCHEMA_NAME, PreparedRequest, output_schema
from interviewer.judge.providers.llm_judge import Completion, LLMJudge, sdk_failure

DEFAULT_MODEL = "claude-haiku-4-5"
MAX_OUTPUT_TOKENS = 2000
_TOOL_DESCRIPTION = (
    "Record the grade of the candidate's answers against the rubric: a level per criterion, "
    "coverage with verbatim quotes per key point, misconceptions, strengths and improvements."
)


def grade_tool(prepared: PreparedRequest) -> dict[str, Any]:
    """The tool definition whose input is the grade."""
    return {
        "name": SCHEMA_NAME,
        "description": _TOOL_DESCRIPTION,
        "input_schema": output_schema(prepared.graded, bounded=False),
    }


class AnthropicJudge(LLMJudge):
    """Grades with a Claude model. Thread-safe: the SDK client is, and the judge holds no other state."""

    provider = "anthropic"

    def __init__(
        self,
        *,
        model: str | None = None,
        api_key: str | None = None,
        base_url: str | None = None,
        timeout_s: float = 60.0,
        max_retries: int = 2,
        backoff_s: float = 0.5,
        base_confidence: float = 0.8,
    ) -> None:
        super().__init__(
            model=model or DEFAULT_MODEL, max_retries=max_retries, backoff_s=backoff_s, base_confidence=base_confidence
        )
        self.base_url = base_url
        self._secret = api_key
        # The SDK's retries are off so that ours (LLMJudge) count transport and malformed replies alike.
        # A gateway or test server by base_url may need no key; the SDK insists on one.
        key = api_key or ("no-key" if base_url else None)
        self._client = anthropic.Anthropic(api_key=key, base_url=base_url, timeout=timeout_s, max_retries=0)

    def __repr__(self) -> str:
        return f"AnthropicJudge(model={self.model!r}, base_url={self.base_url!r})"

    def _complete(self, prepared: PreparedRequest) -> Completion:
        system = next(m["content"] for m in prepared.messages if m["role"] == "system")
        turns = [m for m in prepared.messages if m["role"] != "system"]
        body: dict[str, Any] = {
            "model": self._model_name(),
            "max_tokens": MAX_OUTPUT_TOKENS,
            "system": system,
            "messages": turns,
            "tools": [grade_tool(prepared)],
            "tool_choice": {"type": "tool", "name": SCHEMA_NAME},
        }
        try:
            response = self._client.messages.create(**body)
        except anthropic.AnthropicError as exc:
            raise sdk_failure(exc, self.provider, (anthropic.APIConnectionError,), (self._secret,)) from None
        call = next(
            (b for b in response.content if getattr(b, "type", None) == "tool_use" and b.name == SCHEMA_NAME), None
        )
        # No tool call (a refusal, or a cut-off reply) is passed on as text: parsing it fails as
        # malformed and the attempt is retried.
        payload: Any = call.input if call is not None else "".join(getattr(b, "text", "") for b in response.content)
        usage = getattr(response, "usage", None)
        return Completion(
            payload=payload if isinstance(payload, dict | str) else str(payload),
            model=getattr(response, "model", None) or None,
            input_tokens=getattr(usage, "input_tokens", None),
            output_tokens=getattr(usage, "output_tokens", None),
        )
