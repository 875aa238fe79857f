"""The one interface every speech-to-text engine implements."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from interviewer.speech.audio import Audio
from interviewer.speech.records import Transcript
from interviewer.speech.vocabulary import Vocabulary


@runtime_checkable
class Transcriber(Protocol):
    """Turns decoded audio into a transcript with word timings.

    Implementations load their model once (through ``interviewer.speech.model_cache``) and are
    safe to call from several threads.
    """

    #: The engine's name as configured ("faster-whisper", ...).
    engine: str
    #: The model, as shown to users and stored with results.
    model: str

    def transcribe(self, audio: Audio, vocabulary: Vocabulary | None = None) -> Transcript:
        """Transcribe ``audio``, biased towards ``vocabulary`` where the engine supports it."""
        ...

    def load(self) -> None:
        """Load the model now rather than on the first answer (to show a spinner at a good time)."""
        ...
