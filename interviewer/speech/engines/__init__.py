"""Speech-to-text engines behind one ``Transcriber`` interface, chosen by name from the settings."""

from __future__ import annotations

from interviewer.speech.config import SttConfig
from interviewer.speech.engines.base import Transcriber


def make_transcriber(config: SttConfig) -> Transcriber:
    """The configured engine. Optional engines are imported only when chosen."""
    if config.engine == "faster-whisper":
        from interviewer.speech.engines.faster_whisper_engine import FasterWhisperTranscriber

        return FasterWhisperTranscriber(config)
    if config.engine == "openai-whisper":
        from interviewer.speech.engines.openai_whisper_engine import OpenAIWhisperTranscriber

        return OpenAIWhisperTranscriber(config)
    from interviewer.speech.engines.openai_api_engine import OpenAIApiTranscriber

    return OpenAIApiTranscriber(config)


__all__ = ["Transcriber", "make_transcriber"]
