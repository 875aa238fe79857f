"""The reference ``openai-whisper`` package (PyTorch): an optional extra for GPU users.

Imported only when chosen, so the default install neither needs it nor pays its import time.
Its weights are never fetched unless ``allow_download`` is set: a missing model is a clear
error naming where it was looked for.
"""

from __future__ import annotations

import os
from typing import Any

from interviewer.errors import ConfigError
from interviewer.speech.audio import Audio
from interviewer.speech.config import SttConfig
from interviewer.speech.model_cache import MODELS
from interviewer.speech.records import Transcript, Word
from interviewer.speech.vocabulary import Vocabulary

DEFAULT_MODEL = "base.en"
INSTALL_HINT = "pip install 'mock-interviewer[openai-whisper]'"


class OpenAIWhisperTranscriber:
    """Whisper through the ``whisper`` package; one model per (name, device) per process."""

    engine = "openai-whisper"

    def __init__(self, config: SttConfig) -> None:
        try:
            import whisper
        except ImportError:
            raise ConfigError(
                f"the openai-whisper engine needs the optional package openai-whisper: {INSTALL_HINT}"
            ) from None
        self._whisper_module: Any = whisper
        self.config = config
        self.model = config.model or DEFAULT_MODEL
        self.device = config.device if config.device != "auto" else _auto_device()

    def load(self) -> None:
        self._loaded()

    def transcribe(self, audio: Audio, vocabulary: Vocabulary | None = None) -> Transcript:
        prompt = vocabulary.prompt if vocabulary is not None and self.config.vocabulary else ""
        result = self._loaded().transcribe(
            audio.samples,
            language=self.config.language,
            beam_size=self.config.beam_size,
            word_timestamps=True,
            initial_prompt=prompt or None,
            fp16=self.device == "cuda",
        )
        words = tuple(
            Word(start=float(w["start"]), end=float(w["end"]), text=w["word"], probability=float(w["probability"]))
            for segment in result.get("segments", [])
            for w in segment.get("words", [])
        )
        return Transcript(
            text=" ".join(str(result.get("text", "")).split()),
            words=words,
            language=str(result.get("language") or self.config.language),
            duration=audio.duration,
            engine=self.engine,
            model=self.model,
        )

    def _loaded(self) -> Any:
        return MODELS.get((self.engine, self.model, self.device), self._load_model)

    def _load_model(self) -> Any:
        whisper = self._whisper_module
        path = self.config.model_path()
        if path is None:
            known = getattr(whisper, "_MODELS", {})
            if self.model not in known:
                names = ", ".join(sorted(known)) or "none"
                raise ConfigError(f"unknown openai-whisper model '{self.model}' (known: {names}; or give a .pt file)")
            # Where whisper.load_model looks (and would download to).
            cache = os.getenv("XDG_CACHE_HOME", os.path.join(os.path.expanduser("~"), ".cache"))
            root = os.path.join(cache, "whisper")
            expected = os.path.join(root, os.path.basename(known[self.model]))
            if not os.path.isfile(expected) and not self.config.allow_download:
                raise ConfigError(
                    f"openai-whisper model '{self.model}' is not on this machine (looked for {expected}); "
                    "give a .pt file as the model, or set stt.allow_download = true"
                )
        try:
            return whisper.load_model(str(path) if path is not None else self.model, device=self.device)
        except Exception as exc:  # torch and the package raise many types; the user needs the reason
            raise ConfigError(f"cannot load openai-whisper model '{self.model}' on {self.device}: {exc}") from None


def _auto_device() -> str:
    try:
        import torch

        return "cuda" if torch.cuda.is_available() else "cpu"
    except ImportError:  # pragma: no cover - openai-whisper depends on torch
        return "cpu"
