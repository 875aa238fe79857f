"""How answers are transcribed: one typed record, validated, read from the ``[stt]`` settings."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator

from interviewer.config_fields import blank_is_none, http_url, validate_section
from interviewer.speech.audio import AudioLimits

Engine = Literal["faster-whisper", "openai-whisper", "openai-api"]
ENGINES: tuple[str, ...] = ("faster-whisper", "openai-whisper", "openai-api")


class SttConfig(BaseModel):
    """Which speech-to-text engine runs, on what, and the limits on what it accepts."""

    # hide_input_in_errors: a validation error must never echo an API key back.
    model_config = ConfigDict(frozen=True, extra="forbid", hide_input_in_errors=True)

    engine: Engine = "faster-whisper"
    #: A model name ("small.en", "whisper-1") or a model folder/file. None: the engine's default
    #: (for faster-whisper the bundled tiny.en, so nothing is downloaded).
    model: str | None = None
    #: "auto" takes CUDA when a GPU is there, else the CPU.
    device: Literal["auto", "cpu", "cuda"] = "auto"
    #: CTranslate2 compute type; "auto" is float16 on CUDA and int8 on the CPU.
    compute_type: str = "auto"
    beam_size: int = Field(default=5, ge=1, le=20)
    language: str = "en"
    #: Use the track's vocabulary to bias recognition (a glossary prompt).
    vocabulary: bool = True
    #: Named models may be fetched from the Hugging Face Hub (faster-whisper) or OpenAI's CDN
    #: (openai-whisper). Off by default: the tool runs offline unless told otherwise.
    allow_download: bool = False
    #: An OpenAI-compatible transcription server for the openai-api engine.
    base_url: str | None = None
    api_key: SecretStr | None = None
    timeout_s: float = Field(default=120.0, gt=0, le=3600)
    #: Words the engine is less sure of than this are flagged for the candidate to check.
    low_confidence: float = Field(default=0.4, ge=0, le=1)
    max_mb: float = Field(default=50, gt=0, le=2048)
    max_minutes: float = Field(default=15, gt=0, le=240)

    @field_validator("base_url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        return http_url(value)

    @field_validator("model", "api_key", "base_url", mode="before")
    @classmethod
    def _blank_is_none(cls, value: Any) -> Any:
        return blank_is_none(value)

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any]) -> SttConfig:
        """Validate ``values`` (the ``stt`` settings); ConfigError names the bad fields."""
        return validate_section(cls, values, "stt", "speech-to-text")

    def limits(self) -> AudioLimits:
        return AudioLimits(max_bytes=int(self.max_mb * 1024 * 1024), max_seconds=self.max_minutes * 60)

    def model_path(self) -> Path | None:
        """The model as a path, when it names an existing file or folder."""
        if self.model is None:
            return None
        path = Path(self.model).expanduser()
        return path if path.exists() else None

    def resolved_api_key(self) -> str | None:
        """The configured key, else ``OPENAI_API_KEY``."""
        if self.api_key is not None:
            return self.api_key.get_secret_value()
        return os.environ.get("OPENAI_API_KEY", "").strip() or None
