"""A spoken answer from file to checked transcript: decode, transcribe, flag, measure.

The one entry point the terminal and the browser use, so both behave the same.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

from interviewer.bank import Bank, Track
from interviewer.errors import AudioError
from interviewer.speech.analytics import delivery_metrics
from interviewer.speech.audio import load_audio
from interviewer.speech.config import SttConfig
from interviewer.speech.engines import Transcriber, make_transcriber
from interviewer.speech.flagging import flag_transcript
from interviewer.speech.records import SpokenAnswer
from interviewer.speech.vocabulary import EMPTY, Vocabulary, track_vocabulary


class AnswerTranscriber:
    """Transcribes answers for a track (and question) with the configured engine.

    Cheap to create: the engine's model is loaded on the first answer (or by :meth:`load`) and
    shared through the process-wide model cache; vocabularies are built once per question.
    """

    def __init__(self, config: SttConfig, bank: Bank | None = None, transcriber: Transcriber | None = None) -> None:
        self.config = config
        self.bank = bank
        self.transcriber = transcriber or make_transcriber(config)
        self._vocabularies: dict[tuple[Track, str | None], Vocabulary] = {}
        self._lock = threading.Lock()

    def load(self) -> None:
        """Load the engine's model now."""
        self.transcriber.load()

    def vocabulary(self, track: Track | None, question_id: str | None = None) -> Vocabulary:
        """The terms that bias recognition and flagging; empty without a bank or track."""
        if track is None or self.bank is None:
            return EMPTY
        key = (track, question_id)
        with self._lock:
            if key not in self._vocabularies:
                question = self.bank.questions.get(question_id) if question_id else None
                self._vocabularies[key] = track_vocabulary(self.bank, track, question)
            return self._vocabularies[key]

    def transcribe(
        self, source: str | Path | bytes, track: Track | None = None, question_id: str | None = None
    ) -> SpokenAnswer:
        """Decode and validate ``source``, transcribe it, flag what to check and measure delivery.

        Raises AudioError (one line) for unusable audio, including audio with no recognisable speech.
        """
        audio = load_audio(source, self.config.limits())
        vocabulary = self.vocabulary(track, question_id)
        started = time.perf_counter()
        transcript = self.transcriber.transcribe(audio, vocabulary if self.config.vocabulary else None)
        elapsed = time.perf_counter() - started
        if not transcript.words and not transcript.text.strip():
            name = "the recording" if audio.source is None else audio.source
            raise AudioError(f"no speech was recognised in {name} (is it someone speaking English?)")
        return SpokenAnswer(
            transcript=transcript,
            flags=flag_transcript(transcript, vocabulary, self.config.low_confidence),
            delivery=delivery_metrics(transcript.words, audio.duration),
            source=audio.source,
            transcribe_seconds=elapsed,
        )
