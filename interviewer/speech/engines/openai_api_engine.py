"""The OpenAI transcription endpoint, or any server that speaks it (by ``base_url``).

For scaling transcription out: several app instances can share one GPU server (vLLM,
speaches/faster-whisper-server, LocalAI). Audio is sent as 16 kHz mono FLAC, whatever the
candidate uploaded: it is already decoded and validated here, and FLAC keeps 15 minutes under
the hosted API's 25 MB request limit.
"""

from __future__ import annotations

from typing import Any

from interviewer.errors import AudioError, ConfigError
from interviewer.speech.audio import Audio, encode_flac
from interviewer.speech.config import SttConfig
from interviewer.speech.records import Transcript, Word
from interviewer.speech.vocabulary import Vocabulary

DEFAULT_MODEL = "whisper-1"


class OpenAIApiTranscriber:
    """Transcribes through ``client.audio.transcriptions`` with word timestamps."""

    engine = "openai-api"

    def __init__(self, config: SttConfig, client: Any = None) -> None:
        self.config = config
        self.model = config.model or DEFAULT_MODEL
        key = config.resolved_api_key()
        if client is None and key is None and config.base_url is None:
            raise ConfigError("the openai-api engine needs OPENAI_API_KEY (or stt.api_key), or a stt.base_url")
        if client is None:
            from openai import OpenAI

            # A local server usually wants no key, but the SDK insists on one.
            client = OpenAI(api_key=key or "not-needed", base_url=config.base_url, timeout=config.timeout_s)
        self._client = client

    def load(self) -> None:
        """Nothing to load: the model lives on the server."""

    def transcribe(self, audio: Audio, vocabulary: Vocabulary | None = None) -> Transcript:
        import openai

        prompt = vocabulary.prompt if vocabulary is not None and self.config.vocabulary else ""
        extra: dict[str, Any] = {"prompt": prompt} if prompt else {}
        try:
            response = self._client.audio.transcriptions.create(
                file=("answer.flac", encode_flac(audio), "audio/flac"),
                model=self.model,
                response_format="verbose_json",
                timestamp_granularities=["word"],
                language=self.config.language,
                temperature=0,
                **extra,
            )
        except openai.APIError as exc:
            where = self.config.base_url or "the OpenAI API"
            raise AudioError(f"transcription failed at {where}: {_short(exc)}") from None
        text = " ".join(str(getattr(response, "text", "") or "").split())
        words = _words(response)
        return Transcript(
            text=text,
            words=words,
            language=str(getattr(response, "language", None) or self.config.language),
            duration=audio.duration,
            engine=self.engine,
            model=self.model,
        )


def _words(response: Any) -> tuple[Word, ...]:
    """Words with timings; servers that give only segments get evenly spread word times."""
    listed = getattr(response, "words", None) or []
    if listed:
        # The API gives bare words; a leading space lets them join back into text.
        return tuple(
            Word(start=float(_get(w, "start")), end=float(_get(w, "end")), text=" " + str(_get(w, "word")).strip())
            for w in listed
        )
    spread: list[Word] = []
    for segment in getattr(response, "segments", None) or []:
        tokens = str(_get(segment, "text")).split()
        start, end = float(_get(segment, "start")), float(_get(segment, "end"))
        step = (end - start) / max(1, len(tokens))
        spread.extend(
            Word(start=start + i * step, end=start + (i + 1) * step, text=" " + t) for i, t in enumerate(tokens)
        )
    return tuple(spread)


def _get(item: Any, name: str) -> Any:
    return item[name] if isinstance(item, dict) else getattr(item, name)


def _short(exc: Exception) -> str:
    message = str(getattr(exc, "message", None) or exc)
    return message.strip().splitlines()[0][:200] if message.strip() else type(exc).__name__
