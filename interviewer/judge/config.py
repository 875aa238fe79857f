"""How the judge is chosen and set up: one typed record, validated, with secrets kept secret.

The API key is a ``SecretStr``: it never shows in ``repr``, logs or error messages (pydantic is
also told to leave input values out of its validation errors). When not given, keys come from
``OPENAI_API_KEY`` / ``ANTHROPIC_API_KEY`` at the moment a judge is made (:meth:`JudgeConfig.resolved_api_key`).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator

from interviewer.config_fields import blank_is_none, http_url, validate_section

Provider = Literal["rubric", "llamacpp", "openai", "anthropic"]
PROVIDERS: tuple[str, ...] = ("rubric", "llamacpp", "openai", "anthropic")

#: Where each hosted provider's key is read from when the config does not carry one.
API_KEY_ENV = {"openai": "OPENAI_API_KEY", "anthropic": "ANTHROPIC_API_KEY"}


class JudgeConfig(BaseModel):
    """Which judge grades answers, and how to reach it."""

    # hide_input_in_errors: a validation error must never echo a key back.
    model_config = ConfigDict(frozen=True, extra="forbid", hide_input_in_errors=True)

    provider: Provider = "rubric"
    #: The model name (openai/anthropic); defaults per provider, or the server's own for base_url.
    model: str | None = None
    #: An OpenAI-compatible server (vLLM, llama.cpp, Ollama) or an Anthropic-compatible gateway.
    base_url: str | None = None
    api_key: SecretStr | None = None
    #: GGUF file for the llamacpp judge; defaults to the bundled SmolLM2.
    model_path: Path | None = None
    #: Layers offloaded to the GPU by the llamacpp judge: None = all when the build supports it, else 0.
    n_gpu_layers: int | None = Field(default=None, ge=-1)
    n_ctx: int = Field(default=4096, ge=512, le=131072)
    timeout_s: float = Field(default=60.0, gt=0, le=3600)
    max_retries: int = Field(default=2, ge=0, le=10)
    #: First backoff between retries, doubled each time (with jitter); a Retry-After header wins.
    backoff_s: float = Field(default=0.5, ge=0, le=60)
    #: Sampling temperature for llamacpp and openai (the Anthropic Messages API takes none).
    #: None leaves the server's default (some hosted models accept no other value).
    temperature: float | None = Field(default=0.0, ge=0, le=2)

    @field_validator("base_url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        return http_url(value)

    @field_validator("model", "api_key", mode="before")
    @classmethod
    def _blank_is_none(cls, value: Any) -> Any:
        return blank_is_none(value)

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any]) -> JudgeConfig:
        """Validate ``values`` (from a settings file or CLI flags); ConfigError names the bad fields."""
        return validate_section(cls, values, "judge", "judge")

    def resolved_api_key(self) -> str | None:
        """The key to use: the configured one, else the provider's environment variable."""
        if self.api_key is not None:
            return self.api_key.get_secret_value()
        env = API_KEY_ENV.get(self.provider)
        value = os.environ.get(env, "").strip() if env else ""
        return value or None
