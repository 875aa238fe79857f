"""The OpenAI judge: the OpenAI API, or any OpenAI-compatible server (vLLM, llama.cpp, Ollama) by ``base_url``.

Servers differ in how they take a JSON schema, so three ``response_format`` modes are tried in
order until one is accepted, and the one that worked is remembered for this judge:

1. ``json_schema`` (strict): OpenAI, vLLM, recent llama.cpp ``llama-server``;
2. ``json_object`` with a ``schema`` key: the llama-cpp-python server, which turns it into a grammar;
3. plain ``json_object``: anything else with a JSON mode (the prompt describes the shape).
"""

from __future__ import annotations

import threading
from typing import Any

import openai

from interviewer.errors import JudgeError
from interviewer.judge.llm_prompt import SCHEMA_NAME, PreparedRequest, output_schema
from interviewer.judge.providers.llm_judge import Completion, LLMJudge, TransientError, redact, sdk_failure

DEFAULT_MODEL = "gpt-4.1-mini"
#: The response_format modes, most to least constraining.
MODES = ("json_schema", "json_object+schema", "json_object")
#: Enough for a full grade from a verbose model; a cut-off reply is retried as malformed.
MAX_OUTPUT_TOKENS = 2000
SEED = 1234
#: Sent as the key to servers that need none: the SDK insists on one.
_NO_KEY = "no-key"


def response_format(mode: str, prepared: PreparedRequest) -> dict[str, Any]:
    """The ``response_format`` body for ``mode`` and this request's schema."""
    if mode == "json_schema":
        schema = output_schema(prepared.graded, bounded=False)
        return {"type": "json_schema", "json_schema": {"name": SCHEMA_NAME, "schema": schema, "strict": True}}
    if mode == "json_object+schema":
        # Read by the llama-cpp-python server and compiled into a grammar, so the limits help.
        return {"type": "json_object", "schema": output_schema(prepared.graded, bounded=True)}
    return {"type": "json_object"}


def rejects_response_format(exc: openai.APIStatusError) -> bool:
    """Whether an error reply means "I do not take this response_format".

    400/422 is how most servers say it. The llama-cpp-python server answers a request it cannot
    validate with a 500 whose message names the field, so a 5xx counts only when it does.
    """
    if exc.status_code in (400, 422):
        return True
    message = str(exc.message).lower()
    return exc.status_code >= 500 and ("response_format" in message or "json_schema" in message)


class OpenAIJudge(LLMJudge):
    """Grades with a chat-completions model. Thread-safe: the SDK client is, and the mode memory is locked."""

    provider = "openai"

    def __init__(
        self,
        *,
        model: str | None = None,
        api_key: str | None = None,
        base_url: str | None = None,
        timeout_s: float = 60.0,
        max_retries: int = 2,
        backoff_s: float = 0.5,
        temperature: float | None = 0.0,
        seed: int = SEED,
        base_confidence: float = 0.8,
    ) -> None:
        super().__init__(
            model=model or (None if base_url else DEFAULT_MODEL),
            max_retries=max_retries,
            backoff_s=backoff_s,
            base_confidence=base_confidence,
        )
        self.base_url = base_url
        self.temperature = temperature
        #: Sampling seed: fixed, so a grade repeats; the evaluation harness varies it per sample.
        self.seed = seed
        self._secret = api_key
        # The SDK's own retries are off: ours (in LLMJudge) also cover malformed replies and
        # share one budget with them.
        self._client = openai.OpenAI(api_key=api_key or _NO_KEY, base_url=base_url, timeout=timeout_s, max_retries=0)
        self._lock = threading.Lock()
        self._mode: str | None = None
        self._rejected: dict[str, str] = {}

    def __repr__(self) -> str:
        return f"OpenAIJudge(model={self.model!r}, base_url={self.base_url!r})"

    @property
    def response_format_mode(self) -> str | None:
        """The response_format mode this server accepted (None until the first successful call)."""
        return self._mode

    @property
    def rejected_modes(self) -> dict[str, str]:
        """The modes this server refused while finding one it accepts, with its reason."""
        return dict(self._rejected)

    def _model_name(self) -> str:
        return self.model or "(server default)"

    def _resolve_model(self) -> str:
        # A local server usually serves one model under its own name: ask for it once.
        if self.model is None:
            try:
                listed = self._client.models.list()
                ids = [m.id for m in listed.data]
            except Exception as exc:
                raise self._failure(exc) from None
            if not ids:
                raise JudgeError(f"the server at {self.base_url} lists no models; set the judge's model")
            with self._lock:
                self.model = self.model or ids[0]
        return self.model

    def _failure(self, exc: Exception) -> Exception:
        return sdk_failure(exc, self.provider, (openai.APIConnectionError,), (self._secret,))

    def _complete(self, prepared: PreparedRequest) -> Completion:
        model = self._resolve_model()
        remembered = self._mode
        modes = (remembered,) if remembered else MODES
        for i, mode in enumerate(modes):
            try:
                response = self._client.chat.completions.create(**self._body(model, mode, prepared))
            except openai.APIStatusError as exc:
                # A server that does not take this response_format: try the next one. Once a mode
                # has worked, an error is about something else and goes the usual way.
                if remembered is None and i + 1 < len(modes) and rejects_response_format(exc):
                    with self._lock:
                        self._rejected[mode] = " ".join(redact(str(exc.message), self._secret).split())[:200]
                    continue
                raise self._failure(exc) from None
            except openai.OpenAIError as exc:
                raise self._failure(exc) from None
            with self._lock:
                self._mode = mode
            return self._completion(response)
        raise TransientError("no response_format mode was accepted")  # pragma: no cover - loop always returns/raises

    def _body(self, model: str, mode: str, prepared: PreparedRequest) -> dict[str, Any]:
        body: dict[str, Any] = {
            "model": model,
            "messages": prepared.messages,
            "response_format": response_format(mode, prepared),
            "seed": self.seed,
        }
        if self.temperature is not None:
            body["temperature"] = self.temperature
        # OpenAI's newer models reject max_tokens; many compatible servers only know max_tokens.
        body["max_tokens" if self.base_url else "max_completion_tokens"] = MAX_OUTPUT_TOKENS
        return body

    @staticmethod
    def _completion(response: Any) -> Completion:
        choice = response.choices[0] if response.choices else None
        text = (choice.message.content if choice is not None else None) or ""
        usage = getattr(response, "usage", None)
        return Completion(
            payload=text,
            model=getattr(response, "model", None) or None,
            input_tokens=getattr(usage, "prompt_tokens", None),
            output_tokens=getattr(usage, "completion_tokens", None),
        )
